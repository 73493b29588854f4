/**
 * Sprig v3.3.0's numeric functions (functions.go, numeric.go). Integer arithmetic is int64 through
 * spf13/cast (strings parsed, floats truncated, anything else 0) and wraps as Go's does; the `…f`
 * forms go through shopspring/decimal, so `addf 0.1 0.2` is 0.3, not 0.30000000000000004.
 */
import { argInt, argString, intSlice, nilIfMissing, parseGoInt, toFloat64, toInt64 } from "../args.ts";
import { formatV, typeString } from "../fmt.ts";
import { GoError, type GoFunc, type GoValue } from "../values.ts";
import { arity } from "./misc.ts";

const i64 = (n: bigint): bigint => BigInt.asIntN(64, n);

/** until/untilStep/seq results above this many elements are refused (Go would try to allocate them). */
export const MAX_SEQUENCE = 1 << 20;

export function untilStep(start: number, stop: number, step: number): bigint[] {
  const out: bigint[] = [];
  const push = (i: number) => {
    if (out.length >= MAX_SEQUENCE)
      throw new GoError(`the sequence is longer than Outrigger's limit of ${MAX_SEQUENCE}`);
    out.push(BigInt(i));
  };
  if (stop < start) {
    if (step >= 0) return out;
    for (let i = start; i > stop; i += step) push(i);
    return out;
  }
  if (step <= 0) return out;
  for (let i = start; i < stop; i += step) push(i);
  return out;
}

function seq(params: number[]): string {
  const join = (xs: bigint[]) => xs.join(" ");
  switch (params.length) {
    case 1: {
      const [end] = params as [number];
      const inc = end < 1 ? -1 : 1;
      return join(untilStep(1, end + inc, inc));
    }
    case 2: {
      const [start, end] = params as [number, number];
      const step = end < start ? -1 : 1;
      return join(untilStep(start, end + step, step));
    }
    case 3: {
      const [start, step, end] = params as [number, number, number];
      let inc = 1;
      if (end < start) {
        inc = -1;
        if (step > 0) return "";
      }
      return join(untilStep(start, end + inc, step));
    }
    default:
      return "";
  }
}

// ---------------------------------------------------------------------------------------------------
// shopspring/decimal, as far as execDecimalOp needs it: exact sums and products, quotients rounded
// half away from zero to 16 decimal places, and the nearest float64 at the end.

interface Dec {
  coef: bigint;
  exp: number;
}

/** decimal.NewFromFloat: the shortest decimal that round-trips to the float. */
function decFromFloat(f: number): Dec {
  if (!Number.isFinite(f)) throw new GoError(`Cannot create a Decimal from ${formatV(f)}`);
  if (f === 0) return { coef: 0n, exp: 0 };
  const [mant, e] = f.toExponential().split("e") as [string, string];
  const digits = mant.replace(".", "").replace("-", "");
  const frac = (mant.split(".")[1] ?? "").length;
  const coef = BigInt(digits) * (f < 0 ? -1n : 1n);
  return { coef, exp: Number(e) - frac };
}

const pow10 = (n: number): bigint => 10n ** BigInt(n);

function align(a: Dec, b: Dec): [bigint, bigint, number] {
  const exp = Math.min(a.exp, b.exp);
  return [a.coef * pow10(a.exp - exp), b.coef * pow10(b.exp - exp), exp];
}

const decOps: Record<string, (a: Dec, b: Dec) => Dec> = {
  add: (a, b) => {
    const [x, y, exp] = align(a, b);
    return { coef: x + y, exp };
  },
  sub: (a, b) => {
    const [x, y, exp] = align(a, b);
    return { coef: x - y, exp };
  },
  mul: (a, b) => ({ coef: a.coef * b.coef, exp: a.exp + b.exp }),
  div: (a, b) => {
    if (b.coef === 0n) throw new GoError("decimal division by zero");
    const PREC = 16;
    // a/b * 10^PREC as an integer ratio n/d.
    const shift = a.exp - b.exp + PREC;
    let n = a.coef;
    let d = b.coef;
    if (shift >= 0) n *= pow10(shift);
    else d *= pow10(-shift);
    let q = n / d;
    const r = n % d;
    const abs = (x: bigint) => (x < 0n ? -x : x);
    if (2n * abs(r) >= abs(d)) q += n < 0n !== d < 0n ? -1n : 1n;
    return { coef: q, exp: -PREC };
  },
};

const decToFloat = (d: Dec): number => Number(`${d.coef}e${d.exp}`);

function decimalOp(op: string, a: GoValue, rest: GoValue[]): number {
  const f = decOps[op] as (a: Dec, b: Dec) => Dec;
  let acc = decFromFloat(toFloat64(nilIfMissing(a)));
  for (const x of rest) acc = f(acc, decFromFloat(toFloat64(nilIfMissing(x))));
  return decToFloat(acc);
}

// ---------------------------------------------------------------------------------------------------

/** Sprig's round: Go's math.Modf on value·10^places, rounding up from `roundOn`. */
function round(a: GoValue, p: number, roundOn = 0.5): number {
  const val = toFloat64(nilIfMissing(a));
  const pow = 10 ** p;
  const digit = pow * val;
  const frac = digit - Math.trunc(digit);
  return (frac >= roundOn ? Math.ceil(digit) : Math.floor(digit)) / pow;
}

/** strconv.Atoi with its error dropped: 0 for bad syntax, the clamped value when out of range. */
function atoi(s: string): bigint {
  const r = parseGoInt(s, 10);
  return r.err === "syntax" ? 0n : r.value;
}

const toI = (v: GoValue): bigint => toInt64(nilIfMissing(v));

function intOp(name: string, n: number, f: (a: bigint, b: bigint) => bigint): GoFunc {
  return (...args) => {
    arity(name, args, n);
    return i64(f(toI(args[0]), toI(args[1])));
  };
}

export const numberFuncs: Record<string, GoFunc> = {
  atoi: (...args) => {
    arity("atoi", args, 1);
    return atoi(argString(args[0], "atoi"));
  },
  int64: (...args) => {
    arity("int64", args, 1);
    return toI(args[0]);
  },
  int: (...args) => {
    arity("int", args, 1);
    return toI(args[0]);
  },
  float64: (...args) => {
    arity("float64", args, 1);
    return toFloat64(nilIfMissing(args[0]));
  },
  seq: (...args) => seq(args.map((a) => argInt(a, "seq"))),
  toDecimal: (...args) => {
    arity("toDecimal", args, 1);
    const r = parseGoInt(formatV(nilIfMissing(args[0])), 8);
    return r.err ? 0n : r.value;
  },
  until: (...args) => {
    arity("until", args, 1);
    const count = argInt(args[0], "until");
    return intSlice(untilStep(0, count, count < 0 ? -1 : 1));
  },
  untilStep: (...args) => {
    arity("untilStep", args, 3);
    const [start, stop, step] = args.map((a) => argInt(a, "untilStep")) as [number, number, number];
    return intSlice(untilStep(start, stop, step));
  },
  add1: (...args) => {
    arity("add1", args, 1);
    return i64(toI(args[0]) + 1n);
  },
  add: (...args) => args.reduce<bigint>((a, b) => i64(a + toI(b)), 0n),
  sub: intOp("sub", 2, (a, b) => a - b),
  div: intOp("div", 2, (a, b) => {
    if (b === 0n) throw new GoError("runtime error: integer divide by zero");
    return a / b;
  }),
  mod: intOp("mod", 2, (a, b) => {
    if (b === 0n) throw new GoError("runtime error: integer divide by zero");
    return a % b;
  }),
  mul: (...args) => {
    arity("mul", args, 1, Number.POSITIVE_INFINITY);
    return args.slice(1).reduce<bigint>((a, b) => i64(a * toI(b)), toI(args[0]));
  },
  add1f: (...args) => {
    arity("add1f", args, 1);
    return decimalOp("add", args[0], [1n]);
  },
  addf: (...args) => decimalOp("add", 0, args),
  subf: (...args) => {
    arity("subf", args, 1, Number.POSITIVE_INFINITY);
    return decimalOp("sub", args[0], args.slice(1));
  },
  mulf: (...args) => {
    arity("mulf", args, 1, Number.POSITIVE_INFINITY);
    return decimalOp("mul", args[0], args.slice(1));
  },
  divf: (...args) => {
    arity("divf", args, 1, Number.POSITIVE_INFINITY);
    return decimalOp("div", args[0], args.slice(1));
  },
  biggest: (...args) => maxInt("biggest", args),
  max: (...args) => maxInt("max", args),
  min: (...args) => {
    arity("min", args, 1, Number.POSITIVE_INFINITY);
    return args.slice(1).reduce<bigint>((a, b) => {
      const x = toI(b);
      // biome-ignore lint/complexity/useMathMinMax: Math.max does not take bigints
      return x < a ? x : a;
    }, toI(args[0]));
  },
  maxf: (...args) => {
    arity("maxf", args, 1, Number.POSITIVE_INFINITY);
    return args
      .slice(1)
      .reduce<number>((a, b) => goMax(a, toFloat64(nilIfMissing(b))), toFloat64(nilIfMissing(args[0])));
  },
  minf: (...args) => {
    arity("minf", args, 1, Number.POSITIVE_INFINITY);
    return args
      .slice(1)
      .reduce<number>((a, b) => goMin(a, toFloat64(nilIfMissing(b))), toFloat64(nilIfMissing(args[0])));
  },
  floor: (...args) => {
    arity("floor", args, 1);
    return Math.floor(toFloat64(nilIfMissing(args[0])));
  },
  ceil: (...args) => {
    arity("ceil", args, 1);
    return Math.ceil(toFloat64(nilIfMissing(args[0])));
  },
  round: (...args) => {
    arity("round", args, 2, Number.POSITIVE_INFINITY);
    const p = argInt(args[1], "round");
    const on = args.length > 2 ? args[2] : undefined;
    // An integer literal is a valid float64 constant in a template; other values must be float64.
    if (on !== undefined && typeof on !== "number" && typeof on !== "bigint")
      throw new GoError(`wrong type for value; expected float64; got ${typeString(on)}`);
    return round(args[0], p, on === undefined ? undefined : Number(on));
  },
};

function maxInt(name: string, args: GoValue[]): bigint {
  arity(name, args, 1, Number.POSITIVE_INFINITY);
  return args.slice(1).reduce<bigint>((a, b) => {
    const x = toI(b);
    // biome-ignore lint/complexity/useMathMinMax: Math.max does not take bigints
    return x > a ? x : a;
  }, toI(args[0]));
}

/** math.Max/Min: NaN wins, and +0 is above -0. */
const goMax = (a: number, b: number): number =>
  Number.isNaN(a) || Number.isNaN(b) ? Number.NaN : Math.max(a, b);
const goMin = (a: number, b: number): number =>
  Number.isNaN(a) || Number.isNaN(b) ? Number.NaN : Math.min(a, b);
