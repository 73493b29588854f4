import { argString } from "../args.ts";
import { GoError, type GoFunc, type GoType, type GoValue, type Method, Typed } from "../values.ts";
import { arity } from "./misc.ts";
import { compileRegexp, execRegexp, type Regexp } from "./regex.ts";

/**
 * Sprig's `semver` and `semverCompare`: Masterminds/semver v3.3.0 (the version Sprig v3.3.0 pins).
 * The library parses with Go regular expressions, so the same expressions run here on the RE2 engine
 * of regex.ts: whatever the library accepts (`v1`, `1.2`, `>= 1.2, < 3 || 4.x`, `1 - 2`), this does.
 */

const CV = String.raw`v?([0-9|x|X|\*]+)(\.[0-9|x|X|\*]+)?(\.[0-9|x|X|\*]+)?(-([0-9A-Za-z\-]+(\.[0-9A-Za-z\-]+)*))?(\+([0-9A-Za-z\-]+(\.[0-9A-Za-z\-]+)*))?`;
const SV = String.raw`v?([0-9]+)(\.[0-9]+)?(\.[0-9]+)?(-([0-9A-Za-z\-]+(\.[0-9A-Za-z\-]+)*))?(\+([0-9A-Za-z\-]+(\.[0-9A-Za-z\-]+)*))?`;
const OPS = String.raw`=||!=|>|<|>=|=>|<=|=<|~|~>|\^`;

let res: Record<"version" | "constraint" | "range" | "find" | "valid", Regexp> | undefined;
function regexps() {
  res ??= {
    version: compileRegexp(`^${SV}$`),
    constraint: compileRegexp(String.raw`^\s*(${OPS})\s*(${CV})\s*$`),
    range: compileRegexp(String.raw`\s*(${CV})\s+-\s+(${CV})\s*`),
    find: compileRegexp(String.raw`(${OPS})\s*(${CV})`),
    valid: compileRegexp(String.raw`^(\s*(${OPS})\s*(${CV})\s*)((?:\s+|,\s*)(${OPS})\s*(${CV})\s*)*$`),
  };
  return res;
}

/** Semver inputs are short; a generous bound keeps hostile strings from costing much. */
const MAX_INPUT = 4096;
const budget = () => ({ steps: 10_000_000 });

function submatch(re: Regexp, s: string, from = 0): (string | undefined)[] | undefined {
  const m = execRegexp(re, s, from, budget());
  if (!m) return undefined;
  const out: (string | undefined)[] = [];
  for (let i = 0; i < m.length; i += 2) out.push((m[i] as number) < 0 ? undefined : s.slice(m[i], m[i + 1]));
  (out as { end?: number }).end = m[1];
  return out;
}

function findAll(re: Regexp, s: string): (string | undefined)[][] {
  const out: (string | undefined)[][] = [];
  for (let pos = 0, prevEnd = -1; pos <= s.length; ) {
    const m = execRegexp(re, s, pos, budget());
    if (!m) break;
    const [a, b] = m as [number, number];
    const accept = !(b === a && a === prevEnd);
    pos = b === a ? pos + 1 : b;
    prevEnd = b;
    if (accept) {
      const sub: (string | undefined)[] = [];
      for (let i = 0; i < m.length; i += 2)
        sub.push((m[i] as number) < 0 ? undefined : s.slice(m[i], m[i + 1]));
      out.push(sub);
    }
  }
  return out;
}

// ---------------------------------------------------------------------------------------------------
// Versions

export interface Version {
  major: bigint;
  minor: bigint;
  patch: bigint;
  pre: string;
  metadata: string;
  original: string;
}

const MAX_U64 = (1n << 64n) - 1n;
const onlyDigits = (s: string) => /^[0-9]*$/.test(s);
const onlyAllowed = (s: string) => /^[0-9A-Za-z-]*$/.test(s);

function parseU64(s: string): bigint {
  const n = BigInt(s);
  if (n > MAX_U64)
    throw new GoError(`Error parsing version segment: strconv.ParseUint: parsing "${s}": value out of range`);
  return n;
}

export function newVersion(v: string): Version {
  if (v.length > MAX_INPUT) throw new GoError("Invalid Semantic Version");
  const m = submatch(regexps().version, v);
  if (!m) throw new GoError("Invalid Semantic Version");
  const sv: Version = {
    major: parseU64(m[1] as string),
    minor: m[2] ? parseU64(m[2].slice(1)) : 0n,
    patch: m[3] ? parseU64(m[3].slice(1)) : 0n,
    pre: m[5] ?? "",
    metadata: m[8] ?? "",
    original: v,
  };
  if (sv.pre !== "") {
    for (const p of sv.pre.split(".")) {
      if (onlyDigits(p)) {
        if (p.length > 1 && p[0] === "0") throw new GoError("Version segment starts with 0");
      } else if (!onlyAllowed(p)) throw new GoError("Invalid Prerelease string");
    }
  }
  if (sv.metadata !== "" && !sv.metadata.split(".").every(onlyAllowed))
    throw new GoError("Invalid Metadata string");
  return sv;
}

export const versionString = (v: Version): string =>
  `${v.major}.${v.minor}.${v.patch}${v.pre ? `-${v.pre}` : ""}${v.metadata ? `+${v.metadata}` : ""}`;

const cmp = (a: bigint, b: bigint) => (a < b ? -1 : a > b ? 1 : 0);

function comparePrePart(s: string, o: string): number {
  if (s === o) return 0;
  if (s === "") return -1;
  if (o === "") return 1;
  const sn = /^[0-9]+$/.test(s) && BigInt(s) <= MAX_U64;
  const on = /^[0-9]+$/.test(o) && BigInt(o) <= MAX_U64;
  if (!sn && !on) return s > o ? 1 : -1;
  if (!on) return -1;
  if (!sn) return 1;
  return BigInt(s) > BigInt(o) ? 1 : -1;
}

function comparePrerelease(v: string, o: string): number {
  const sp = v.split(".");
  const op = o.split(".");
  for (let i = 0; i < Math.max(sp.length, op.length); i++) {
    const d = comparePrePart(sp[i] ?? "", op[i] ?? "");
    if (d !== 0) return d;
  }
  return 0;
}

export function compareVersions(v: Version, o: Version): number {
  const d = cmp(v.major, o.major) || cmp(v.minor, o.minor) || cmp(v.patch, o.patch);
  if (d !== 0) return d;
  if (v.pre === "" && o.pre === "") return 0;
  if (v.pre === "") return 1;
  if (o.pre === "") return -1;
  return comparePrerelease(v.pre, o.pre);
}

// ---------------------------------------------------------------------------------------------------
// Constraints

interface Constraint {
  con: Version;
  op: string;
  minorDirty: boolean;
  patchDirty: boolean;
  dirty: boolean;
}

const isX = (x: string | undefined) => x === "x" || x === "X" || x === "*";

function parseConstraint(c: string): Constraint {
  if (c.length === 0)
    return { con: newVersion("0.0.0"), op: "", minorDirty: false, patchDirty: false, dirty: true };
  const m = submatch(regexps().constraint, c);
  if (!m) throw new GoError(`improper constraint: ${c}`);
  const [m3, m4 = "", m5 = "", m6 = ""] = [m[3], m[4], m[5], m[6]];
  let ver = m[2] as string;
  let minorDirty = false;
  let patchDirty = false;
  let dirty = false;
  if (isX(m3) || !m3) {
    ver = `0.0.0${m6}`;
    dirty = true;
  } else if (isX(m4.replace(/^\./, "")) || m4 === "") {
    minorDirty = dirty = true;
    ver = `${m3}.0.0${m6}`;
  } else if (isX(m5.replace(/^\./, "")) || m5 === "") {
    patchDirty = dirty = true;
    ver = `${m3}${m4}.0${m6}`;
  }
  let con: Version;
  try {
    con = newVersion(ver);
  } catch {
    throw new GoError("constraint Parser Error");
  }
  return { con, op: m[1] as string, minorDirty, patchDirty, dirty };
}

function rewriteRange(s: string): string {
  let o = s;
  for (const m of findAll(regexps().range, s)) o = o.replace(m[0] as string, `>= ${m[1]}, <= ${m[11]} `);
  return o;
}

export function newConstraint(c: string): Constraint[][] {
  if (c.length > MAX_INPUT) throw new GoError(`improper constraint: ${c.slice(0, 64)}…`);
  return rewriteRange(c)
    .split("||")
    .map((v) => {
      if (!execRegexp(regexps().valid, v, 0, budget())) throw new GoError(`improper constraint: ${v}`);
      const cs = findAll(regexps().find, v).map((m) => m[0] as string);
      return (cs.length === 0 ? [v] : cs).map(parseConstraint);
    });
}

function check(v: Version, c: Constraint): boolean {
  const preBlocked = v.pre !== "" && c.con.pre === "";
  const lt = () => compareVersions(v, c.con) < 0;
  switch (c.op) {
    case "!=": {
      if (c.dirty) {
        if (preBlocked) return false;
        if (c.con.major !== v.major) return true;
        if (c.con.minor !== v.minor && !c.minorDirty) return true;
        if (c.minorDirty) return false;
        if (c.con.patch !== v.patch && !c.patchDirty) return true;
        if (c.patchDirty)
          return (v.pre !== "" || c.con.pre !== "") && comparePrerelease(v.pre, c.con.pre) !== 0;
      }
      return compareVersions(v, c.con) !== 0;
    }
    case ">":
      if (preBlocked) return false;
      if (!c.dirty) return compareVersions(v, c.con) === 1;
      if (v.major !== c.con.major) return v.major > c.con.major;
      if (c.minorDirty) return false;
      if (c.patchDirty) return v.minor > c.con.minor;
      return compareVersions(v, c.con) === 1;
    case "<":
      return !preBlocked && lt();
    case ">=":
    case "=>":
      return !preBlocked && !lt();
    case "<=":
    case "=<":
      if (preBlocked) return false;
      if (!c.dirty) return compareVersions(v, c.con) <= 0;
      if (v.major > c.con.major) return false;
      return !(v.major === c.con.major && v.minor > c.con.minor && !c.minorDirty);
    case "~":
    case "~>":
      return tilde(v, c);
    case "^": {
      if (preBlocked || lt()) return false;
      if (c.con.major > 0n || c.minorDirty) return v.major === c.con.major;
      if (v.major > 0n) return false;
      if (c.con.minor > 0n || c.patchDirty) return v.minor === c.con.minor;
      if (v.minor > 0n) return false;
      return c.con.patch === v.patch;
    }
    default: // "" and "="
      if (preBlocked) return false;
      if (c.dirty) return tilde(v, c);
      return compareVersions(v, c.con) === 0;
  }
}

function tilde(v: Version, c: Constraint): boolean {
  if (v.pre !== "" && c.con.pre === "") return false;
  if (compareVersions(v, c.con) < 0) return false;
  if (c.con.major === 0n && c.con.minor === 0n && c.con.patch === 0n && !c.minorDirty && !c.patchDirty)
    return true;
  if (v.major !== c.con.major) return false;
  return !(v.minor !== c.con.minor && !c.minorDirty);
}

export const checkConstraint = (cs: Constraint[][], v: Version): boolean =>
  cs.some((and) => and.every((c) => check(v, c)));

// ---------------------------------------------------------------------------------------------------
// *semver.Version for templates: `$v.Major`, `$v.Prerelease`, `$a.Compare $b`, printed as String()

/** raw is what encoding/json writes for a Version (its String()); the parsed form rides along. */
export class SemverValue extends Typed {
  constructor(readonly version: Version) {
    super(VERSION_TYPE, versionString(version));
  }
}

const ver = (r: Typed): Version => (r as SemverValue).version;
const verArg = (v: GoValue): Version => {
  if (v instanceof SemverValue) return v.version;
  if (v === undefined) throw new GoError("invalid value; expected *semver.Version");
  throw new GoError("wrong type for value; expected *semver.Version");
};
const methods: Record<string, Method> = {
  String: (r) => versionString(ver(r)),
  Original: (r) => ver(r).original,
  Major: (r) => ver(r).major,
  Minor: (r) => ver(r).minor,
  Patch: (r) => ver(r).patch,
  Prerelease: (r) => ver(r).pre,
  Metadata: (r) => ver(r).metadata,
  Compare: (r, a) => BigInt(compareVersions(ver(r), verArg(a[0]))),
  LessThan: (r, a) => compareVersions(ver(r), verArg(a[0])) < 0,
  GreaterThan: (r, a) => compareVersions(ver(r), verArg(a[0])) > 0,
  Equal: (r, a) => compareVersions(ver(r), verArg(a[0])) === 0,
};

/** A struct type named as the pointer Go hands out, so %T prints `*semver.Version` and %v its String(). */
export const VERSION_TYPE: GoType = { kind: "struct", name: "*semver.Version", fields: [], methods };

export const semverFuncs: Record<string, GoFunc> = {
  semver: (...args) => {
    arity("semver", args, 1);
    return new SemverValue(newVersion(argString(args[0], "semver")));
  },
  semverCompare: (...args) => {
    arity("semverCompare", args, 2);
    const c = newConstraint(argString(args[0], "semverCompare"));
    return checkConstraint(c, newVersion(argString(args[1], "semverCompare")));
  },
};
