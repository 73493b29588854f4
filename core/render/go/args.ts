/**
 * Arguments as Go receives them: text/template's reflect call converting a template value to a typed
 * parameter (validateType's messages), and spf13/cast v1.7.0 plus Sprig's strval/strslice for the
 * `interface{}` parameters Sprig converts itself. Sprig's functions and Istio's share these so that a
 * wrong argument fails, or converts, exactly as it does in istiod.
 */
import { formatV, typeString } from "./fmt.ts";
import { INT64_MIN, parseGoFloat, parseGoInt } from "./strconv.ts";
import {
  deref,
  enumName,
  fromJSON,
  GoError,
  type GoValue,
  INT,
  isNilTyped,
  isPlainMap,
  STRING,
  sliceElems,
  Typed,
  typed,
} from "./values.ts";

/** %T of a value (Go's reflect type string). */
export const goTypeName = (v: GoValue): string => typeString(v);

/**
 * The value a typed parameter sees: an `interface{}` value is unwrapped, and one pointer is
 * dereferenced when its element has the wanted type (validateType does both).
 */
function unwrap(v: GoValue, want: string): GoValue {
  if (v instanceof Typed && v.type.kind === "interface") v = fromJSON(v.raw);
  if (v instanceof Typed && v.type.kind === "ptr") {
    const elem = v.type.elem;
    const scalar =
      elem.kind === "string" ? "string" : elem.kind === "bool" ? "bool" : elem.kind === "int" ? "int" : "";
    if (scalar === want) {
      if (isNilTyped(v)) throw new GoError(`dereference of nil pointer of type ${want}`);
      return deref(v);
    }
  }
  return v;
}

function invalid(want: string): GoError {
  return new GoError(`invalid value; expected ${want}`);
}

function wrongType(want: string, v: GoValue): GoError {
  return new GoError(
    `wrong type for value; expected ${want}; got ${v === null ? "interface {}" : typeString(v)}`,
  );
}

/** A Go `string` parameter. */
export function argString(v: GoValue, _fn: string): string {
  if (v === undefined || v === null) throw invalid("string");
  const x = unwrap(v, "string");
  if (typeof x === "string") return x;
  throw wrongType("string", x);
}

/** A Go `int` parameter: any integer (bigint); a float64 is refused, as reflect refuses it. */
export function argInt(v: GoValue, _fn: string): number {
  if (v === undefined || v === null) throw invalid("int");
  const x = unwrap(v, "int");
  if (typeof x === "bigint") return Number(BigInt.asIntN(64, x));
  throw wrongType("int", x);
}

/** A Go `bool` parameter. */
export function argBool(v: GoValue, _fn: string): boolean {
  if (v === undefined || v === null) throw invalid("bool");
  const x = unwrap(v, "bool");
  if (typeof x === "boolean") return x;
  throw wrongType("bool", x);
}

/**
 * A Go `map[string]interface{}` parameter. A missing value becomes a nil map (`undefined` here), as
 * reflect gives a nil map for a parameter that can be nil; a declared map of another element type is
 * refused. The object itself is returned, so writes reach the caller's map (Go maps are references).
 */
export function argMap(v: GoValue, _fn: string): Record<string, GoValue> | undefined {
  if (v === undefined || v === null) return undefined;
  if (v instanceof Typed && v.type.kind === "interface") return argMap(fromJSON(v.raw), _fn);
  if (isPlainMap(v)) return v;
  if (v instanceof Typed && v.type.kind === "map" && v.type.elem.kind === "interface")
    return isPlainMap(v.raw) ? (v.raw as Record<string, GoValue>) : undefined;
  throw wrongType("map[string]interface {}", v);
}

/** Sprig's strval: a string as is, a Stringer's String() (enums: their name), anything else %v. */
export function strval(v: GoValue): string {
  if (v === undefined) return "<nil>";
  if (typeof v === "string") return v;
  if (v instanceof Typed && v.type.kind === "enum") return enumName(v);
  return formatV(v);
}

/** Sprig's strslice (toStrings, join, sortAlpha): nil elements are dropped. */
export function toStringSlice(v: GoValue): string[] {
  if (v === undefined || v === null) return [];
  if (v instanceof Typed && v.type.kind === "interface") return toStringSlice(fromJSON(v.raw));
  const elems = sliceElems(v);
  if (elems === undefined) return [strval(v)];
  return elems.filter((x) => x !== null && x !== undefined).map(strval);
}

/** A Go `[]string` result (so %T says `[]string`, as Sprig's splitList and keys return). */
export const stringSlice = (xs: string[]): GoValue => new Typed({ kind: "slice", elem: STRING }, xs);
/** A Go `[]int` result (until, untilStep). */
export const intSlice = (xs: bigint[]): GoValue => new Typed({ kind: "slice", elem: INT }, xs);

// Re-exported: Sprig's numbers import strconv.ParseInt from here, beside cast's conversions.
export { parseGoFloat, parseGoInt } from "./strconv.ts";

/** cast's trimZeroDecimal: "1.00" → "1", anything else unchanged. */
function trimZeroDecimal(s: string): string {
  let foundZero = false;
  for (let i = s.length; i > 0; i--) {
    const c = s[i - 1];
    if (c === ".") {
      if (foundZero) return s.slice(0, i - 1);
    } else if (c === "0") foundZero = true;
    else return s;
  }
  return s;
}

/** Go's int64(float64): truncation; out of range (and NaN) gives the minimum int64, as amd64 does. */
function floatToInt64(f: number): bigint {
  if (!Number.isFinite(f) || f >= 2 ** 63 || f < -(2 ** 63)) return INT64_MIN;
  return BigInt(Math.trunc(f));
}

/**
 * cast.ToInt64 (and cast.ToInt, the same on 64-bit): integers as they are, float64 truncated,
 * strings parsed with base prefixes (a leading 0 is octal), bools 1/0, and anything else 0. Named
 * types (enums) are not among cast's cases, so they give 0 as in Go.
 */
export function toInt64(v: GoValue): bigint {
  if (v instanceof Typed) {
    if (v.type.kind === "interface") return toInt64(fromJSON(v.raw));
    if (v.type.kind === "ptr" && !isNilTyped(v)) return toInt64(deref(v));
    if (v.type.kind === "duration" || v.type.kind === "enum" || v.type.kind === "struct") return 0n;
    if ("name" in v.type && v.type.name) return 0n;
    const x = typed(v.type, v.raw);
    return x instanceof Typed ? 0n : toInt64(x);
  }
  switch (typeof v) {
    case "bigint":
      return BigInt.asIntN(64, v);
    case "number":
      return floatToInt64(v);
    case "boolean":
      return v ? 1n : 0n;
    case "string": {
      const r = parseGoInt(trimZeroDecimal(v), 0);
      return r.err ? 0n : r.value;
    }
  }
  return 0n;
}

/** cast.ToFloat64: numbers, strings by strconv.ParseFloat, bools 1/0, anything else 0. */
export function toFloat64(v: GoValue): number {
  if (v instanceof Typed) {
    if (v.type.kind === "interface") return toFloat64(fromJSON(v.raw));
    if (v.type.kind === "ptr" && !isNilTyped(v)) return toFloat64(deref(v));
    if (v.type.kind === "duration" || v.type.kind === "enum" || v.type.kind === "struct") return 0;
    if ("name" in v.type && v.type.name) return 0;
    const x = typed(v.type, v.raw);
    return x instanceof Typed ? 0 : toFloat64(x);
  }
  switch (typeof v) {
    case "number":
      return v;
    case "bigint":
      return Number(v);
    case "boolean":
      return v ? 1 : 0;
    case "string":
      return parseGoFloat(v) ?? 0;
  }
  return 0;
}

/** A Go `interface{}` parameter: a missing value arrives as nil. */
export const nilIfMissing = (v: GoValue): GoValue => (v === undefined ? null : v);
