import { isObject, type Json, type JsonObject } from "../../json.ts";
import { typeName } from "./fmt.ts";
import { OBJECT_META, POD_SPEC, TYPE_META } from "./kube-types.ts";
import type { FieldDesc, GoType } from "./values.ts";

/**
 * istiod merges each rendered template onto the pod and decodes the result into corev1.Pod with
 * encoding/json ("unmarshal patched pod"), so a value of the wrong JSON type fails the injection
 * there: a number or a bool where Kubernetes has a string (a `configMap.name` printed unquoted from an
 * annotation such as `15020`), a string where it has an integer. Outrigger would otherwise hand the
 * API server a patch it cannot decode. The pod the API server sent was decoded already, so only what
 * a template renders can bring such a value, and this reads each rendered value as encoding/json
 * would: `null` fits any type, unknown keys are skipped, a key names a field exactly or else in any
 * case, and the first mismatch in document order is reported in Go's words.
 */
export function podDecodeError(value: JsonObject): string | undefined {
  return decode(value, POD, undefined, []);
}

const POD: GoType = {
  kind: "struct",
  name: "v1.Pod",
  fields: [
    { go: "TypeMeta", json: "", type: TYPE_META, embedded: true },
    { go: "ObjectMeta", json: "metadata", type: OBJECT_META },
    { go: "Spec", json: "spec", type: POD_SPEC },
    { go: "Status", json: "status", type: { kind: "interface" } },
  ],
};

const INT_RANGE: Record<string, [number, number]> = {
  int: [Number.MIN_SAFE_INTEGER, Number.MAX_SAFE_INTEGER],
  int32: [-(2 ** 31), 2 ** 31 - 1],
  int64: [Number.MIN_SAFE_INTEGER, Number.MAX_SAFE_INTEGER],
  uint32: [0, 2 ** 32 - 1],
  uint64: [0, Number.MAX_SAFE_INTEGER],
};

/**
 * The first type error under `v` (of Go type `t`), in encoding/json's words, or undefined. `path` is
 * the JSON field names down to `v` (a stack, pushed and popped as the walk goes: most values pass).
 */
function decode(v: Json, t: GoType, struct: string | undefined, path: string[]): string | undefined {
  if (v === null) return undefined;
  switch (t.kind) {
    case "interface":
    case "enum":
    case "duration":
      return undefined;
    case "string":
      return typeof v === "string" ? undefined : mismatch(v, t, struct, path);
    case "bool":
      return typeof v === "boolean" ? undefined : mismatch(v, t, struct, path);
    case "float64":
      return typeof v === "number" ? undefined : mismatch(v, t, struct, path);
    case "int":
    case "int32":
    case "int64":
    case "uint32":
    case "uint64": {
      if (typeof v !== "number") return mismatch(v, t, struct, path);
      const [lo, hi] = INT_RANGE[t.kind] as [number, number];
      return Number.isInteger(v) && v >= lo && v <= hi
        ? undefined
        : mismatch(v, t, struct, path, `number ${String(v)}`);
    }
    case "ptr":
      return decode(v, t.elem, struct, path);
    case "slice": {
      if (!Array.isArray(v)) return mismatch(v, t, struct, path);
      for (const item of v) {
        const e = decode(item, t.elem, struct, path);
        if (e) return e;
      }
      return undefined;
    }
    case "map": {
      if (!isObject(v)) return mismatch(v, t, struct, path);
      for (const key in v) {
        const e = decode(v[key] as Json, t.elem, struct, path);
        if (e) return e;
      }
      return undefined;
    }
    case "struct": {
      const info = structInfo(t);
      // Time, IntOrString, Quantity, ...: their own UnmarshalJSON reads the raw JSON.
      if (info.custom) return undefined;
      if (!isObject(v)) return mismatch(v, t, struct, path);
      for (const key in v) {
        // Strategic-merge directives ($patch, $setElementOrder/...) are gone by the time istiod decodes.
        if (key.charCodeAt(0) === 36) continue;
        const field = info.exact.get(key) ?? info.folded.get(key.toLowerCase());
        if (field === undefined) continue;
        path.push(field.json);
        const e = decode(v[key] as Json, field.type, info.name, path);
        path.pop();
        if (e) return e;
      }
      return undefined;
    }
  }
}

/** What decoding into a struct needs: its fields by JSON name, exact and case-folded, and its short name. */
interface StructInfo {
  name: string;
  custom: boolean;
  exact: Map<string, FieldDesc>;
  folded: Map<string, FieldDesc>;
}

const infos = new WeakMap<GoType, StructInfo>();

/** A struct's own fields and those its embedded structs promote (the shallower wins), by JSON name. */
function structInfo(t: GoType & { kind: "struct" }): StructInfo {
  const known = infos.get(t);
  if (known) return known;
  const exact = new Map<string, FieldDesc>();
  for (const f of t.fields) if (!f.embedded) exact.set(f.json, f);
  for (const f of t.fields) {
    if (!f.embedded) continue;
    const inner = f.type.kind === "ptr" ? f.type.elem : f.type;
    if (inner.kind !== "struct") continue;
    for (const [name, p] of structInfo(inner).exact) if (!exact.has(name)) exact.set(name, p);
  }
  const folded = new Map<string, FieldDesc>();
  for (const [name, f] of exact) if (!folded.has(name.toLowerCase())) folded.set(name.toLowerCase(), f);
  const info = {
    name: t.name.slice(t.name.lastIndexOf(".") + 1),
    custom: t.methods?.MarshalJSON !== undefined,
    exact,
    folded,
  };
  infos.set(t, info);
  return info;
}

/** encoding/json's error; `t` is never a pointer here (decode steps through them, as Go's indirect does). */
function mismatch(
  v: Json,
  t: GoType,
  struct: string | undefined,
  path: string[],
  value = jsonKind(v),
): string {
  const into = struct === undefined ? "Go value" : `Go struct field ${struct}.${path.join(".")}`;
  return `json: cannot unmarshal ${value} into ${into} of type ${typeName(t)}`;
}

function jsonKind(v: Json): string {
  if (Array.isArray(v)) return "array";
  if (typeof v === "object") return "object";
  return typeof v === "boolean" ? "bool" : typeof v;
}
