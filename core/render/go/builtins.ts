/**
 * Go text/template's built-in functions (src/text/template/funcs.go, Go 1.25) over the shared value
 * model. `and`, `or` and `call` are listed for the parse-time name check and the arity check; the
 * executor evaluates them itself, because `and`/`or` short-circuit and `call` needs its argument's
 * node text. Errors are thrown as GoError with Go's text; the executor adds `error calling NAME: `.
 *
 * The value model's two nils: `undefined` is the invalid reflect.Value (a missing key, nothing), and
 * `null` is a nil interface (a JSON null read out of a map[string]any, before a pipeline unwraps it).
 */

import { formatV, isPrint, sprint, sprintf, sprintln, typeString } from "./fmt.ts";
import {
  deref,
  enumNumber,
  fromJSON,
  GoError,
  type GoFunc,
  type GoValue,
  isNilTyped,
  isPlainMap,
  isTrue,
  mapGet,
  mapHas,
  sliceElems,
  Typed,
  typed,
} from "./values.ts";

/** How Go's reflect call treats a parameter before the call (exec.go evalArg / validateType). */
export type ParamKind = "value" | "any" | "string";

export interface BuiltinSpec {
  fn: GoFunc;
  /** Fixed parameter count; `variadic` allows more. */
  fixed: number;
  variadic: boolean;
  /** Kind of the fixed parameters, then of the variadic ones. */
  params: ParamKind[];
  rest: ParamKind;
}

/** reflect's indirectInterface: a nil interface is the invalid value; `any` fields read dynamically. */
export function indirectInterface(v: GoValue): GoValue {
  if (v === null) return undefined;
  if (v instanceof Typed && v.type.kind === "interface") {
    const inner = fromJSON(v.raw);
    return inner === null ? undefined : inner;
  }
  return v;
}

/** A declared scalar (a named string type, say) as its plain value; anything else unchanged. */
function scalar(v: GoValue): GoValue {
  if (v instanceof Typed) {
    const k = v.type.kind;
    if (k === "string" || k === "bool" || k === "float64" || k.startsWith("int") || k.startsWith("uint")) {
      return typed(v.type, v.raw);
    }
  }
  return v;
}

// ---------------------------------------------------------------------------------------------------
// Truth

/** text/template's truth of an operand (a nil interface is false, like the invalid value). */
export const truth = (v: GoValue): boolean => isTrue(v);

// ---------------------------------------------------------------------------------------------------
// Comparison

type BasicKind = "invalid" | "bool" | "int" | "float" | "string";

function basicKind(v: GoValue): BasicKind {
  switch (typeof v) {
    case "boolean":
      return "bool";
    case "bigint":
      return "int";
    case "number":
      return "float";
    case "string":
      return "string";
  }
  if (v instanceof Typed && v.type.kind === "enum") return "int";
  return "invalid";
}

function basicValue(v: GoValue): GoValue {
  return v instanceof Typed && v.type.kind === "enum" ? BigInt(enumNumber(v)) : v;
}

const isNilValue = (v: GoValue): boolean =>
  v === undefined || v === null || (v instanceof Typed && isNilTyped(v));

function refKind(v: GoValue): string {
  if (v === undefined || v === null) return "invalid";
  if (Array.isArray(v)) return "slice";
  if (v instanceof Typed) return v.type.kind === "duration" ? "ptr" : v.type.kind;
  return typeof v === "object" ? "map" : typeof v;
}

const comparable = (v: GoValue): boolean => {
  const k = refKind(v);
  return k !== "slice" && k !== "map";
};

function sameValue(a: GoValue, b: GoValue): boolean {
  if (a instanceof Typed && b instanceof Typed) {
    if (a.type !== b.type) return false;
    if (a.type.kind === "struct") return JSON.stringify(a.raw ?? null) === JSON.stringify(b.raw ?? null);
    return a.raw === b.raw;
  }
  return a === b;
}

function eq(...args: GoValue[]): GoValue {
  const a1 = scalar(indirectInterface(args[0]));
  if (args.length < 2) throw new GoError("missing argument for comparison");
  const k1 = basicKind(a1);
  for (let i = 1; i < args.length; i++) {
    const a = scalar(indirectInterface(args[i]));
    const k2 = basicKind(a);
    let t = false;
    if (k1 !== k2) {
      if (a1 !== undefined && a !== undefined) {
        throw new GoError(`incompatible types for comparison: ${typeString(a1)} and ${typeString(a)}`);
      }
    } else if (k1 !== "invalid") {
      t = basicValue(a1) === basicValue(a);
    } else {
      const [c1, c2] = [refKind(a1), refKind(a)];
      if (c1 !== c2 && c1 !== "invalid" && c2 !== "invalid") {
        throw new GoError(
          `non-comparable types ${formatV(a1)}: ${typeString(a1)}, ${typeString(a)}: ${formatV(a)}`,
        );
      }
      if (isNilValue(a1) || isNilValue(a)) t = isNilValue(a1) === isNilValue(a);
      else {
        if (!comparable(a)) throw new GoError(`non-comparable type ${formatV(a)}: ${typeString(a)}`);
        t = sameValue(a1, a);
      }
    }
    if (t) return true;
  }
  return false;
}

function lt(x: GoValue, y: GoValue): boolean {
  const a = scalar(indirectInterface(x));
  const b = scalar(indirectInterface(y));
  const k1 = basicKind(a);
  const k2 = basicKind(b);
  if (k1 === "invalid" || k2 === "invalid") throw new GoError("invalid type for comparison");
  if (k1 !== k2)
    throw new GoError(`incompatible types for comparison: ${typeString(a)} and ${typeString(b)}`);
  if (k1 === "bool") throw new GoError("invalid type for comparison");
  const [va, vb] = [basicValue(a), basicValue(b)] as [string | number | bigint, string | number | bigint];
  if (k1 === "string") return byteLess(va as string, vb as string);
  return va < vb;
}

/** Go compares strings by bytes; UTF-16 order differs only around surrogates. */
function byteLess(a: string, b: string): boolean {
  return Buffer.compare(Buffer.from(a, "utf8"), Buffer.from(b, "utf8")) < 0;
}

const le = (a: GoValue, b: GoValue): boolean => lt(a, b) || (eq(a, b) as boolean);

// ---------------------------------------------------------------------------------------------------
// Indexing, slicing, length

/** Through pointers (reflect's indirect); a nil pointer is reported by the caller's message. */
function indirectPtr(v: GoValue, nilMessage: string): GoValue {
  if (v === null) throw new GoError(nilMessage);
  if (v instanceof Typed && (v.type.kind === "ptr" || v.type.kind === "duration")) {
    if (isNilTyped(v)) throw new GoError(nilMessage);
    return v.type.kind === "ptr" ? deref(v) : v;
  }
  return v;
}

function indexArg(index: GoValue, cap: number): number {
  const v = scalar(indirectInterface(index));
  if (v === undefined) throw new GoError("cannot index slice/array with nil");
  const x =
    typeof v === "bigint"
      ? v
      : v instanceof Typed && v.type.kind === "enum"
        ? BigInt(enumNumber(v))
        : undefined;
  if (x === undefined) throw new GoError(`cannot index slice/array with type ${typeString(v)}`);
  if (x < 0n || x > BigInt(cap)) throw new GoError(`index out of range: ${x}`);
  return Number(x);
}

function mapKey(index: GoValue): string {
  const k = scalar(indirectInterface(index));
  if (k === undefined) throw new GoError("value is nil; should be of type string");
  if (typeof k !== "string") throw new GoError(`value has type ${typeString(k)}; should be string`);
  return k;
}

function index(...args: GoValue[]): GoValue {
  let item = indirectInterface(args[0]);
  if (item === undefined) throw new GoError("index of untyped nil");
  for (let i = 1; i < args.length; i++) {
    item = indirectPtr(item, "index of nil pointer");
    const elems = typeof item === "string" ? undefined : sliceElems(item);
    if (typeof item === "string") {
      const bytes = Buffer.from(item, "utf8");
      const x = indexArg(args[i], bytes.length);
      if (x === bytes.length) throw new GoError("reflect: string index out of range");
      item = BigInt(bytes[x] as number);
    } else if (elems) {
      const x = indexArg(args[i], elems.length);
      if (x === elems.length) throw new GoError("reflect: slice index out of range");
      const e = elems[x];
      item = e === undefined ? null : e;
    } else if (isPlainMap(item) || (item instanceof Typed && item.type.kind === "map")) {
      const key = mapKey(args[i]);
      if (isPlainMap(item)) item = mapHas(item, key) ? (mapGet(item, key) ?? null) : null;
      else item = mapGet(item, key);
    } else {
      throw new GoError(`can't index item of type ${typeString(item)}`);
    }
  }
  return item;
}

function slice(...args: GoValue[]): GoValue {
  let item = indirectInterface(args[0]);
  if (item === undefined) throw new GoError("slice of untyped nil");
  item = indirectPtr(item, "slice of nil pointer");
  const n = args.length - 1;
  if (n > 3) throw new GoError(`too many slice indexes: ${n}`);
  let len: number;
  let bytes: Buffer | undefined;
  if (typeof item === "string") {
    if (n === 3) throw new GoError("cannot 3-index slice a string");
    bytes = Buffer.from(item, "utf8");
    len = bytes.length;
  } else {
    const elems = sliceElems(item);
    if (!elems) throw new GoError(`can't slice item of type ${typeString(item)}`);
    len = elems.length;
  }
  const idx = [0, len, len];
  for (let i = 0; i < n; i++) idx[i] = indexArg(args[i + 1], len);
  const [lo, hi, max] = idx as [number, number, number];
  if (lo > hi) throw new GoError(`invalid slice index: ${lo} > ${hi}`);
  if (n === 3 && hi > max) throw new GoError(`invalid slice index: ${hi} > ${max}`);
  if (bytes) return bytes.subarray(lo, hi).toString("utf8");
  if (Array.isArray(item)) return item.slice(lo, hi);
  const t = item as Typed;
  return new Typed(t.type, Array.isArray(t.raw) ? t.raw.slice(lo, hi) : []);
}

function length(item: GoValue): GoValue {
  const v0 = item instanceof Typed && item.type.kind === "interface" ? fromJSON(item.raw) : item;
  // The zero reflect.Value has no type: Go's own message comes from the panic in item.Type().
  if (v0 === undefined) throw new GoError("reflect: call of reflect.Value.Type on zero Value");
  const v = indirectPtr(v0, "len of nil pointer");
  if (typeof v === "string") return BigInt(Buffer.byteLength(v, "utf8"));
  if (Array.isArray(v)) return BigInt(v.length);
  if (v instanceof Typed) {
    if (v.type.kind === "slice") return BigInt(Array.isArray(v.raw) ? v.raw.length : 0);
    if (v.type.kind === "map") return BigInt(isPlainMap(v.raw) ? Object.keys(v.raw).length : 0);
    if (v.type.kind === "string") return BigInt(Buffer.byteLength(String(typed(v.type, v.raw)), "utf8"));
  } else if (isPlainMap(v)) return BigInt(Object.keys(v).length);
  throw new GoError(`len of type ${typeString(v)}`);
}

// ---------------------------------------------------------------------------------------------------
// Escapers and printing

/** evalArgs: fmt.Sprint after text/template's printableValue (a missing value reads `<no value>`). */
function evalArgs(args: GoValue[]): string {
  if (args.length === 1 && typeof args[0] === "string") return args[0];
  return sprint(args.map(printable));
}

/** printableValue: one pointer dereferenced, the invalid value and nil interfaces `<no value>`. */
export function printable(v: GoValue): GoValue {
  if (v === undefined || v === null) return "<no value>";
  if (v instanceof Typed && v.type.kind === "ptr" && !isNilTyped(v)) return deref(v);
  return v;
}

const HTML_ESCAPES: Record<string, string> = {
  "\0": "\uFFFD",
  '"': "&#34;",
  "'": "&#39;",
  "&": "&amp;",
  "<": "&lt;",
  ">": "&gt;",
};

export function htmlEscape(s: string): string {
  return s.replace(/[\0"'&<>]/g, (c) => HTML_ESCAPES[c] as string);
}

const JS_ESCAPES: Record<string, string> = {
  "\\": "\\\\",
  "'": "\\'",
  '"': '\\"',
  "<": "\\u003C",
  ">": "\\u003E",
  "&": "\\u0026",
  "=": "\\u003D",
};

export function jsEscape(s: string): string {
  let out = "";
  for (const ch of s) {
    const r = ch.codePointAt(0) ?? 0;
    const simple = JS_ESCAPES[ch];
    if (simple !== undefined) out += simple;
    else if (r < 0x20) out += `\\u00${r.toString(16).toUpperCase().padStart(2, "0")}`;
    else if (r < 0x80 || isPrint(r)) out += ch;
    else out += `\\u${r.toString(16).toUpperCase().padStart(4, "0")}`;
  }
  return out;
}

/** url.QueryEscape: unreserved bytes kept, space as `+`, the rest %XX of their UTF-8 bytes. */
export function queryEscape(s: string): string {
  let out = "";
  for (const b of Buffer.from(s, "utf8")) {
    const c = String.fromCharCode(b);
    if (/[A-Za-z0-9\-_.~]/.test(c)) out += c;
    else if (c === " ") out += "+";
    else out += `%${b.toString(16).toUpperCase().padStart(2, "0")}`;
  }
  return out;
}

/** A parameter of type `any` gets nil for a missing value. */
const anyArgs = (args: GoValue[]): GoValue[] => args.map((a) => (a === undefined ? null : a));

// ---------------------------------------------------------------------------------------------------
// The table

const never: GoFunc = () => {
  throw new GoError("internal error: evaluated by the executor");
};

const spec = (
  fn: GoFunc,
  fixed: number,
  variadic: boolean,
  params: ParamKind[],
  rest: ParamKind,
): BuiltinSpec => ({
  fn,
  fixed,
  variadic,
  params,
  rest,
});

export const BUILTINS: ReadonlyMap<string, BuiltinSpec> = new Map<string, BuiltinSpec>([
  ["and", spec(never, 1, true, ["value"], "value")],
  ["or", spec(never, 1, true, ["value"], "value")],
  ["call", spec(never, 1, true, ["value"], "value")],
  ["not", spec((a) => !truth(a), 1, false, ["value"], "value")],
  ["len", spec(length, 1, false, ["value"], "value")],
  ["index", spec(index, 1, true, ["value"], "value")],
  ["slice", spec(slice, 1, true, ["value"], "value")],
  ["html", spec((...a) => htmlEscape(evalArgs(anyArgs(a))), 0, true, [], "any")],
  ["js", spec((...a) => jsEscape(evalArgs(anyArgs(a))), 0, true, [], "any")],
  ["urlquery", spec((...a) => queryEscape(evalArgs(anyArgs(a))), 0, true, [], "any")],
  ["print", spec((...a) => sprint(anyArgs(a)), 0, true, [], "any")],
  ["printf", spec((f, ...a) => sprintf(f as string, anyArgs(a)), 1, true, ["string"], "any")],
  ["println", spec((...a) => sprintln(anyArgs(a)), 0, true, [], "any")],
  ["eq", spec(eq, 1, true, ["value"], "value")],
  ["ne", spec((a, b) => !eq(a, b), 2, false, ["value", "value"], "value")],
  ["lt", spec((a, b) => lt(a, b), 2, false, ["value", "value"], "value")],
  ["le", spec((a, b) => le(a, b), 2, false, ["value", "value"], "value")],
  ["gt", spec((a, b) => !le(a, b), 2, false, ["value", "value"], "value")],
  ["ge", spec((a, b) => !lt(a, b), 2, false, ["value", "value"], "value")],
]);
