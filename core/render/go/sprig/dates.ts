import { argString } from "../args.ts";
import { typeString } from "../fmt.ts";
import { GoError, type GoFunc, type GoType, type GoValue, type Method, Typed } from "../values.ts";
import { arity } from "./misc.ts";
import { type Fields, formatTime, goQuote, LONG_DAYS, LONG_MONTHS, parseInLocation } from "./timefmt.ts";
import { LOCAL, type Loc, loadLocation, UTC, zoneAt } from "./timezone.ts";

// Re-exported: tests build times in Local from here.
export { LOCAL } from "./timezone.ts";

/**
 * Sprig's date functions and a Go `time.Time` for templates.
 *
 * Outrigger's `Local` is UTC: istiod runs in a distroless container without /etc/localtime, where Go's
 * time.Local is UTC, and a webhook's output must not depend on the host it runs on. Named zones
 * (`dateInZone "..." $t "Europe/Berlin"`) use the IANA database that ships with Node (Intl); an
 * unknown name falls back to UTC, as Sprig does.
 */

// ---------------------------------------------------------------------------------------------------
// time.Time

const MONTH_T: GoType = {
  kind: "enum",
  name: "time.Month",
  names: ["%!Month(0)", ...LONG_MONTHS],
};
const WEEKDAY_T: GoType = {
  kind: "enum",
  name: "time.Weekday",
  names: LONG_DAYS,
};

const t0 = (recv: Typed): GoTime => recv as GoTime;
const methods: Record<string, Method> = {
  String: (r) => t0(r).toString(),
  Format: (r, a) => formatTime(t0(r), argString(a[0], "Format")),
  Unix: (r) => BigInt(t0(r).sec),
  UnixMilli: (r) => BigInt(t0(r).sec) * 1000n + BigInt(Math.floor(t0(r).nsec / 1e6)),
  UnixNano: (r) => BigInt(t0(r).sec) * 1_000_000_000n + BigInt(t0(r).nsec),
  Year: (r) => BigInt(t0(r).fields().year),
  Month: (r) => new Typed(MONTH_T, t0(r).fields().month),
  Day: (r) => BigInt(t0(r).fields().day),
  YearDay: (r) => BigInt(t0(r).fields().yday),
  Weekday: (r) => new Typed(WEEKDAY_T, t0(r).fields().weekday),
  Hour: (r) => BigInt(t0(r).fields().hour),
  Minute: (r) => BigInt(t0(r).fields().minute),
  Second: (r) => BigInt(t0(r).fields().second),
  Nanosecond: (r) => BigInt(t0(r).nsec),
  UTC: (r) => new GoTime(t0(r).sec, t0(r).nsec, UTC),
  Local: (r) => new GoTime(t0(r).sec, t0(r).nsec, LOCAL),
  IsZero: (r) => t0(r).sec === ZERO_SEC && t0(r).nsec === 0,
  Add: (r, a) => t0(r).add(typeof a[0] === "bigint" ? a[0] : 0n),
};

export const TIME_TYPE: GoType = { kind: "struct", name: "time.Time", fields: [], methods };

/** Seconds from 0001-01-01T00:00:00Z (Go's zero Time) to the Unix epoch, negated. */
export const ZERO_SEC = -62135596800;

/**
 * A Go time.Time: an instant (Unix seconds and nanoseconds), a location, and, for `now`, a monotonic
 * reading that String() prints as `m=+0.000123456`. A Typed struct, so the engine's `%v`, `kindOf`
 * and truth rules treat it as Go does; `raw` is the encoding/json form (RFC 3339 with nanoseconds).
 */
export class GoTime extends Typed {
  constructor(
    readonly sec: number,
    readonly nsec: number,
    readonly loc: Loc,
    readonly mono?: bigint,
  ) {
    super(TIME_TYPE, null);
    (this as { raw: unknown }).raw = formatTime(this, "2006-01-02T15:04:05.999999999Z07:00");
  }

  fields(): Fields {
    const { name, offset } = zoneAt(this.loc, this.sec);
    const d = new Date((this.sec + offset) * 1000);
    const jan1 = new Date(0);
    jan1.setUTCFullYear(d.getUTCFullYear(), 0, 1);
    return {
      year: d.getUTCFullYear(),
      month: d.getUTCMonth() + 1,
      day: d.getUTCDate(),
      hour: d.getUTCHours(),
      minute: d.getUTCMinutes(),
      second: d.getUTCSeconds(),
      weekday: d.getUTCDay(),
      yday: Math.floor((d.getTime() - jan1.getTime()) / 86_400_000) + 1,
      zone: name,
      offset,
    };
  }

  add(ns: bigint): GoTime {
    const total = BigInt(this.sec) * 1_000_000_000n + BigInt(this.nsec) + ns;
    const sec = total / 1_000_000_000n - (total % 1_000_000_000n < 0n ? 1n : 0n);
    const nsec = Number(total - sec * 1_000_000_000n);
    return new GoTime(Number(sec), nsec, this.loc, this.mono === undefined ? undefined : this.mono + ns);
  }

  /** Nanoseconds from `other` to this. */
  sub(other: GoTime): bigint {
    if (this.mono !== undefined && other.mono !== undefined) return this.mono - other.mono;
    return BigInt(this.sec - other.sec) * 1_000_000_000n + BigInt(this.nsec - other.nsec);
  }

  in(loc: Loc): GoTime {
    return new GoTime(this.sec, this.nsec, loc);
  }

  override toString(): string {
    let s = formatTime(this, "2006-01-02 15:04:05.999999999 -0700 MST");
    if (this.mono !== undefined) {
      const neg = this.mono < 0n;
      const m = neg ? -this.mono : this.mono;
      s += ` m=${neg ? "-" : "+"}${m / 1_000_000_000n}.${String(m % 1_000_000_000n).padStart(9, "0")}`;
    }
    return s;
  }
}

export const zeroTime = (): GoTime => new GoTime(ZERO_SEC, 0, UTC);

const loadHr = process.hrtime.bigint();
const loadWallNs = BigInt(Date.now()) * 1_000_000n;

/** time.Now(), with a monotonic reading counted from when this module loaded. */
export function now(): GoTime {
  const mono = process.hrtime.bigint() - loadHr;
  const wall = loadWallNs + mono;
  return new GoTime(Number(wall / 1_000_000_000n), Number(wall % 1_000_000_000n), LOCAL, mono + 1n);
}

// ---------------------------------------------------------------------------------------------------
// time.Duration

const NS = {
  ns: 1n,
  us: 1000n,
  µs: 1000n,
  μs: 1000n,
  ms: 1_000_000n,
  s: 1_000_000_000n,
  m: 60_000_000_000n,
  h: 3_600_000_000_000n,
};
const MAX_I64 = (1n << 63n) - 1n;

/** time.Duration.String(): `1h2m3.5s`, `1.5ms`, `0s`. */
export function durationString(d: bigint): string {
  d = BigInt.asIntN(64, d);
  const neg = d < 0n;
  let u = neg ? -d : d; // -MinInt64 stays exact as a bigint
  const frac = (v: bigint, prec: number): [string, bigint] => {
    const p = 10n ** BigInt(prec);
    const digits = String(v % p)
      .padStart(prec, "0")
      .replace(/0+$/, "");
    return [digits === "" ? "" : `.${digits}`, v / p];
  };
  let out: string;
  if (u < 1_000_000_000n) {
    if (u === 0n) return "0s";
    const [prec, unit] = u < 1000n ? [0, "ns"] : u < 1_000_000n ? [3, "µs"] : [6, "ms"];
    const [f, whole] = frac(u, prec);
    out = `${whole}${f}${unit}`;
  } else {
    const [f, secs] = frac(u, 9);
    u = secs;
    out = `${u % 60n}${f}s`;
    u /= 60n;
    if (u > 0n) {
      out = `${u % 60n}m${out}`;
      u /= 60n;
      if (u > 0n) out = `${u}h${out}`;
    }
  }
  return neg ? `-${out}` : out;
}

/** time.ParseDuration; the error text is Go's. */
export function parseDuration(orig: string): bigint {
  const bad = () => new GoError(`time: invalid duration ${goQuote(orig)}`);
  let s = orig;
  let neg = false;
  if (s[0] === "-" || s[0] === "+") {
    neg = s[0] === "-";
    s = s.slice(1);
  }
  if (s === "0") return 0n;
  if (s === "") throw bad();
  let d = 0n;
  while (s !== "") {
    const m = /^([0-9]*)(?:\.([0-9]*))?/.exec(s) as RegExpExecArray;
    if (m[0] === "" || m[0] === ".") throw bad();
    s = s.slice(m[0].length);
    const unitM = /^[^0-9.]*/.exec(s) as RegExpExecArray;
    if (unitM[0] === "") throw new GoError(`time: missing unit in duration ${goQuote(orig)}`);
    const unit = NS[unitM[0] as keyof typeof NS];
    if (unit === undefined)
      throw new GoError(`time: unknown unit ${goQuote(unitM[0])} in duration ${goQuote(orig)}`);
    s = s.slice(unitM[0].length);
    const v = BigInt(m[1] || "0");
    if (v > (1n << 63n) / unit) throw bad();
    let x = v * unit;
    const f = (m[2] ?? "").slice(0, 18);
    if (f !== "" && /[1-9]/.test(f))
      x += BigInt(Math.trunc(Number(BigInt(f)) * (Number(unit) / 10 ** f.length)));
    d += x;
    if (d > 1n << 63n) throw bad();
  }
  if (neg) return -d;
  if (d > MAX_I64) throw bad();
  return d;
}

/** Duration.Round. */
export function roundDuration(d: bigint, m: bigint): bigint {
  if (m <= 0n) return d;
  let r = d % m;
  if (d < 0n) {
    r = -r;
    if (r + r < m) return d + r;
    const d1 = d - m + r;
    return d1 < d ? d1 : -(1n << 63n);
  }
  if (r + r < m) return d - r;
  const d1 = d + m - r;
  return d1 > d ? d1 : MAX_I64;
}

// ---------------------------------------------------------------------------------------------------
// The template functions

function timeArg(v: GoValue): GoTime {
  if (v instanceof GoTime) return v;
  if (v === undefined) throw new GoError("invalid value; expected time.Time");
  throw new GoError(`wrong type for value; expected time.Time; got ${typeString(v)}`);
}

/** Sprig's `date interface{}` switch: a time, or an integer of Unix seconds; anything else is now. */
function asTime(v: GoValue): GoTime {
  if (v instanceof GoTime) return v;
  if (typeof v === "bigint") return new GoTime(Number(BigInt.asIntN(64, v)), 0, LOCAL);
  return now();
}

function dateInZone(layout: string, date: GoValue, zone: string): string {
  const loc = loadLocation(zone) ?? UTC;
  return formatTime(asTime(date).in(loc), layout);
}

const sinceNow = (t: GoTime): bigint => now().sub(t);

export const dateFuncs: Record<string, GoFunc> = {
  now: (...args) => {
    arity("now", args, 0);
    return now();
  },
  ago: (...args) => {
    arity("ago", args, 1);
    return durationString(roundDuration(sinceNow(asTime(args[0])), 1_000_000_000n));
  },
  date: (...args) => {
    arity("date", args, 2);
    return dateInZone(argString(args[0], "date"), args[1], "Local");
  },
  htmlDate: (...args) => {
    arity("htmlDate", args, 1);
    return dateInZone("2006-01-02", args[0], "Local");
  },
  htmlDateInZone: (...args) => {
    arity("htmlDateInZone", args, 2);
    return dateInZone("2006-01-02", args[0], argString(args[1], "htmlDateInZone"));
  },
  dateInZone: (...args) => {
    arity("dateInZone", args, 3);
    return dateInZone(argString(args[0], "dateInZone"), args[1], argString(args[2], "dateInZone"));
  },
  dateModify: (...args) => {
    arity("dateModify", args, 2);
    const spec = argString(args[0], "dateModify");
    const t = timeArg(args[1]);
    try {
      return t.add(parseDuration(spec));
    } catch {
      return t;
    }
  },
  mustDateModify: (...args) => {
    arity("mustDateModify", args, 2);
    const spec = argString(args[0], "mustDateModify");
    return timeArg(args[1]).add(parseDuration(spec));
  },
  duration: (...args) => {
    arity("duration", args, 1);
    const v = args[0];
    let n = 0n;
    if (typeof v === "string") n = /^[+-]?\d+$/.test(v) ? BigInt.asIntN(64, clampI64(BigInt(v))) : 0n;
    else if (typeof v === "bigint") n = v;
    return durationString(BigInt.asIntN(64, n * 1_000_000_000n));
  },
  durationRound: (...args) => {
    arity("durationRound", args, 1);
    const v = args[0];
    let d = 0n;
    if (typeof v === "string") {
      try {
        d = parseDuration(v);
      } catch {
        d = 0n;
      }
    } else if (typeof v === "bigint") d = BigInt.asIntN(64, v);
    else if (v instanceof GoTime) d = sinceNow(v);
    return durationRoundString(d);
  },
  toDate: (...args) => {
    arity("toDate", args, 2);
    try {
      return parseTime(argString(args[0], "toDate"), argString(args[1], "toDate"), LOCAL);
    } catch (e) {
      if (e instanceof GoError && e.message.startsWith("parsing time")) return zeroTime();
      throw e;
    }
  },
  mustToDate: (...args) => {
    arity("mustToDate", args, 2);
    return parseTime(argString(args[0], "mustToDate"), argString(args[1], "mustToDate"), LOCAL);
  },
  unixEpoch: (...args) => {
    arity("unixEpoch", args, 1);
    return String(timeArg(args[0]).sec);
  },
};
dateFuncs.date_in_zone = dateFuncs.dateInZone as GoFunc;
dateFuncs.date_modify = dateFuncs.dateModify as GoFunc;
dateFuncs.must_date_modify = dateFuncs.mustDateModify as GoFunc;

const clampI64 = (n: bigint): bigint => (n > MAX_I64 ? MAX_I64 : n < -(1n << 63n) ? -(1n << 63n) : n);

/** Sprig's coarse rounding: the largest whole unit strictly exceeded (`3d`, `2mo`, `1y`). */
export function durationRoundString(d: bigint): string {
  let u = BigInt.asUintN(64, d);
  if (d < 0n) u = BigInt.asUintN(64, -u);
  const hour = 3_600_000_000_000n;
  const units: [bigint, string][] = [
    [hour * 24n * 365n, "y"],
    [hour * 24n * 30n, "mo"],
    [hour * 24n, "d"],
    [hour, "h"],
    [60_000_000_000n, "m"],
    [1_000_000_000n, "s"],
  ];
  for (const [size, suffix] of units) if (u > size) return `${u / size}${suffix}`;
  return "0s";
}

/** time.ParseInLocation; the error text is Go's ParseError. */
export function parseTime(layout: string, value: string, loc: Loc): GoTime {
  const t = parseInLocation(layout, value, loc);
  return new GoTime(t.sec, t.nsec, t.loc);
}
