/**
 * Go values as the Go-template engine sees them. Istio renders its templates against typed Go data
 * (Kubernetes structs, proto messages, `map[string]any` from JSON), and text/template's behaviour
 * depends on those types: an absent `.Spec.ServiceAccountName` is `""`, an absent label is `""`, an
 * absent `.Values` key is "no value", a JSON number is a float64 that prints `1e+06`. This module is
 * the one model of those values that the parser's executor, Go's built-ins, Sprig and Istio's
 * functions share.
 *
 * The representation:
 * - `string` → Go string (and named string types);  `boolean` → Go bool;
 * - `number` → Go float64 (what encoding/json gives for any JSON number);
 * - `bigint` → any Go integer kind (int, int64, int32, uint32, …): template literals, len, ProxyUID;
 * - `undefined` → the invalid reflect.Value (a missing map key, "no value");
 * - `null` → a nil interface / nil of unknown type (a JSON null);
 * - a plain JS object → `map[string]any` (JSON objects; Sprig's `dict`); a JS array → `[]any`;
 * - a `Typed` → a value of a declared Go type (struct, pointer, slice, map, enum, duration) over the
 *   JSON it was read from, so zero values and field names follow the Go declaration lazily;
 * - a `GoFunc` value is never produced by templates (functions are looked up by name).
 *
 * Pure data and pure functions; no I/O.
 */

export type GoValue =
  | string
  | boolean
  | number
  | bigint
  | undefined
  | null
  | Typed
  | GoValue[]
  | { [key: string]: GoValue };

// ---------------------------------------------------------------------------------------------------
// Declared types

export type ScalarKind = "string" | "bool" | "int" | "int32" | "int64" | "uint32" | "uint64" | "float64";

export interface FieldDesc {
  /** Go field name (`ServiceAccountName`). */
  go: string;
  /** JSON name in the raw object (`serviceAccountName`); also the encoding/json name. */
  json: string;
  type: GoType;
  /** `json:",omitempty"`: left out of encoding/json output when zero. */
  omitempty?: boolean;
  /** Embedded (anonymous) struct field: its fields are promoted, and it has no JSON key of its own. */
  embedded?: boolean;
}

export type Method = (recv: Typed, args: GoValue[]) => GoValue;

export type GoType =
  | { kind: ScalarKind; name?: string }
  | { kind: "struct"; name: string; fields: FieldDesc[]; methods?: Record<string, Method> }
  | { kind: "ptr"; elem: GoType }
  | { kind: "slice"; elem: GoType }
  | { kind: "map"; elem: GoType; name?: string }
  /** `any` / `interface{}`: the raw JSON is read dynamically (plain objects, arrays, float64s). */
  | { kind: "interface" }
  /** A proto enum: an int32 whose String() is its name. The raw JSON holds the name (proto JSON). */
  | { kind: "enum"; name: string; names: readonly string[] }
  /** google.protobuf.Duration pointer, raw JSON "1.5s". */
  | { kind: "duration" };

/** A value of a declared Go type over its raw JSON (`undefined`/`null` raw: the zero value or nil). */
export class Typed {
  constructor(
    readonly type: GoType,
    readonly raw: unknown,
  ) {}
}

export const ANY: GoType = { kind: "interface" };
export const STRING: GoType = { kind: "string" };
export const BOOL: GoType = { kind: "bool" };
export const INT: GoType = { kind: "int" };
export const INT32: GoType = { kind: "int32" };
export const INT64: GoType = { kind: "int64" };
export const FLOAT64: GoType = { kind: "float64" };
export const STRING_MAP: GoType = { kind: "map", elem: STRING };

export const isPlainMap = (v: unknown): v is { [key: string]: GoValue } =>
  typeof v === "object" && v !== null && !Array.isArray(v) && !(v instanceof Typed);

// ---------------------------------------------------------------------------------------------------
// Reading raw JSON as a declared type

/**
 * The value of type `t` held in raw JSON `raw`. Scalars and `any` come out as plain values; every
 * composite stays a Typed so that its fields keep their declared types.
 */
export function typed(t: GoType, raw: unknown): GoValue {
  switch (t.kind) {
    case "string":
      return typeof raw === "string" ? raw : raw === undefined || raw === null ? "" : String(raw);
    case "bool":
      return raw === true;
    case "int":
    case "int32":
    case "int64":
    case "uint32":
    case "uint64":
      return toBigInt(raw);
    case "float64":
      return typeof raw === "number" ? raw : Number(raw ?? 0) || 0;
    case "interface":
      return fromJSON(raw);
    default:
      return new Typed(t, raw ?? (t.kind === "struct" ? undefined : null));
  }
}

function toBigInt(raw: unknown): bigint {
  if (typeof raw === "bigint") return raw;
  if (typeof raw === "number" && Number.isFinite(raw)) return BigInt(Math.trunc(raw));
  if (typeof raw === "string" && /^-?\d+$/.test(raw)) return BigInt(raw);
  return 0n;
}

/** JSON as `any`: objects, arrays and scalars as they are (objects and arrays are not copied). */
export function fromJSON(raw: unknown): GoValue {
  if (raw === undefined) return null;
  return raw as GoValue;
}

/** A struct's field by Go name, following embedded structs; undefined when the struct has none. */
export function structField(t: GoType & { kind: "struct" }, name: string): FieldDesc | undefined {
  // Types are built once and never change, so each struct's lookups are remembered (MeshConfig has
  // about a hundred fields, and templates read the same few on every render).
  let byName = fieldIndex.get(t);
  if (byName === undefined) {
    byName = new Map();
    fieldIndex.set(t, byName);
  }
  let hit = byName.get(name);
  if (hit === undefined) {
    hit = findField(t, name) ?? null;
    byName.set(name, hit);
  }
  return hit ?? undefined;
}

const fieldIndex = new WeakMap<GoType, Map<string, FieldDesc | null>>();

function findField(t: GoType & { kind: "struct" }, name: string): FieldDesc | undefined {
  for (const f of t.fields) if (f.go === name && !f.embedded) return f;
  for (const f of t.fields) {
    if (!f.embedded) continue;
    const inner = f.type.kind === "ptr" ? f.type.elem : f.type;
    if (inner.kind === "struct") {
      const found = structField(inner, name);
      if (found) return found;
    }
  }
  return undefined;
}

/** Whether a Typed is a nil pointer, slice or map (a struct value is never nil). */
export function isNilTyped(v: Typed): boolean {
  const k = v.type.kind;
  return (
    (k === "ptr" || k === "slice" || k === "map" || k === "duration") &&
    (v.raw === null || v.raw === undefined)
  );
}

/** Through one pointer: a non-nil `*T` → the `T` value; anything else unchanged. */
export function deref(v: GoValue): GoValue {
  if (v instanceof Typed && v.type.kind === "ptr" && !isNilTyped(v)) return typed(v.type.elem, v.raw);
  return v;
}

// ---------------------------------------------------------------------------------------------------
// Kinds and truth

export type Kind =
  | "invalid"
  | "nil"
  | "string"
  | "bool"
  | "float"
  | "int"
  | "map"
  | "slice"
  | "struct"
  | "ptr"
  | "enum"
  | "duration";

/** reflect.Kind as far as the engine and the function map need it. */
export function kindOf(v: GoValue): Kind {
  if (v === undefined) return "invalid";
  if (v === null) return "nil";
  switch (typeof v) {
    case "string":
      return "string";
    case "boolean":
      return "bool";
    case "number":
      return "float";
    case "bigint":
      return "int";
  }
  if (Array.isArray(v)) return "slice";
  if (v instanceof Typed) {
    switch (v.type.kind) {
      case "struct":
      case "ptr":
      case "slice":
      case "map":
      case "enum":
      case "duration":
        return v.type.kind;
      case "string":
        return "string";
      case "bool":
        return "bool";
      case "float64":
        return "float";
      case "interface":
        return kindOf(fromJSON(v.raw));
      default:
        return "int";
    }
  }
  return "map";
}

/**
 * text/template's truth (`if`, `with`, `and`, `or`, `not`): false for the invalid value, nil, false,
 * zero numbers, "" and empty maps and slices; a struct is always true, a non-nil pointer is true.
 */
export function isTrue(v: GoValue): boolean {
  if (v === undefined || v === null) return false;
  switch (typeof v) {
    case "string":
      return v !== "";
    case "boolean":
      return v;
    case "number":
      return v !== 0;
    case "bigint":
      return v !== 0n;
  }
  if (Array.isArray(v)) return v.length > 0;
  if (v instanceof Typed) {
    switch (v.type.kind) {
      case "struct":
        return true;
      case "ptr":
      case "duration":
        return !isNilTyped(v);
      case "slice":
        return Array.isArray(v.raw) && v.raw.length > 0;
      case "map":
        return isPlainMap(v.raw) && Object.keys(v.raw).length > 0;
      case "enum":
        return enumNumber(v) !== 0;
      default:
        return isTrue(typed(v.type, v.raw));
    }
  }
  return Object.keys(v).length > 0;
}

/** A proto enum's number (its index in the declared names; the raw JSON holds the name). */
export function enumNumber(v: Typed): number {
  if (v.type.kind !== "enum") return 0;
  if (typeof v.raw === "number") return v.raw;
  const i = typeof v.raw === "string" ? v.type.names.indexOf(v.raw) : -1;
  return i < 0 ? 0 : i;
}

/** A proto enum's String(): its name, or the number when it has none. */
export function enumName(v: Typed): string {
  if (v.type.kind !== "enum") return "";
  const n = enumNumber(v);
  return v.type.names[n] ?? String(n);
}

// ---------------------------------------------------------------------------------------------------
// Collections

/** Elements of a slice (declared or `[]any`) as Go values; undefined when `v` is not a slice. */
export function sliceElems(v: GoValue): GoValue[] | undefined {
  if (Array.isArray(v)) return v;
  if (v instanceof Typed && v.type.kind === "slice") {
    const elem = v.type.elem;
    return Array.isArray(v.raw) ? v.raw.map((x) => typed(elem, x)) : [];
  }
  return undefined;
}

/** Entries of a map (declared or `map[string]any`) in Go's sorted key order; undefined when not a map. */
export function mapEntries(v: GoValue): [string, GoValue][] | undefined {
  if (v instanceof Typed) {
    if (v.type.kind !== "map") return undefined;
    const elem = v.type.elem;
    const raw = isPlainMap(v.raw) ? v.raw : {};
    return sortedKeys(raw).map((k) => [k, typed(elem, raw[k])]);
  }
  if (isPlainMap(v)) return sortedKeys(v).map((k) => [k, v[k] === undefined ? null : (v[k] as GoValue)]);
  return undefined;
}

/** Go sorts string keys by bytes; for UTF-16 code units this equals code point order except surrogates. */
export function sortedKeys(o: object): string[] {
  const keys = Object.keys(o);
  // Keys often come in order already; sorting allocates even then.
  for (let i = 1; i < keys.length; i++)
    if (byteOrder(keys[i - 1] as string, keys[i] as string) > 0) return keys.sort(byteOrder);
  return keys;
}

export function byteOrder(a: string, b: string): number {
  if (a === b) return 0;
  // Below the surrogates, UTF-16 code units order as UTF-8 bytes do: most keys decide there.
  const n = Math.min(a.length, b.length);
  let i = 0;
  while (i < n && a.charCodeAt(i) === b.charCodeAt(i)) i++;
  const ca = i < a.length ? a.charCodeAt(i) : -1;
  const cb = i < b.length ? b.charCodeAt(i) : -1;
  if (ca < 0xd800 && cb < 0xd800) return ca < cb ? -1 : 1;
  const ba = Buffer.from(a, "utf8");
  const bb = Buffer.from(b, "utf8");
  return Buffer.compare(ba, bb);
}

/**
 * `index m key` / a map field access: a declared map gives its element type's zero value for a
 * missing key (`""` for map[string]string); `map[string]any` gives the invalid value.
 */
export function mapGet(v: GoValue, key: string): GoValue {
  if (v instanceof Typed && v.type.kind === "map") {
    const raw = isPlainMap(v.raw) ? v.raw : undefined;
    const has = raw !== undefined && Object.hasOwn(raw, key);
    return typed(v.type.elem, has ? raw[key] : undefined);
  }
  if (isPlainMap(v)) {
    if (!Object.hasOwn(v, key)) return undefined;
    const x = v[key];
    return x === undefined ? null : x;
  }
  return undefined;
}

/** Whether `v` is a map that holds `key` (an own property: `__proto__` is just a key). */
export function mapHas(v: GoValue, key: string): boolean {
  if (v instanceof Typed && v.type.kind === "map") return isPlainMap(v.raw) && Object.hasOwn(v.raw, key);
  return isPlainMap(v) && Object.hasOwn(v, key);
}

/** Plain JSON (what encoding/json would read back) for any Go value; structs keep their raw form. */
export function toPlain(v: GoValue): unknown {
  if (v instanceof Typed) {
    if (v.type.kind === "enum") return enumName(v);
    return v.raw ?? null;
  }
  if (typeof v === "bigint") return Number(v);
  if (Array.isArray(v)) return v.map(toPlain);
  if (isPlainMap(v)) {
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) out[k] = toPlain(x as GoValue);
    return out;
  }
  return v;
}

// ---------------------------------------------------------------------------------------------------
// Functions and their errors

/**
 * A template function: Go's reflect call, with arguments already evaluated. A missing value arrives
 * as `undefined`; a function whose Go parameter is `any` treats it as nil, one whose parameter is
 * typed rejects it (see args.ts). Errors are thrown as GoError and abort the execution, as a Go
 * function returning a non-nil error does.
 */
export type GoFunc = (...args: GoValue[]) => GoValue;
export type GoFuncMap = ReadonlyMap<string, GoFunc>;

/** An execution error raised by a function or the executor; its message is Go's. */
export class GoError extends Error {}

/**
 * An argument Go rejects before the call (reflect's validateType / arity check): the executor
 * reports its message as it is, without `error calling NAME: `, as Go does. `argIndex` (0-based,
 * the piped value counting last) points the error's context at that argument's node.
 */
export class GoArgError extends GoError {
  constructor(
    message: string,
    readonly argIndex?: number,
  ) {
    super(message);
  }
}
