import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { isObject, type Json, type JsonObject } from "../../core/json.ts";
import {
  DIRECTIVE,
  MERGE_KEYS,
  mergeSorted,
  strategicMerge,
  withoutDirective,
} from "../../core/merge/strategic.ts";

// The merge was rewritten for speed (plain loops; maps of the patch that land on nothing are shared
// instead of copied). Its results must be exactly those of the implementation it replaced, kept
// below as the reference, on pod-shaped documents with directives, nulls, duplicate and missing
// merge keys; and it must never modify its arguments.

/** Pod-shaped documents over field names the merge treats specially, so two of them overlap. */
function documents() {
  const key = fc.constantFrom(
    "containers",
    "env",
    "volumes",
    "ports",
    "args",
    "metadata",
    "spec",
    "name",
    "containerPort",
    "image",
    "$patch",
    "__proto__",
    "toString",
  );
  const name = fc.constantFrom("a", "b", "c", "istio-proxy");
  const { map } = fc.letrec((tie) => ({
    value: fc.oneof(
      { depthSize: "small" },
      fc.constantFrom<unknown>(null, true, 0, 1, "", "x", "replace", "delete", "merge"),
      tie("list"),
      tie("map"),
      tie("item"),
    ),
    list: fc.array(fc.oneof(tie("item"), tie("value")), { maxLength: 4 }),
    // List items with merge keys, sometimes with a directive.
    item: fc.record(
      {
        name,
        containerPort: fc.constantFrom(80, 8080),
        image: fc.constantFrom("i1", "i2", null),
        $patch: fc.constantFrom("replace", "delete", "merge"),
        env: fc.array(fc.record({ name, value: fc.constantFrom("1", "2") }, { requiredKeys: [] }), {
          maxLength: 3,
        }),
      },
      { requiredKeys: [] },
    ),
    map: fc.dictionary(key, tie("value"), { maxKeys: 5 }),
  }));
  // As the injector holds them: parsed from JSON (plain objects, `__proto__` as a plain key).
  return map.map((m) => JSON.parse(JSON.stringify(m)) as JsonObject);
}

describe("strategic merge against the reference implementation", () => {
  it("gives the same result, key order included, and modifies neither argument", () => {
    fc.assert(
      fc.property(documents(), documents(), fc.boolean(), (original, patch, onNothing) => {
        const before = JSON.stringify([original, patch]);
        const base = onNothing ? undefined : original;
        const expected = referenceMerge(structuredClone(base), structuredClone(patch));
        const actual = strategicMerge(base, patch);
        expect(JSON.stringify(actual)).toBe(JSON.stringify(expected));
        expect(actual).toEqual(expected);
        expect(JSON.stringify([original, patch])).toBe(before);
      }),
      { numRuns: 5000 },
    );
  });

  it("shares a patch map that lands on nothing, and copies one the merge changes", () => {
    const proxy = { name: "istio-proxy", env: [{ name: "A", value: "1" }] };
    const merged = strategicMerge(
      { spec: { containers: [{ name: "app" }] } },
      { spec: { containers: [proxy] } },
    );
    expect((merged as { spec: { containers: unknown[] } }).spec.containers[0]).toBe(proxy);
    const withNull = { name: "istio-proxy", image: null };
    const merged2 = strategicMerge({ spec: { containers: [] } }, { spec: { containers: [withNull] } });
    expect((merged2 as { spec: { containers: unknown[] } }).spec.containers).toEqual([
      { name: "istio-proxy" },
    ]);
    expect(withNull).toEqual({ name: "istio-proxy", image: null });
  });
});

// ---------------------------------------------------------------------------------------------------
// The implementation before the rewrite, unchanged but for its name; the pieces the rewrite left as
// they were (the merge keys, mergeSorted, withoutDirective) are the module's own.

function referenceMerge(original: Json | undefined, patch: Json): Json | undefined {
  if (!isObject(patch)) return patch;
  if (patch[DIRECTIVE] === "replace") return withoutDirective(patch);
  if (patch[DIRECTIVE] === "delete") return undefined;
  return mergeObject(isObject(original) ? original : {}, patch);
}

function mergeObject(original: JsonObject, patch: JsonObject): JsonObject {
  const out: JsonObject = { ...original };
  for (const [key, value] of Object.entries(patch)) {
    if (key === DIRECTIVE) continue;
    if (value === null) {
      delete out[key];
      continue;
    }
    const mergeKey = MERGE_KEYS[key];
    let merged: Json | undefined;
    if (Array.isArray(value) && mergeKey && value.every(isObject)) {
      merged = mergeList(out[key], value as JsonObject[], mergeKey);
    } else if (isObject(value)) {
      merged = referenceMerge(out[key], value);
    } else {
      merged = value;
    }
    if (merged === undefined) delete out[key];
    else out[key] = merged;
  }
  return out;
}

function mergeList(original: Json | undefined, patch: JsonObject[], mergeKey: string): Json[] {
  if (patch.some((item) => item[DIRECTIVE] === "replace")) {
    return patch.filter((item) => item[DIRECTIVE] !== "replace").map(withoutDirective);
  }
  const originalItems = Array.isArray(original) ? original : [];
  const keyOf = (item: Json): Json | undefined => (isObject(item) ? item[mergeKey] : undefined);
  const used = new Set<number>();
  // Patch items, each with the index of the original item it merged into (-1 for a new item).
  const right: { item: Json; at: number }[] = [];
  for (const item of patch) {
    const key = item[mergeKey];
    const index =
      key === undefined ? -1 : originalItems.findIndex((o, i) => !used.has(i) && keyOf(o) === key);
    if (index >= 0) used.add(index);
    if (item[DIRECTIVE] === "delete") continue;
    const merged = referenceMerge(index >= 0 ? originalItems[index] : undefined, item);
    if (merged !== undefined) right.push({ item: merged, at: index });
  }
  const deleted = new Set(patch.filter((p) => p[DIRECTIVE] === "delete").map((p) => p[mergeKey]));
  const left: { item: Json; at: number }[] = [];
  originalItems.forEach((item, i) => {
    if (!used.has(i) && !deleted.has(keyOf(item))) left.push({ item, at: i });
  });
  return mergeSorted(left, right);
}
