import type { JsonObject } from "../json.ts";

export interface PatchOperation {
  op: string;
  path: string;
  value?: unknown;
  from?: string;
}

/**
 * The JSON Patch (RFC 6902) from the pod as the API server sent it to the injected pod. Diffing
 * (rather than assembling operations by hand) means the patch says exactly what changed and nothing
 * else; the API server applies it with evanphx/json-patch, which add/remove/replace output suits.
 *
 * The operations, their order and their paths are exactly those of fast-json-patch's `compare`
 * (test/patch checks this against it, and applies the result with rfc6902): maps are walked key by
 * key, a changed scalar or a change of type is a `replace`, a key or list item that went is a
 * `remove` (list items from the end, so the indices stay valid), a new one an `add`. Unlike
 * `compare`, the values are not deep-copied: they are the mutated pod's own, which nothing changes
 * afterwards (the operations are serialised once, by encodePatch), and copying every added container
 * was the most expensive step of an admission. A value that is `undefined` in a list is `null`, as
 * JSON has it.
 */
export function createPatch(original: JsonObject, mutated: JsonObject): PatchOperation[] {
  const ops: PatchOperation[] = [];
  if (original !== mutated) diffMaps(original, mutated, "", ops);
  return ops;
}

/** One key (or index) present on both sides: recurse into two maps or two lists, else replace if changed. */
function diffValue(before: unknown, after: unknown, path: string, ops: PatchOperation[]): void {
  if (before === after) return;
  if (typeof before === "object" && before !== null && typeof after === "object" && after !== null) {
    const beforeIsList = Array.isArray(before);
    if (beforeIsList === Array.isArray(after)) {
      if (beforeIsList) diffLists(before as unknown[], after as unknown[], path, ops);
      else diffMaps(before as Record<string, unknown>, after as Record<string, unknown>, path, ops);
      return;
    }
  }
  ops.push({ op: "replace", path, value: after === undefined ? null : after });
}

function diffMaps(
  before: Record<string, unknown>,
  after: Record<string, unknown>,
  path: string,
  ops: PatchOperation[],
): void {
  const oldKeys = Object.keys(before);
  let deleted = false;
  for (let t = oldKeys.length - 1; t >= 0; t--) {
    const key = oldKeys[t] as string;
    const oldVal = before[key];
    const newVal = after[key];
    if (Object.hasOwn(after, key) && !(newVal === undefined && oldVal !== undefined)) {
      diffValue(oldVal, newVal, `${path}/${escapePathComponent(key)}`, ops);
    } else {
      ops.push({ op: "remove", path: `${path}/${escapePathComponent(key)}` });
      deleted = true;
    }
  }
  const newKeys = Object.keys(after);
  if (!deleted && newKeys.length === oldKeys.length) return;
  for (const key of newKeys) {
    const value = after[key];
    if (value !== undefined && !Object.hasOwn(before, key)) {
      ops.push({ op: "add", path: `${path}/${escapePathComponent(key)}`, value });
    }
  }
}

function diffLists(before: unknown[], after: unknown[], path: string, ops: PatchOperation[]): void {
  const oldLength = before.length;
  const newLength = after.length;
  for (let t = oldLength - 1; t >= 0; t--) {
    if (t < newLength) diffValue(before[t], after[t], `${path}/${t}`, ops);
    else ops.push({ op: "remove", path: `${path}/${t}` });
  }
  for (let t = oldLength; t < newLength; t++) {
    const value = after[t];
    if (value !== undefined) ops.push({ op: "add", path: `${path}/${t}`, value });
  }
}

/** RFC 6901: `~` is `~0` and `/` is `~1` in a JSON Pointer's reference tokens. */
function escapePathComponent(key: string): string {
  if (key.indexOf("/") === -1 && key.indexOf("~") === -1) return key;
  return key.replace(/~/g, "~0").replace(/\//g, "~1");
}

export function encodePatch(ops: PatchOperation[]): string {
  return encodeJson(JSON.stringify(ops));
}

/** A patch's JSON text as the AdmissionResponse carries it: base64 of its UTF-8. */
export function encodeJson(json: string): string {
  // ASCII is the same bytes in Latin-1 as in UTF-8, and Latin-1 is a plain copy: most patches are ASCII.
  return Buffer.from(json, NON_ASCII.test(json) ? "utf8" : "latin1").toString("base64");
}

const NON_ASCII = /[\u0080-\uffff]/;
