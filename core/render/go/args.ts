/**
 * Arguments as Go receives them: text/template's reflect call converting a template value to a typed
 * parameter (validateType's messages), and spf13/cast v1.7.0 plus Sprig's strval/strslice for the
 * `interface{}` parameters Sprig converts itself. Sprig's functions and Istio's share these so that a
 * wrong argument fails, or converts, exactly as it does in istiod.
 */
import { formatV, typeString } from "./fmt.ts";
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

// ---------------------------------------------------------------------------------------------------
// strconv.ParseInt and ParseFloat, which cast uses for strings

const INT64_MAX = (1n << 63n) - 1n;
const INT64_MIN = -(1n << 63n);

/** Go's underscoreOK: `_` only between digits (or after a base prefix). */
function underscoreOK(s: string): boolean {
  let saw = "^";
  let i = 0;
  if (s[0] === "-" || s[0] === "+") s = s.slice(1);
  let hex = false;
  if (s.length >= 2 && s[0] === "0" && "bBoOxX".includes(s[1] ?? "")) {
    i = 2;
    saw = "0";
    hex = s[1] === "x" || s[1] === "X";
  }
  for (; i < s.length; i++) {
    const c = s[i] ?? "";
    if ((c >= "0" && c <= "9") || (hex && /[a-fA-F]/.test(c))) {
      saw = "0";
      continue;
    }
    if (c === "_") {
      if (saw !== "0") return false;
      saw = "_";
      continue;
    }
    if (saw === "_") return false;
    saw = "!";
  }
  return saw !== "_";
}

/**
 * strconv.ParseInt(s, base, 64). Returns the value, or an error kind: "syntax", or "range" together
 * with the clamped value Go returns alongside the range error.
 */
export function parseGoInt(s: string, base: number): { value: bigint; err?: "syntax" | "range" } {
  const s0 = s;
  if (s === "") return { value: 0n, err: "syntax" };
  let neg = false;
  if (s[0] === "+" || s[0] === "-") {
    neg = s[0] === "-";
    s = s.slice(1);
  }
  let b = base;
  if (base === 0) {
    b = 10;
    if (s[0] === "0") {
      const p = (s[1] ?? "").toLowerCase();
      if (s.length >= 3 && p === "b") [b, s] = [2, s.slice(2)];
      else if (s.length >= 3 && p === "o") [b, s] = [8, s.slice(2)];
      else if (s.length >= 3 && p === "x") [b, s] = [16, s.slice(2)];
      else [b, s] = [8, s.slice(1)];
    }
  }
  if (s === "" && !(base === 0 && b === 8 && /^[+-]?0$/.test(s0))) return { value: 0n, err: "syntax" };
  let n = 0n;
  let underscores = false;
  for (const c of s) {
    if (c === "_" && base === 0) {
      underscores = true;
      continue;
    }
    const d = Number.parseInt(c, 36);
    if (Number.isNaN(d) || d >= b) return { value: 0n, err: "syntax" };
    n = n * BigInt(b) + BigInt(d);
  }
  if (underscores && !underscoreOK(s0)) return { value: 0n, err: "syntax" };
  if (neg) n = -n;
  if (n > INT64_MAX) return { value: INT64_MAX, err: "range" };
  if (n < INT64_MIN) return { value: INT64_MIN, err: "range" };
  return { value: n };
}

/** strconv.ParseFloat(s, 64); undefined on any error (cast turns errors into 0). */
export function parseGoFloat(s: string): number | undefined {
  const special = /^([+-]?)(inf|infinity|nan)$/i.exec(s);
  if (special) {
    if (special[2]?.toLowerCase() === "nan") return special[1] ? undefined : Number.NaN;
    return special[1] === "-" ? -Infinity : Infinity;
  }
  if (s.includes("_") && !underscoreOK(s)) return undefined;
  const t = s.replaceAll("_", "");
  let v: number;
  if (/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(t)) v = Number(t);
  else {
    const m = /^([+-]?)0[xX]([0-9a-fA-F]*)\.?([0-9a-fA-F]*)[pP]([+-]?\d+)$/.exec(t);
    if (!m || (m[2] === "" && m[3] === "")) return undefined;
    const mant = BigInt(`0x${m[2] || "0"}${m[3] ?? ""}`);
    v = Number(mant) * 2 ** (Number(m[4]) - 4 * (m[3] ?? "").length);
    if (m[1] === "-") v = -v;
  }
  return Number.isFinite(v) ? v : undefined;
}

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
