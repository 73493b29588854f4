/**
 * Go's time layouts (time.Format and time.ParseInLocation), ported from src/time/format.go: a layout
 * is text around the elements of the reference time Mon Jan 2 15:04:05 MST 2006.
 */
import { GoError } from "../values.ts";
import { type Loc, UTC, zoneAt } from "./timezone.ts";

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

/** What Format reads of a time.Time (a GoTime): its calendar fields in its location, and its nanoseconds. */
export interface LayoutTime {
  readonly nsec: number;
  fields(): Fields;
}

/** What ParseInLocation finds: an instant (Unix seconds and nanoseconds) and its location. */
export interface ParsedTime {
  sec: number;
  nsec: number;
  loc: Loc;
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

export const LONG_DAYS = ["Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"];
export const LONG_MONTHS = [
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
];
const pad = (n: number, w: number) =>
  n < 0 ? `-${String(-n).padStart(w, "0")}` : String(n).padStart(w, "0");

/** time.Time.Format. */
export function formatTime(t: LayoutTime, layout: string): string {
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

/** time.ParseInLocation; the error text is Go's ParseError. dates.ts makes the result a GoTime. */
export function parseInLocation(layout: string, value: string, loc: Loc): ParsedTime {
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
  if (z) return { sec: wall, nsec, loc: z };
  if (zoneOffset !== undefined) {
    const utc = wall - zoneOffset;
    const local = zoneAt(loc, utc);
    if (local.offset === zoneOffset && (zoneName === "" || local.name === zoneName))
      return { sec: utc, nsec, loc };
    return { sec: utc, nsec, loc: { kind: "fixed", name: zoneName, offset: zoneOffset } };
  }
  if (zoneName !== "") {
    const local = zoneAt(loc, wall);
    if (local.name === zoneName) return { sec: wall - local.offset, nsec, loc };
    const offset = zoneName.length > 3 && zoneName.startsWith("GMT") ? Number(zoneName.slice(3)) * 3600 : 0;
    return { sec: wall, nsec, loc: { kind: "fixed", name: zoneName, offset } };
  }
  if (loc.kind === "iana") return { sec: wall - zoneAt(loc, wall).offset, nsec, loc };
  return { sec: wall, nsec, loc };
}
