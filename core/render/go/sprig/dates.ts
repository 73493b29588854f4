import { argString } from "../args.ts";
import { typeString } from "../fmt.ts";
import { GoError, type GoFunc, type GoType, type GoValue, type Method, Typed } from "../values.ts";
import { arity } from "./misc.ts";

/**
 * Sprig's date functions and a Go `time.Time` for templates.
 *
 * Outrigger's `Local` is UTC: istiod runs in a distroless container without /etc/localtime, where Go's
 * time.Local is UTC, and a webhook's output must not depend on the host it runs on. Named zones
 * (`dateInZone "..." $t "Europe/Berlin"`) use the IANA database that ships with Node (Intl); an
 * unknown name falls back to UTC, as Sprig does.
 */

// ---------------------------------------------------------------------------------------------------
// Locations

export type Loc =
  | { kind: "utc" }
  | { kind: "local" }
  | { kind: "fixed"; name: string; offset: number }
  | { kind: "iana"; name: string };

export const UTC: Loc = { kind: "utc" };
export const LOCAL: Loc = { kind: "local" };

const dtfCache = new Map<string, Intl.DateTimeFormat[]>();
function formatters(zone: string): Intl.DateTimeFormat[] {
  let f = dtfCache.get(zone);
  if (!f) {
    const opts: Intl.DateTimeFormatOptions = {
      timeZone: zone,
      hourCycle: "h23",
      era: "short",
      year: "numeric",
      month: "numeric",
      day: "numeric",
      hour: "numeric",
      minute: "numeric",
      second: "numeric",
      timeZoneName: "short",
    };
    f = [new Intl.DateTimeFormat("en-US", opts), new Intl.DateTimeFormat("en-GB", opts)];
    dtfCache.set(zone, f);
  }
  return f;
}

/** time.LoadLocation: "" and "UTC" are UTC, "Local" is Local, else an IANA name; undefined if unknown. */
export function loadLocation(name: string): Loc | undefined {
  if (name === "" || name === "UTC") return UTC;
  if (name === "Local") return LOCAL;
  if (name.includes("..") || name.startsWith("/") || name.includes("\\")) return undefined;
  try {
    formatters(name);
    return { kind: "iana", name };
  } catch {
    return undefined;
  }
}

const numericZone = (offset: number): string => {
  const sign = offset < 0 ? "-" : "+";
  const a = Math.abs(offset);
  const h = String(Math.floor(a / 3600)).padStart(2, "0");
  const m = Math.floor((a % 3600) / 60);
  return sign + h + (m === 0 ? "" : String(m).padStart(2, "0"));
};

/** The zone abbreviation and offset (seconds east of UTC) in effect at a Unix second. */
export function zoneAt(loc: Loc, unix: number): { name: string; offset: number } {
  if (loc.kind === "utc" || loc.kind === "local") return { name: "UTC", offset: 0 };
  if (loc.kind === "fixed") return { name: loc.name, offset: loc.offset };
  const ms = unix * 1000;
  if (!(Math.abs(ms) <= 8.64e15)) return { name: "UTC", offset: 0 };
  const [us, gb] = formatters(loc.name) as [Intl.DateTimeFormat, Intl.DateTimeFormat];
  const parts = Object.fromEntries(us.formatToParts(ms).map((p) => [p.type, p.value]));
  const year = Number(parts.year) * (parts.era === "BC" ? -1 : 1) + (parts.era === "BC" ? 1 : 0);
  const wall = new Date(0);
  wall.setUTCFullYear(year, Number(parts.month) - 1, Number(parts.day));
  wall.setUTCHours(Number(parts.hour), Number(parts.minute), Number(parts.second));
  const offset = Math.round((wall.getTime() - Math.floor(ms / 1000) * 1000) / 1000);
  let name = String(parts.timeZoneName);
  if (/^GMT[+-]/.test(name)) {
    const alt = gb.formatToParts(ms).find((p) => p.type === "timeZoneName")?.value ?? name;
    name = /^GMT[+-]/.test(alt) ? numericZone(offset) : alt;
  }
  return { name, offset };
}

// ---------------------------------------------------------------------------------------------------
// time.Time

const MONTH_T: GoType = {
  kind: "enum",
  name: "time.Month",
  names: [
    "%!Month(0)",
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
  ],
};
const WEEKDAY_T: GoType = {
  kind: "enum",
  name: "time.Weekday",
  names: ["Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"],
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

export interface Fields {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
  weekday: number;
  yday: number;
  zone: string;
  offset: number;
}

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

/** Go time's own quote: ASCII printable as is, `"` and `\` escaped, anything else as `\x..` bytes. */
export function goQuote(s: string): string {
  let out = '"';
  for (const ch of s) {
    const c = ch.codePointAt(0) as number;
    if (c >= 0x80 || c < 0x20)
      for (const b of Buffer.from(ch, "utf8")) out += `\\x${b.toString(16).padStart(2, "0")}`;
    else out += ch === '"' || ch === "\\" ? `\\${ch}` : ch;
  }
  return `${out}"`;
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

// ---------------------------------------------------------------------------------------------------
// Go layouts (time.Format / time.Parse): the reference time Mon Jan 2 15:04:05 MST 2006

type Std =
  | {
      k:
        | "LongMonth"
        | "Month"
        | "NumMonth"
        | "ZeroMonth"
        | "LongWeekDay"
        | "WeekDay"
        | "Day"
        | "UnderDay"
        | "ZeroDay";
    }
  | {
      k:
        | "UnderYearDay"
        | "ZeroYearDay"
        | "Hour"
        | "Hour12"
        | "ZeroHour12"
        | "Minute"
        | "ZeroMinute"
        | "Second";
    }
  | { k: "ZeroSecond" | "LongYear" | "Year" | "PM" | "pm" | "TZ" }
  | {
      k:
        | "Z0700"
        | "Z070000"
        | "Z07"
        | "Z07:00"
        | "Z07:00:00"
        | "-0700"
        | "-070000"
        | "-07"
        | "-07:00"
        | "-07:00:00";
    }
  | { k: "Frac0" | "Frac9"; n: number; sep: string };

const lowerAt = (s: string, i: number) => i < s.length && s[i] !== undefined && /[a-z]/.test(s[i] as string);
const digitAt = (s: string, i: number) => i < s.length && /[0-9]/.test(s[i] as string);

/** Go's nextStdChunk: the text before the first layout element, the element, and the rest. */
function nextStdChunk(layout: string): [string, Std | undefined, string] {
  const at = (i: number, n: number, std: Std, pre = i): [string, Std, string] => [
    layout.slice(0, pre),
    std,
    layout.slice(i + n),
  ];
  for (let i = 0; i < layout.length; i++) {
    const rest = layout.slice(i);
    switch (layout[i]) {
      case "J":
        if (rest.startsWith("January")) return at(i, 7, { k: "LongMonth" });
        if (rest.startsWith("Jan") && !lowerAt(layout, i + 3)) return at(i, 3, { k: "Month" });
        break;
      case "M":
        if (rest.startsWith("Monday")) return at(i, 6, { k: "LongWeekDay" });
        if (rest.startsWith("Mon") && !lowerAt(layout, i + 3)) return at(i, 3, { k: "WeekDay" });
        if (rest.startsWith("MST")) return at(i, 3, { k: "TZ" });
        break;
      case "0": {
        const d = layout[i + 1];
        if (d !== undefined && d >= "1" && d <= "6")
          return at(i, 2, {
            k: (["ZeroMonth", "ZeroDay", "ZeroHour12", "ZeroMinute", "ZeroSecond", "Year"] as const)[
              Number(d) - 1
            ] as "Year",
          });
        if (rest.startsWith("002")) return at(i, 3, { k: "ZeroYearDay" });
        break;
      }
      case "1":
        if (layout[i + 1] === "5") return at(i, 2, { k: "Hour" });
        return at(i, 1, { k: "NumMonth" });
      case "2":
        if (rest.startsWith("2006")) return at(i, 4, { k: "LongYear" });
        return at(i, 1, { k: "Day" });
      case "_":
        if (layout[i + 1] === "2") {
          if (rest.startsWith("_2006")) return at(i, 5, { k: "LongYear" }, i + 1);
          return at(i, 2, { k: "UnderDay" });
        }
        if (rest.startsWith("__2")) return at(i, 3, { k: "UnderYearDay" });
        break;
      case "3":
        return at(i, 1, { k: "Hour12" });
      case "4":
        return at(i, 1, { k: "Minute" });
      case "5":
        return at(i, 1, { k: "Second" });
      case "P":
        if (layout[i + 1] === "M") return at(i, 2, { k: "PM" });
        break;
      case "p":
        if (layout[i + 1] === "m") return at(i, 2, { k: "pm" });
        break;
      case "-":
      case "Z":
        for (const z of ["070000", "07:00:00", "0700", "07:00", "07"]) {
          if (rest.startsWith(layout[i] + z)) return at(i, z.length + 1, { k: (layout[i] + z) as "-0700" });
        }
        break;
      case ".":
      case ",": {
        const ch = layout[i + 1];
        if (ch === "0" || ch === "9") {
          let j = i + 1;
          while (layout[j] === ch) j++;
          if (!digitAt(layout, j))
            return [
              layout.slice(0, i),
              { k: ch === "0" ? "Frac0" : "Frac9", n: j - (i + 1), sep: layout[i] as string },
              layout.slice(j),
            ];
        }
      }
    }
  }
  return [layout, undefined, ""];
}

const LONG_DAYS = ["Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"];
const LONG_MONTHS = MONTH_T.kind === "enum" ? MONTH_T.names.slice(1) : [];
const pad = (n: number, w: number) =>
  n < 0 ? `-${String(-n).padStart(w, "0")}` : String(n).padStart(w, "0");

/** time.Time.Format. */
export function formatTime(t: GoTime, layout: string): string {
  const f = t.fields();
  let out = "";
  while (layout !== "") {
    const [prefix, std, suffix] = nextStdChunk(layout);
    out += prefix;
    if (!std) break;
    layout = suffix;
    const hr12 = f.hour % 12 === 0 ? 12 : f.hour % 12;
    switch (std.k) {
      case "Year":
        out += pad(Math.abs(f.year) % 100, 2);
        break;
      case "LongYear":
        out += pad(f.year, 4);
        break;
      case "Month":
        out += (LONG_MONTHS[f.month - 1] as string).slice(0, 3);
        break;
      case "LongMonth":
        out += LONG_MONTHS[f.month - 1];
        break;
      case "NumMonth":
        out += f.month;
        break;
      case "ZeroMonth":
        out += pad(f.month, 2);
        break;
      case "WeekDay":
        out += (LONG_DAYS[f.weekday] as string).slice(0, 3);
        break;
      case "LongWeekDay":
        out += LONG_DAYS[f.weekday];
        break;
      case "Day":
        out += f.day;
        break;
      case "UnderDay":
        out += (f.day < 10 ? " " : "") + f.day;
        break;
      case "ZeroDay":
        out += pad(f.day, 2);
        break;
      case "UnderYearDay":
        out += (f.yday < 10 ? "  " : f.yday < 100 ? " " : "") + f.yday;
        break;
      case "ZeroYearDay":
        out += pad(f.yday, 3);
        break;
      case "Hour":
        out += pad(f.hour, 2);
        break;
      case "Hour12":
        out += hr12;
        break;
      case "ZeroHour12":
        out += pad(hr12, 2);
        break;
      case "Minute":
        out += f.minute;
        break;
      case "ZeroMinute":
        out += pad(f.minute, 2);
        break;
      case "Second":
        out += f.second;
        break;
      case "ZeroSecond":
        out += pad(f.second, 2);
        break;
      case "PM":
        out += f.hour >= 12 ? "PM" : "AM";
        break;
      case "pm":
        out += f.hour >= 12 ? "pm" : "am";
        break;
      case "TZ":
        if (f.zone !== "") out += f.zone;
        else
          out +=
            (f.offset < 0 ? "-" : "+") +
            pad(Math.floor(Math.abs(f.offset) / 3600), 2) +
            pad(Math.floor((Math.abs(f.offset) % 3600) / 60), 2);
        break;
      case "Frac0":
      case "Frac9": {
        if (std.k === "Frac9" && (std.n === 0 || t.nsec === 0)) break;
        let digits = String(t.nsec).padStart(9, "0").slice(0, Math.min(std.n, 9));
        if (std.k === "Frac9") digits = digits.replace(/0+$/, "");
        out += digits === "" ? "" : std.sep + digits;
        break;
      }
      default: {
        const k = std.k;
        if (f.offset === 0 && k.startsWith("Z")) {
          out += "Z";
          break;
        }
        const abs = Math.abs(f.offset);
        out += (f.offset < 0 ? "-" : "+") + pad(Math.floor(abs / 3600), 2);
        const colon = k.includes(":") ? ":" : "";
        if (!k.endsWith("07")) out += colon + pad(Math.floor((abs % 3600) / 60), 2);
        if (k.endsWith("0000") || k.endsWith(":00:00")) out += colon + pad(abs % 60, 2);
      }
    }
  }
  return out;
}

const MONTH_DAYS = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
const isLeap = (y: number) => y % 4 === 0 && (y % 100 !== 0 || y % 400 === 0);
const daysIn = (m: number, y: number) => (m === 2 && isLeap(y) ? 29 : (MONTH_DAYS[m - 1] as number));

function lookupName(tab: string[], v: string): [number, string] | undefined {
  for (let i = 0; i < tab.length; i++) {
    const name = tab[i] as string;
    if (v.length >= name.length && v.slice(0, name.length).toLowerCase() === name.toLowerCase())
      return [i, v.slice(name.length)];
  }
  return undefined;
}

function getnum(s: string, fixed: boolean): [number, string] | undefined {
  if (!digitAt(s, 0)) return undefined;
  if (!digitAt(s, 1)) return fixed ? undefined : [Number(s[0]), s.slice(1)];
  return [Number(s.slice(0, 2)), s.slice(2)];
}

/** time.ParseInLocation; the error text is Go's ParseError. */
export function parseTime(layout: string, value: string, loc: Loc): GoTime {
  const alayout = layout;
  const avalue = value;
  const fail = (elem: string, valueElem: string, msg = ""): never => {
    throw new GoError(
      msg === ""
        ? `parsing time ${goQuote(avalue)} as ${goQuote(alayout)}: cannot parse ${goQuote(valueElem)} as ${goQuote(elem)}`
        : `parsing time ${goQuote(avalue)}${msg}`,
    );
  };
  let year = 0;
  let month = -1;
  let day = -1;
  let yday = -1;
  let hour = 0;
  let min = 0;
  let sec = 0;
  let nsec = 0;
  let amSet = false;
  let pmSet = false;
  let z: Loc | undefined;
  let zoneOffset: number | undefined;
  let zoneName = "";
  for (;;) {
    const [prefix, std, suffix] = nextStdChunk(layout);
    const stdstr = layout.slice(prefix.length, layout.length - suffix.length);
    // skip(): the literal prefix, where a run of spaces matches a run of spaces
    let p = prefix;
    while (p.length > 0) {
      if (p[0] === " ") {
        if (value.length > 0 && value[0] !== " ") fail(prefix, value);
        p = p.replace(/^ +/, "");
        value = value.replace(/^ +/, "");
        continue;
      }
      if (value.length === 0 || value[0] !== p[0]) fail(prefix, value);
      p = p.slice(1);
      value = value.slice(1);
    }
    if (!std) {
      if (value.length !== 0) fail("", value, `: extra text: ${goQuote(value)}`);
      break;
    }
    layout = suffix;
    const hold = value;
    let ok = true;
    let range = "";
    const num = (fixed: boolean): number => {
      const r = getnum(value, fixed);
      if (!r) {
        ok = false;
        return 0;
      }
      value = r[1];
      return r[0];
    };
    switch (std.k) {
      case "Year":
        if (!/^[0-9]{2}/.test(value)) ok = false;
        else {
          year = Number(value.slice(0, 2));
          year += year >= 69 ? 1900 : 2000;
          value = value.slice(2);
        }
        break;
      case "LongYear":
        if (!/^[0-9][0-9+-]?[0-9]{2}/.test(value) || !/^[+-]?[0-9]+$/.test(value.slice(0, 4))) ok = false;
        else {
          year = Number(value.slice(0, 4));
          value = value.slice(4);
        }
        break;
      case "Month":
      case "LongMonth": {
        const r = lookupName(std.k === "Month" ? LONG_MONTHS.map((m) => m.slice(0, 3)) : LONG_MONTHS, value);
        if (!r) ok = false;
        else [month, value] = [r[0] + 1, r[1]];
        break;
      }
      case "NumMonth":
      case "ZeroMonth":
        month = num(std.k === "ZeroMonth");
        if (ok && (month <= 0 || month > 12)) range = "month";
        break;
      case "WeekDay":
      case "LongWeekDay": {
        const r = lookupName(std.k === "WeekDay" ? LONG_DAYS.map((d) => d.slice(0, 3)) : LONG_DAYS, value);
        if (!r) ok = false;
        else value = r[1];
        break;
      }
      case "Day":
      case "UnderDay":
      case "ZeroDay":
        if (std.k === "UnderDay" && value[0] === " ") value = value.slice(1);
        day = num(std.k === "ZeroDay");
        break;
      case "UnderYearDay":
      case "ZeroYearDay": {
        if (std.k === "UnderYearDay") value = value.replace(/^ {1,2}/, "");
        const m = /^[0-9]{1,3}/.exec(value);
        if (!m || (std.k === "ZeroYearDay" && m[0].length !== 3)) ok = false;
        else [yday, value] = [Number(m[0]), value.slice(m[0].length)];
        break;
      }
      case "Hour":
        hour = num(false);
        if (hour < 0 || hour >= 24) range = "hour";
        break;
      case "Hour12":
      case "ZeroHour12":
        hour = num(std.k === "ZeroHour12");
        if (hour < 0 || hour > 12) range = "hour";
        break;
      case "Minute":
      case "ZeroMinute":
        min = num(std.k === "ZeroMinute");
        if (min < 0 || min >= 60) range = "minute";
        break;
      case "Second":
      case "ZeroSecond": {
        sec = num(std.k === "ZeroSecond");
        if (!ok) break;
        if (sec < 0 || sec >= 60) {
          range = "second";
          break;
        }
        // A fractional second in the value that the layout does not mention is accepted.
        if (/^[.,][0-9]/.test(value)) {
          const next = nextStdChunk(layout)[1];
          if (next?.k === "Frac0" || next?.k === "Frac9") break;
          const m = /^[.,][0-9]+/.exec(value) as RegExpExecArray;
          nsec = Number(m[0].slice(1, 10).padEnd(9, "0"));
          value = value.slice(m[0].length);
        }
        break;
      }
      case "PM":
      case "pm": {
        const v = value.slice(0, 2);
        const [am, pm] = std.k === "PM" ? ["AM", "PM"] : ["am", "pm"];
        if (value.length < 2 || (v !== am && v !== pm)) ok = false;
        else {
          if (v === pm) pmSet = true;
          else amSet = true;
          value = value.slice(2);
        }
        break;
      }
      case "TZ": {
        if (value.startsWith("UTC")) {
          z = UTC;
          value = value.slice(3);
          break;
        }
        const m =
          /^(?:ChST|MeST|GMT(?:[+-](?:[0-9]|1[0-9]|2[0-3])(?![0-9]))?|[A-Z]{3}(?![A-Z])|[A-Z]{3}T(?![A-Z])|[A-Z]{4}T(?![A-Z])|WITA(?![A-Z])|[+-](?:[0-9]|1[0-9]|2[0-3])(?![0-9]))/.exec(
            value,
          );
        if (!m) ok = false;
        else [zoneName, value] = [m[0], value.slice(m[0].length)];
        break;
      }
      case "Frac0": {
        const n = 1 + std.n;
        if (value.length < n || !/^[.,]/.test(value) || !/^[0-9]+$/.test(value.slice(1, n))) ok = false;
        else {
          nsec = Number(value.slice(1, Math.min(n, 10)).padEnd(9, "0"));
          value = value.slice(n);
        }
        break;
      }
      case "Frac9": {
        const m = /^[.,][0-9]+/.exec(value);
        if (m) {
          nsec = Number(m[0].slice(1, 10).padEnd(9, "0"));
          value = value.slice(m[0].length);
        }
        break;
      }
      default: {
        const k = std.k;
        if (k.startsWith("Z") && value[0] === "Z") {
          value = value.slice(1);
          z = UTC;
          break;
        }
        const shape = k.slice(1).replace(/[0-9]/g, "d");
        const re = new RegExp(`^[+-]${shape.replace(/d/g, "[0-9]")}`);
        const m = re.exec(value);
        if (!m) {
          ok = false;
          break;
        }
        const digits = m[0].slice(1).replace(/:/g, "");
        const hh = Number(digits.slice(0, 2));
        const mm = Number(digits.slice(2, 4) || "0");
        const ss = Number(digits.slice(4, 6) || "0");
        if (hh > 24) range = "time zone offset hour";
        if (mm > 60) range = "time zone offset minute";
        if (ss > 60) range = "time zone offset second";
        zoneOffset = ((hh * 60 + mm) * 60 + ss) * (m[0][0] === "-" ? -1 : 1);
        value = value.slice(m[0].length);
      }
    }
    if (range !== "") fail(stdstr, value, `: ${range} out of range`);
    if (!ok) fail(stdstr, hold);
  }
  if (pmSet && hour < 12) hour += 12;
  else if (amSet && hour === 12) hour = 0;
  if (yday >= 0) {
    let d = 0;
    let m = 0;
    if (isLeap(year)) {
      if (yday === 31 + 29) [m, d] = [2, 29];
      else if (yday > 31 + 29) yday--;
    }
    if (yday < 1 || yday > 365) fail("", value, ": day-of-year out of range");
    if (m === 0) {
      let before = 0;
      for (m = 1; m < 12 && before + (MONTH_DAYS[m - 1] as number) < yday; m++)
        before += MONTH_DAYS[m - 1] as number;
      d = yday - before;
    }
    if (month >= 0 && month !== m) fail("", value, ": day-of-year does not match month");
    month = m;
    if (day >= 0 && day !== d) fail("", value, ": day-of-year does not match day");
    day = d;
  } else {
    if (month < 0) month = 1;
    if (day < 0) day = 1;
  }
  if (day < 1 || day > daysIn(month, year)) fail("", value, ": day out of range");
  const d = new Date(0);
  d.setUTCFullYear(year, month - 1, day);
  d.setUTCHours(hour, min, sec, 0);
  const wall = Math.floor(d.getTime() / 1000);
  if (z) return new GoTime(wall, nsec, z);
  if (zoneOffset !== undefined) {
    const utc = wall - zoneOffset;
    const local = zoneAt(loc, utc);
    if (local.offset === zoneOffset && (zoneName === "" || local.name === zoneName))
      return new GoTime(utc, nsec, loc);
    return new GoTime(utc, nsec, { kind: "fixed", name: zoneName, offset: zoneOffset });
  }
  if (zoneName !== "") {
    const local = zoneAt(loc, wall);
    if (local.name === zoneName) return new GoTime(wall - local.offset, nsec, loc);
    const offset = zoneName.length > 3 && zoneName.startsWith("GMT") ? Number(zoneName.slice(3)) * 3600 : 0;
    return new GoTime(wall, nsec, { kind: "fixed", name: zoneName, offset });
  }
  if (loc.kind === "iana") return new GoTime(wall - zoneAt(loc, wall).offset, nsec, loc);
  return new GoTime(wall, nsec, loc);
}
