/**
 * Kubernetes resource quantities (k8s.io/apimachinery/pkg/api/resource), re-implemented for two uses:
 * validating the `sidecar.istio.io/proxyCPU|Memory…` annotations exactly as `resource.ParseQuantity`
 * does, and printing a quantity the way the API server serialises it (`Quantity.String()`), so that
 * rendered resources compare equal to kubectl's output (`2000m` → `2`, `1024Mi` → `1Gi`).
 *
 * Values are kept exact: a BigInt mantissa times a power of ten (or of two, folded in), never a float.
 */

export type QuantityFormat = "DecimalSI" | "BinarySI" | "DecimalExponent";

export interface Quantity {
  /** value = mantissa × 10^exponent, exactly */
  mantissa: bigint;
  exponent: number;
  format: QuantityFormat;
  /**
   * The input text when Go keeps it verbatim (`Quantity.s`): the API server then echoes it unchanged,
   * even where it is not canonical (`+1k`, `0100m`).
   */
  verbatim?: string;
}

export const QUANTITY_FORMAT_ERROR =
  "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'";
export const QUANTITY_SUFFIX_ERROR = "unable to parse quantity's suffix";
export const QUANTITY_NUMERIC_ERROR = "unable to parse numeric part of quantity";

const DECIMAL_SUFFIXES: Record<string, number> = {
  n: -9,
  u: -6,
  m: -3,
  "": 0,
  k: 3,
  M: 6,
  G: 9,
  T: 12,
  P: 15,
  E: 18,
};
const BINARY_SUFFIXES: Record<string, number> = { Ki: 10, Mi: 20, Gi: 30, Ti: 40, Pi: 50, Ei: 60 };
const SUFFIX_CHARS = "eEinumkKMGTP";
const MAX_INT64 = (1n << 63n) - 1n;
const NANO = -9;
/** Go's maxInt64Factors: the decimal digits an int64 always holds. */
const MAX_INT64_FACTORS = 18;

interface Pieces {
  positive: boolean;
  /** the numeric text (sign, digits, point) before the suffix */
  value: string;
  num: string;
  denom: string;
  suffix: string;
}

const isDigit = (c: string | undefined): boolean => c !== undefined && c >= "0" && c <= "9";

/** The tokenizer of parseQuantityString, including its leniencies (`1.G`, `.`, leading zeros). */
function split(str: string): Pieces | string {
  const end = str.length;
  let pos = 0;
  let positive = true;
  if (str[0] === "-") {
    positive = false;
    pos++;
  } else if (str[0] === "+") {
    pos++;
  }
  while (pos < end && str[pos] === "0") pos++;
  if (pos >= end) return { positive, value: "0", num: "0", denom: "", suffix: "" };

  let i = pos;
  while (i < end && isDigit(str[i])) i++;
  let num = str.slice(pos, i);
  if (i >= end) return { positive, value: str, num, denom: "", suffix: "" };
  pos = i;
  if (num === "") num = "0";

  let denom = "";
  if (str[pos] === ".") {
    pos++;
    i = pos;
    while (i < end && isDigit(str[i])) i++;
    denom = str.slice(pos, i);
    if (i >= end) return { positive, value: str, num, denom, suffix: "" };
    pos = i;
  }
  const value = str.slice(0, pos);

  const suffixStart = pos;
  i = pos;
  while (i < end && SUFFIX_CHARS.includes(str[i] as string)) i++;
  if (i >= end) return { positive, value, num, denom, suffix: str.slice(suffixStart) };
  pos = i;
  if (str[pos] === "-" || str[pos] === "+") pos++;
  i = pos;
  while (i < end && isDigit(str[i])) i++;
  if (i >= end) return { positive, value, num, denom, suffix: str.slice(suffixStart) };
  return QUANTITY_FORMAT_ERROR;
}

interface Suffix {
  base: 2 | 10;
  exponent: number;
  format: QuantityFormat;
}

function interpretSuffix(s: string): Suffix | undefined {
  const dec = DECIMAL_SUFFIXES[s];
  if (dec !== undefined && Object.hasOwn(DECIMAL_SUFFIXES, s))
    return { base: 10, exponent: dec, format: "DecimalSI" };
  const bin = BINARY_SUFFIXES[s];
  if (bin !== undefined && Object.hasOwn(BINARY_SUFFIXES, s))
    return { base: 2, exponent: bin, format: "BinarySI" };
  if (s.length > 1 && (s[0] === "e" || s[0] === "E")) {
    const digits = s.slice(1);
    if (!/^[+-]?[0-9]+$/.test(digits)) return undefined;
    const parsed = BigInt(digits);
    if (parsed > MAX_INT64 || parsed < -MAX_INT64 - 1n) return undefined; // strconv.ParseInt range error
    // Go stores the exponent as int32(parsed): it wraps.
    return { base: 10, exponent: Number(BigInt.asIntN(32, parsed)), format: "DecimalExponent" };
  }
  return undefined;
}

const pow10 = (n: number): bigint => 10n ** BigInt(n);

/** `resource.ParseQuantity`: the quantity, or Go's error text. */
export function parseQuantityDetailed(str: string): Quantity | string {
  if (str.length === 0) return QUANTITY_FORMAT_ERROR;
  if (str === "0") return { mantissa: 0n, exponent: 0, format: "DecimalSI", verbatim: str };
  const pieces = split(str);
  if (typeof pieces === "string") return pieces;
  const { positive, value, num, denom } = pieces;
  const suffix = interpretSuffix(pieces.suffix);
  if (!suffix) return QUANTITY_SUFFIX_ERROR;
  let { format } = suffix;
  const { base, exponent } = suffix;

  // Go's int64 fast path: exact, uncapped, and the only path that keeps the input text verbatim.
  let precision = 0;
  let scale = 0;
  let mantissa = 1n;
  if (format === "BinarySI") {
    if (exponent >= 0 && denom.length === 0) {
      mantissa = 1n << BigInt(exponent);
      precision = 15 - num.length - Math.trunc(Math.fround(Math.fround(exponent * 3) / 10)) - 1;
    } else {
      precision = -1;
    }
  } else {
    scale = exponent;
    precision = MAX_INT64_FACTORS - (num.length + denom.length);
  }
  if (precision >= 0) {
    scale -= denom.length;
    if (scale >= NANO) {
      const shifted = num + denom;
      const v = BigInt(shifted);
      const product = v * mantissa;
      if (product <= MAX_INT64) {
        const signed = positive ? product : -product;
        const q: Quantity = { mantissa: signed, exponent: scale, format };
        const canonicalText =
          format === "BinarySI"
            ? exponent % 10 === 0 && (v & 7n) !== 0n
            : scale % 3 === 0 && !shifted.endsWith("000") && shifted[0] !== "0";
        if (canonicalText) q.verbatim = str;
        return q;
      }
    }
  }

  // inf.Dec path: exact decimal, rounded up to nano, capped at MaxInt64.
  const digits = value.replace(/^[+-]/, "").replace(".", "");
  if (!/[0-9]/.test(digits)) return QUANTITY_NUMERIC_ERROR;
  const decimals = value.includes(".") ? value.length - value.indexOf(".") - 1 : 0;
  let m = BigInt(digits);
  let e = -decimals;
  if (base === 10) e += exponent;
  else m <<= BigInt(exponent);
  const abs = roundUpToNano(m, e);
  m = abs.mantissa;
  e = abs.exponent;
  if (exceeds(m, e, MAX_INT64)) {
    m = MAX_INT64;
    e = 0;
  }
  if (format === "BinarySI" && m !== 0n && lessThanOne(m, e)) format = "DecimalSI";
  return { mantissa: positive ? m : -m, exponent: e, format };
}

/** Rounds a non-negative m×10^e away from zero to a multiple of 10^-9 without building huge powers. */
function roundUpToNano(m: bigint, e: number): { mantissa: bigint; exponent: number } {
  if (m === 0n || e >= NANO) return { mantissa: m, exponent: e };
  const drop = NANO - e;
  if (drop > m.toString().length) return { mantissa: 1n, exponent: NANO };
  const div = pow10(drop);
  const q = m / div;
  return { mantissa: m % div === 0n ? q : q + 1n, exponent: NANO };
}

function exceeds(m: bigint, e: number, limit: bigint): boolean {
  if (m === 0n) return false;
  if (e >= 0) return e > 40 || m * pow10(e) > limit;
  return m > limit * pow10(-e);
}

function lessThanOne(m: bigint, e: number): boolean {
  if (e >= 0) return false;
  return -e > 40 || m < pow10(-e);
}

/** The quantity's value in base units (cores, bytes), or undefined when Kubernetes would reject it. */
export function parseQuantity(s: string): number | undefined {
  const q = parseQuantityDetailed(s);
  if (typeof q === "string") return undefined;
  return Number(`${q.mantissa}e${q.exponent}`);
}

/** The text the API server writes back for this quantity (Go `Quantity.String()`); invalid input is returned unchanged. */
export function canonicalQuantity(s: string): string {
  const q = parseQuantityDetailed(s);
  if (typeof q === "string") return s;
  return formatQuantity(q);
}

export function formatQuantity(q: Quantity): string {
  if (q.verbatim !== undefined) return q.verbatim;
  if (q.mantissa === 0n) return "0";
  let format = q.format;
  if (format === "BinarySI") {
    // Below 1Ki, or not a whole number of bytes, Go prints the decimal form rather than round.
    const integer = integerValue(q);
    if (integer === undefined || (integer > -1024n && integer < 1024n)) format = "DecimalSI";
    else {
      let v = integer;
      let times = 0;
      while (abs(v) >= 1024n && v % 1024n === 0n && times < 6) {
        v /= 1024n;
        times++;
      }
      return `${v}${["", "Ki", "Mi", "Gi", "Ti", "Pi", "Ei"][times]}`;
    }
  }
  let m = q.mantissa;
  let e = q.exponent;
  while (m % 10n === 0n) {
    m /= 10n;
    e++;
  }
  while (e % 3 !== 0) {
    m *= 10n;
    e--;
  }
  if (format === "DecimalExponent") return e === 0 ? `${m}` : `${m}e${e}`;
  if (e > 18) {
    // Beyond exa Go has no suffix; spell it with E rather than silently dropping the exponent.
    m *= pow10(e - 18);
    e = 18;
  }
  const suffix = Object.entries(DECIMAL_SUFFIXES).find(([, x]) => x === e)?.[0] ?? "";
  return `${m}${suffix}`;
}

const abs = (v: bigint): bigint => (v < 0n ? -v : v);

function integerValue(q: Quantity): bigint | undefined {
  if (q.exponent >= 0) return q.exponent > 40 ? undefined : q.mantissa * pow10(q.exponent);
  if (-q.exponent > 40) return undefined;
  const d = pow10(-q.exponent);
  return q.mantissa % d === 0n ? q.mantissa / d : undefined;
}
