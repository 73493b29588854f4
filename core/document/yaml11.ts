import { isAlias, isMap, isScalar, isSeq, type Node, parseAllDocuments, Scalar } from "yaml";
import { err, type Json, type JsonObject, MAX_DEPTH, ok, type Result } from "../json.ts";

/**
 * Rendered template text as istiod reads it: sigs.k8s.io/yaml.Unmarshal, i.e. go-yaml v2 (YAML 1.1
 * scalar resolution, first document only, duplicate keys: last wins, `<<` merges), then the JSON
 * round trip (non-string keys become strings, numbers become float64, Inf/NaN are refused).
 *
 * Two paths, one resolver. Rendered sidecars are a small block/flow subset of YAML, which a
 * line-based parser reads about ten times faster than a general one; anything outside that subset
 * (anchors, tags, multi-line plain or quoted scalars, folded blocks, `?` keys, errors) makes it give
 * up, and the `yaml` package, with every scalar kept as text, parses the whole text instead.
 */
export function parseYaml11(text: string): Result<Json> {
  try {
    return ok(new FastParser(text, GO_YAML).parse());
  } catch {
    // Outside the subset, or an error: the general path reads it again and says where.
  }
  return parseGeneral(text);
}

/** The fast path alone: the value, or undefined where the text is outside its subset (for tests). */
export function parseYaml11Fast(text: string): Json | undefined {
  try {
    return new FastParser(text, GO_YAML).parse();
  } catch {
    return undefined;
  }
}

/**
 * The same fast subset read as the `yaml` package reads it with its defaults (YAML 1.2 core schema,
 * unique keys), for Handlebars templates' output: the value `parse` would return, or undefined where
 * the text is outside the subset or anything might read differently (duplicate or non-string keys,
 * `__proto__`, numbers a double cannot hold, `.inf`, escapes only YAML 1.1 has). The caller then
 * parses with the package, so this path only ever answers what the package would.
 */
export function parseYaml12Fast(text: string): Json | undefined {
  const first = text.trimStart().charCodeAt(0);
  // core/document/yaml.ts reads these as JSON first, whose duplicate keys do not fail.
  if (first === 123 || first === 91) return undefined;
  try {
    return new FastParser(text, CORE_SCHEMA).parse();
  } catch {
    return undefined;
  }
}

/** The general path alone (for tests and the benchmark). */
export function parseYaml11General(text: string): Result<Json> {
  return parseGeneral(text);
}

// ---------------------------------------------------------------------------------------------
// Scalar resolution: go-yaml v2's resolve.go for untagged plain scalars.

type Resolved =
  | { t: "str"; v: string }
  | { t: "null" }
  | { t: "bool"; v: boolean }
  | { t: "int"; v: bigint }
  | { t: "float"; v: number };

const MAP = new Map<string, Resolved>();
for (const [v, words] of [
  [true, "y Y yes Yes YES true True TRUE on On ON"],
  [false, "n N no No NO false False FALSE off Off OFF"],
] as const)
  for (const w of words.split(" ")) MAP.set(w, { t: "bool", v });
for (const w of ["", "~", "null", "Null", "NULL"]) MAP.set(w, { t: "null" });
for (const [v, words] of [
  [Number.NaN, ".nan .NaN .NAN"],
  [Number.POSITIVE_INFINITY, ".inf .Inf .INF +.inf +.Inf +.INF"],
  [Number.NEGATIVE_INFINITY, "-.inf -.Inf -.INF"],
] as const)
  for (const w of words.split(" ")) MAP.set(w, { t: "float", v });

const YAML_FLOAT = /^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$/;
const DOT_FLOAT = /^\.[0-9]+([eE][-+]?[0-9]+)?$/;
const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;
const UINT64_MAX = 2n ** 64n - 1n;

export function resolvePlain(s: string): Resolved {
  const c = s.charCodeAt(0);
  // Go's hint table: digits and signs may be numbers, `.` a float, `yYnNtTfFoO~` a word of the map.
  const digitOrSign = (c >= 48 && c <= 57) || c === 43 || c === 45;
  if (!digitOrSign && c !== 46 && !"yYnNtTfFoO~".includes(s[0] ?? "") && s !== "") return { t: "str", v: s };
  const mapped = MAP.get(s);
  if (mapped) return mapped;
  if (c === 46) return DOT_FLOAT.test(s) ? finiteFloat(s) : { t: "str", v: s };
  if (!digitOrSign) return { t: "str", v: s };
  // Timestamps (YYYY-…) resolve, but into an `any` go-yaml keeps them as the string; nothing that
  // starts like one is a number either, so they fall through to the string below.
  const plain = s.includes("_") ? s.replaceAll("_", "") : s;
  const asInt = parseGoInt(plain);
  if (asInt !== undefined) return { t: "int", v: asInt };
  if (YAML_FLOAT.test(plain)) return finiteFloat(plain);
  return { t: "str", v: s };
}

/** ParseFloat fails with ErrRange on overflow, and go-yaml then keeps the text. */
function finiteFloat(s: string): Resolved {
  const v = Number(s);
  return Number.isFinite(v) ? { t: "float", v } : { t: "str", v: s };
}

const DIGITS: Record<number, RegExp> = { 16: /^[0-9a-fA-F]+$/, 10: /^[0-9]+$/, 8: /^[0-7]*$/, 2: /^[01]+$/ };
const SMALL_DECIMAL = /^[-+]?[1-9][0-9]{0,14}$/;

/** strconv.ParseInt(s, 0, 64), else ParseUint(s, 0, 64) (no sign); undefined when both fail. */
function parseGoInt(s: string): bigint | undefined {
  if (SMALL_DECIMAL.test(s)) return BigInt(s);
  let i = 0;
  const sign = s[0] === "-" || s[0] === "+" ? s[i++] : "";
  let base = 10;
  if (s[i] === "0") {
    const p = (s[i + 1] ?? "").toLowerCase();
    if (s.length - i >= 3 && (p === "x" || p === "o" || p === "b")) {
      base = p === "x" ? 16 : p === "o" ? 8 : 2;
      i += 2;
    } else {
      base = 8;
      i += 1;
    }
  }
  const digits = s.slice(i);
  if (!DIGITS[base]?.test(digits)) return undefined;
  const prefix = base === 16 ? "0x" : base === 8 ? "0o" : base === 2 ? "0b" : "";
  const magnitude = digits === "" ? 0n : BigInt(prefix + digits);
  const v = sign === "-" ? -magnitude : magnitude;
  if (v >= INT64_MIN && v <= INT64_MAX) return v;
  return sign === "" && v <= UINT64_MAX ? v : undefined;
}

/** A resolved value as encoding/json hands it on: numbers are float64, Inf/NaN cannot be encoded. */
function toJson(r: Resolved): Json {
  switch (r.t) {
    case "str":
      return r.v;
    case "null":
      return null;
    case "bool":
      return r.v;
    case "int":
      return Number(r.v);
    case "float":
      if (!Number.isFinite(r.v)) throw new Error(`json: unsupported value: ${goFloatName(r.v)}`);
      return r.v;
  }
}

function goFloatName(v: number): string {
  return Number.isNaN(v) ? "NaN" : v > 0 ? "+Inf" : "-Inf";
}

/** sigs.k8s.io/yaml's conversion of a map key to a JSON object key. */
function keyString(r: Resolved): string {
  switch (r.t) {
    case "str":
      return r.v;
    case "bool":
      return String(r.v);
    case "int":
      if (r.v > INT64_MAX) throw new Error(`unsupported map key of type: uint64, key: ${r.v}`);
      return r.v.toString();
    case "float":
      return formatFloat32(r.v);
    case "null":
      throw new Error("unsupported map key of type: <nil> (an empty or null key)");
  }
}

/** strconv.FormatFloat(f, 'g', -1, 32), with Inf/NaN spelled as YAML. */
export function formatFloat32(x: number): string {
  const f = Math.fround(x);
  if (Number.isNaN(f)) return ".nan";
  if (!Number.isFinite(f)) return f > 0 ? ".inf" : "-.inf";
  if (f === 0) return Object.is(f, -0) ? "-0" : "0";
  let m = "";
  for (let p = 1; p <= 9; p++) {
    m = Math.abs(f).toExponential(p - 1);
    if (Math.fround(Number(m)) === Math.abs(f)) break;
  }
  const [mant = "", e = "0"] = m.split("e");
  const d = mant.replace(".", "");
  const exp = Number(e);
  const sign = f < 0 ? "-" : "";
  if (exp < -4 || exp >= 6) {
    const ae = Math.abs(exp);
    return `${sign}${d[0]}${d.length > 1 ? `.${d.slice(1)}` : ""}e${exp < 0 ? "-" : "+"}${ae < 10 ? "0" : ""}${ae}`;
  }
  const dp = exp + 1;
  if (dp <= 0) return `${sign}0.${"0".repeat(-dp)}${d}`;
  if (dp >= d.length) return `${sign}${d}${"0".repeat(dp - d.length)}`;
  return `${sign}${d.slice(0, dp)}.${d.slice(dp)}`;
}

function setKey(obj: JsonObject, key: string, value: Json): void {
  if (key === "__proto__")
    Object.defineProperty(obj, key, { value, enumerable: true, writable: true, configurable: true });
  else obj[key] = value;
}

// ---------------------------------------------------------------------------------------------
// The fast path: block mappings and sequences, one-line scalars, literal blocks, flow collections.

const BAIL = new Error("outside the fast subset");

/** yaml.v2's double-quoted escapes (libyaml's set, which adds `\/`, `\'` and the YAML 1.1 ones). */
const ESCAPES: Record<string, string> = {
  "0": "\0",
  a: "\x07",
  b: "\b",
  t: "\t",
  "\t": "\t",
  n: "\n",
  v: "\v",
  f: "\f",
  r: "\r",
  e: "\x1b",
  " ": " ",
  '"': '"',
  "'": "'",
  "/": "/",
  "\\": "\\",
  N: "\u0085",
  _: "\u00a0",
  L: "\u2028",
  P: "\u2029",
};
const HEX_ESCAPE: Record<string, number> = { x: 2, u: 4, U: 8 };

/** How the fast path turns scalars and keys into JSON: go-yaml v2's rules, or the `yaml` package's. */
interface Rules {
  plain(s: string): Json;
  key(s: string): string;
  escapes: Record<string, string>;
  set(obj: JsonObject, key: string, value: Json): void;
  /**
   * The package wants a flow collection's continuation lines, and a block scalar's, indented past the
   * block collection around them.
   */
  strictIndent: boolean;
}

const GO_YAML: Rules = {
  plain: (s) => toJson(resolvePlain(s)),
  key: (s) => keyString(resolvePlain(s)),
  escapes: ESCAPES,
  set: setKey,
  strictIndent: false,
};

const CORE_INT = /^[-+]?[0-9]+$/;
const CORE_FLOAT = /^[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?$/;
const CORE_WORDS = new Map<string, Json>([
  ["", null],
  ["~", null],
  ["null", null],
  ["Null", null],
  ["NULL", null],
  ["true", true],
  ["True", true],
  ["TRUE", true],
  ["false", false],
  ["False", false],
  ["FALSE", false],
]);

/** YAML 1.2's core schema as the `yaml` package resolves it; what it might read otherwise bails. */
function corePlain(s: string): Json {
  const word = CORE_WORDS.get(s);
  if (word !== undefined) return word;
  const c = s.charCodeAt(0);
  if (!((c >= 48 && c <= 57) || c === 43 || c === 45 || c === 46)) return s;
  if (CORE_INT.test(s)) {
    const n = Number(s);
    if (!Number.isSafeInteger(n) || Object.is(n, -0)) throw BAIL;
    return n;
  }
  if (CORE_FLOAT.test(s)) {
    const n = Number(s);
    if (!Number.isFinite(n)) throw BAIL;
    return n;
  }
  // `.inf`, `.nan`, `0x1f`, `0o17`: numbers to the package.
  if (/^[-+]?\.(?:inf|Inf|INF|nan|NaN|NAN)$|^0[xo]/.test(s)) throw BAIL;
  return s;
}

const CORE_ESCAPES: Record<string, string> = { ...ESCAPES };
delete CORE_ESCAPES["'"];

const CORE_SCHEMA: Rules = {
  plain: corePlain,
  key(s) {
    const v = corePlain(s);
    if (typeof v !== "string") throw BAIL;
    return v;
  },
  escapes: CORE_ESCAPES,
  set(obj, key, value) {
    // Over 1,024 characters a key is an error to the package (YAML 1.2's implicit key limit).
    if (key === "__proto__" || key.length > 1000 || Object.hasOwn(obj, key)) throw BAIL;
    obj[key] = value;
  },
  strictIndent: true,
};

class FastParser {
  private readonly lines: string[];
  /** Column where each line's content starts (moved right for `- key: v` compact entries). */
  private readonly start: number[];
  private li = 0;

  constructor(
    private readonly text: string,
    private readonly rules: Rules,
  ) {
    if (text.includes("\r") || text.includes("\t") || text.charCodeAt(0) === 0xfeff) throw BAIL;
    this.lines = text.split("\n");
    this.start = this.lines.map((l) => {
      let i = 0;
      while (l.charCodeAt(i) === 32) i++;
      return i;
    });
  }

  parse(): Json {
    let first = this.nextContent();
    if (first < 0) return null;
    if (this.lines[first] === "---") {
      this.li = first + 1;
      first = this.nextContent();
      if (first < 0) return null;
    }
    for (let i = this.li; i < this.lines.length; i++) {
      const l = this.lines[i] as string;
      const c = l.charCodeAt(0);
      if ((c === 45 || c === 46 || c === 37) && /^(?:(?:---|\.\.\.)(?: |$)|%)/.test(l)) throw BAIL;
    }
    const value = this.block(this.start[first] as number, 1);
    if (this.nextContent() >= 0) throw BAIL;
    return value;
  }

  /** Index of the next line with content (not blank, not a comment), from li; -1 at the end. */
  private nextContent(): number {
    const { lines, start } = this;
    for (let i = this.li; i < lines.length; i++) {
      const l = lines[i] as string;
      const s = start[i] as number;
      if (s < l.length && l.charCodeAt(s) !== 35) {
        this.li = i;
        return i;
      }
    }
    this.li = lines.length;
    return -1;
  }

  /** The node starting at line li, column `ind`, inside a block collection at `parent`. */
  private block(ind: number, depth: number, parent = -1): Json {
    if (depth > MAX_DEPTH) throw BAIL;
    const line = this.lines[this.li] as string;
    if (isEntry(line, ind)) return this.sequence(ind, depth);
    if (keyEnd(line, ind) >= 0) return this.mapping(ind, depth);
    return this.inline(ind, this.rules.strictIndent ? parent : -1, depth);
  }

  private mapping(ind: number, depth: number): JsonObject {
    const obj: JsonObject = {};
    while (this.nextContent() >= 0) {
      const s = this.start[this.li] as number;
      if (s < ind) break;
      const line = this.lines[this.li] as string;
      const colon = s === ind ? keyEnd(line, ind) : -1;
      if (colon < 0) throw BAIL;
      const raw = line.slice(ind, colon).trimEnd();
      const c = raw.charCodeAt(0);
      if (raw === "<<") throw BAIL;
      const key = c === 34 || c === 39 ? this.quoted(raw, 0, raw.length) : this.rules.key(raw);
      let v = colon + 1;
      while (line.charCodeAt(v) === 32) v++;
      let value: Json = null;
      if (v >= line.length || line.charCodeAt(v) === 35) {
        this.li++;
        if (this.nextContent() >= 0) {
          const next = this.start[this.li] as number;
          if (next > ind) value = this.block(next, depth + 1, ind);
          else if (next === ind && isEntry(this.lines[this.li] as string, ind))
            value = this.sequence(ind, depth + 1);
        }
      } else value = this.inline(v, ind, depth + 1);
      this.rules.set(obj, key, value);
    }
    return obj;
  }

  private sequence(ind: number, depth: number): Json[] {
    const arr: Json[] = [];
    while (this.nextContent() >= 0) {
      const s = this.start[this.li] as number;
      if (s < ind) break;
      const line = this.lines[this.li] as string;
      if (s > ind) throw BAIL;
      // A sequence that is a mapping's value may sit at the mapping's indentation; its next key ends it.
      if (!isEntry(line, ind)) break;
      let v = ind + 1;
      while (line.charCodeAt(v) === 32) v++;
      if (v >= line.length || line.charCodeAt(v) === 35) {
        this.li++;
        const next = this.nextContent() >= 0 ? (this.start[this.li] as number) : -1;
        arr.push(next > ind ? this.block(next, depth + 1, ind) : null);
      } else if (isEntry(line, v) || keyEnd(line, v) >= 0) {
        // `- name: x` / `- - x`: a collection whose lines start at the entry's content column.
        this.start[this.li] = v;
        arr.push(this.block(v, depth + 1));
      } else arr.push(this.inline(v, ind, depth + 1));
    }
    return arr;
  }

  /** A value that starts on line li at column `col`, inside a block collection at `ind`. */
  private inline(col: number, ind: number, depth: number): Json {
    let line = this.lines[this.li] as string;
    const c = line[col];
    let value: Json;
    let end: number;
    if (c === '"' || c === "'") {
      end = closingQuote(line, col);
      value = this.quoted(line, col, end);
    } else if (c === "[" || c === "{") {
      const flow = new FlowCursor(this.lines, this.li, col, this.rules, ind);
      value = flow.node(depth);
      this.li = flow.line;
      line = this.lines[this.li] as string;
      end = flow.col;
    } else if (c === "|") {
      return this.literal(line, col, ind);
    } else if ("&*!%@`>?-:,]}#".includes(c as string)) {
      if (!((c === "-" || c === "?" || c === ":") && PLAIN_NEXT.test(line[col + 1] ?? " "))) throw BAIL;
      end = plainEnd(line, col);
      value = this.rules.plain(line.slice(col, end));
    } else {
      end = plainEnd(line, col);
      value = this.rules.plain(line.slice(col, end));
    }
    expectLineEnd(line, end);
    this.li++;
    // A more indented line after the value continues it (a multi-line scalar) or is an error.
    if (this.nextContent() >= 0 && (this.start[this.li] as number) > ind) throw BAIL;
    return value;
  }

  private quoted(line: string, from: number, to: number): string {
    return line[from] === "'"
      ? singleQuoted(line, from, to)
      : doubleQuoted(line, from, to, this.rules.escapes);
  }

  /** `|` or `|-` (clip or strip), indentation detected from the first content line. */
  private literal(line: string, col: number, ind: number): string {
    const header = /^\|(-?)(?: +#.*| *)$/.exec(line.slice(col));
    if (!header) throw BAIL;
    const { lines } = this;
    let i = this.li + 1;
    let indent = -1;
    const body: string[] = [];
    for (; i < lines.length; i++) {
      const l = lines[i] as string;
      const s = this.start[i] as number;
      if (s === l.length) {
        if (indent < 0 ? s > 0 : s > indent) throw BAIL;
        body.push("");
        continue;
      }
      if (indent < 0) indent = s;
      if (s < indent) break;
      body.push(l.slice(indent));
    }
    if (indent <= ind) {
      // No content more indented than the parent: an empty scalar.
      indent = -1;
      i = this.li + 1;
      body.length = 0;
    }
    let last = body.length - 1;
    while (last >= 0 && body[last] === "") last--;
    if (last >= 0 && this.li + 1 + last === lines.length - 1) throw BAIL; // no final line break
    this.li = indent < 0 ? this.li + 1 : i;
    if (this.nextContent() >= 0 && (this.start[this.li] as number) > ind) throw BAIL;
    if (last < 0) return "";
    const text = body.slice(0, last + 1).join("\n");
    return header[1] === "-" ? text : `${text}\n`;
  }
}

/** After a leading `-`, `?` or `:`, a character that makes it part of a plain scalar. */
const PLAIN_NEXT = /^[^ ,[\]{}]/;

/** Whether the line has a block sequence entry (`-` then space or end) at column `at`. */
function isEntry(line: string, at: number): boolean {
  return line.charCodeAt(at) === 45 && (at + 1 === line.length || line.charCodeAt(at + 1) === 32);
}

/** The column of the `:` that ends an implicit key starting at `at`, or -1 if the line has none there. */
function keyEnd(line: string, at: number): number {
  const c = line[at] ?? "";
  let from = at;
  if (c === '"' || c === "'") {
    from = closingQuote(line, at);
    while (line.charCodeAt(from) === 32) from++;
    return line.charCodeAt(from) === 58 && isBreak(line, from + 1) ? from : -1;
  }
  if (",[]{}#&*!|>%@`".includes(c)) return -1;
  if ((c === "-" || c === "?" || c === ":") && isBreak(line, at + 1)) return -1;
  const hash = line.indexOf(" #", from);
  for (let i = line.indexOf(":", from); i >= 0; i = line.indexOf(":", i + 1)) {
    if (hash >= 0 && hash < i) return -1;
    if (isBreak(line, i + 1)) return i;
  }
  return -1;
}

function isBreak(line: string, i: number): boolean {
  return i >= line.length || line.charCodeAt(i) === 32;
}

/** End of a block plain scalar: a comment or the line's end; `: ` inside is a nested key (an error). */
function plainEnd(line: string, col: number): number {
  const hash = line.indexOf(" #", col);
  let end = hash < 0 ? line.length : hash;
  while (end > col && line.charCodeAt(end - 1) === 32) end--;
  const colon = line.indexOf(":", col);
  if (colon >= 0 && colon < end && keyEnd(line, col) >= 0) throw BAIL;
  return end;
}

function expectLineEnd(line: string, end: number): void {
  let i = end;
  while (line.charCodeAt(i) === 32) i++;
  if (i < line.length && !(line.charCodeAt(i) === 35 && i > end)) throw BAIL;
}

/** The index just past the closing quote of a one-line quoted scalar at `at`. */
function closingQuote(line: string, at: number): number {
  const q = line[at];
  for (let i = at + 1; i < line.length; i++) {
    const c = line[i];
    if (c === "\\" && q === '"') i++;
    else if (c === q) {
      if (q === "'" && line[i + 1] === "'") i++;
      else return i + 1;
    }
  }
  throw BAIL; // continues on the next line
}

function singleQuoted(line: string, from: number, to: number): string {
  return line.slice(from + 1, to - 1).replaceAll("''", "'");
}

function doubleQuoted(line: string, from: number, to: number, escapes: Record<string, string>): string {
  const body = line.slice(from + 1, to - 1);
  if (!body.includes("\\")) return body;
  let out = "";
  for (let i = 0; i < body.length; i++) {
    const c = body[i] as string;
    if (c !== "\\") {
      out += c;
      continue;
    }
    const e = body[++i] as string;
    const simple = escapes[e];
    if (simple !== undefined) out += simple;
    else if (HEX_ESCAPE[e] !== undefined) {
      const n = HEX_ESCAPE[e];
      const hex = body.slice(i + 1, i + 1 + n);
      if (!/^[0-9a-fA-F]+$/.test(hex) || hex.length !== n) throw BAIL;
      const cp = Number.parseInt(hex, 16);
      if ((cp >= 0xd800 && cp <= 0xdfff) || cp > 0x10ffff) throw BAIL;
      out += String.fromCodePoint(cp);
      i += n;
    } else throw BAIL;
  }
  return out;
}

/** Flow collections, which may span lines; indentation means nothing inside them. */
class FlowCursor {
  constructor(
    private readonly lines: string[],
    public line: number,
    public col: number,
    private readonly rules: Rules,
    /** The indentation of the block collection the flow collection is a value in. */
    private readonly ind: number,
  ) {}

  private get text(): string {
    return this.lines[this.line] as string;
  }

  /** Skips spaces, line breaks and comments; the end of the text inside a collection is not this subset. */
  private skip(): void {
    for (let fresh = false; ; fresh = true) {
      const t = this.text;
      while (this.col < t.length && t.charCodeAt(this.col) === 32) this.col++;
      if (
        this.col < t.length &&
        !(t.charCodeAt(this.col) === 35 && (this.col === 0 || t[this.col - 1] === " "))
      ) {
        if (fresh && this.rules.strictIndent) {
          const c = t.charCodeAt(this.col);
          const closer = c === 93 || c === 125;
          if (closer ? this.col < this.ind : this.col <= this.ind) throw BAIL;
        }
        return;
      }
      if (this.line + 1 >= this.lines.length) throw BAIL;
      this.line++;
      this.col = 0;
    }
  }

  node(depth: number): Json {
    if (depth > MAX_DEPTH) throw BAIL;
    const t = this.text;
    const c = t[this.col];
    if (c === "[") {
      const arr: Json[] = [];
      this.col++;
      for (;;) {
        this.skip();
        if (this.text[this.col] === "]") break;
        arr.push(this.node(depth + 1));
        this.skip();
        const d = this.text[this.col];
        if (d === "]") break;
        if (d !== ",") throw BAIL;
        this.col++;
      }
      this.col++;
      return arr;
    }
    if (c === "{") {
      const obj: JsonObject = {};
      this.col++;
      for (;;) {
        this.skip();
        if (this.text[this.col] === "}") break;
        const keyLine = this.line;
        const key = this.scalar(true);
        if (key === "<<") throw BAIL;
        this.skip();
        let value: Json = null;
        if (this.text[this.col] === ":") {
          if (this.line !== keyLine) throw BAIL;
          this.col++;
          this.skip();
          const d = this.text[this.col];
          if (d !== "," && d !== "}") value = this.node(depth + 1);
          this.skip();
        }
        this.rules.set(obj, key as string, value);
        const d = this.text[this.col];
        if (d === "}") break;
        if (d !== ",") throw BAIL;
        this.col++;
      }
      this.col++;
      return obj;
    }
    return this.scalar(false);
  }

  /** A quoted or plain scalar on one line: the value, or the key string when `asKey`. */
  private scalar(asKey: boolean): Json {
    const t = this.text;
    const c = t[this.col] as string;
    if (c === '"' || c === "'") {
      const end = closingQuote(t, this.col);
      const s =
        c === "'" ? singleQuoted(t, this.col, end) : doubleQuoted(t, this.col, end, this.rules.escapes);
      this.col = end;
      return s;
    }
    if ("[]{},#&*!|>'\"%@`".includes(c)) throw BAIL;
    let i = this.col;
    if ("-?:".includes(c) && !PLAIN_NEXT.test(t[i + 1] ?? " ")) throw BAIL;
    for (i++; i < t.length; i++) {
      const d = t[i];
      if (d === "," || d === "[" || d === "]" || d === "{" || d === "}") break;
      if (d === ":" && /^[ ,[\]{}]/.test(t[i + 1] ?? " ")) break;
      if (d === "#" && t[i - 1] === " ") break;
    }
    let end = i;
    while (t.charCodeAt(end - 1) === 32) end--;
    const raw = t.slice(this.col, end);
    this.col = end;
    return asKey ? this.rules.key(raw) : this.rules.plain(raw);
  }
}

// ---------------------------------------------------------------------------------------------
// The general path: the `yaml` package parses, every scalar as text; go-yaml's rules are applied here.

const MAX_ALIAS_COUNT = 100;

function parseGeneral(text: string): Result<Json> {
  let docs: ReturnType<typeof parseAllDocuments>;
  try {
    docs = parseAllDocuments(text, {
      schema: "failsafe",
      uniqueKeys: false,
      merge: false,
      prettyErrors: false,
      logLevel: "silent",
    });
  } catch (e) {
    return err(e instanceof RangeError ? "document is nested too deeply to parse" : `not valid YAML: ${e}`);
  }
  // go-yaml reads the first document only.
  const doc = Array.isArray(docs) ? docs[0] : undefined;
  if (!doc) return ok(null);
  const problem = doc.errors[0];
  if (problem) {
    const line = problem.linePos?.[0]?.line ?? lineAt(text, problem.pos[0]);
    return err(`not valid YAML: line ${line}: ${problem.message.split("\n")[0]}`);
  }
  const walker = { aliases: 0, ancestors: new Set<Node>(), doc };
  try {
    return ok(walk(doc.contents as Node | null, 1, walker));
  } catch (e) {
    const at = e instanceof NodeError ? `line ${lineAt(text, e.offset)}: ` : "";
    return err(`not valid YAML: ${at}${e instanceof Error ? e.message : String(e)}`);
  }
}

class NodeError extends Error {
  constructor(
    message: string,
    readonly offset: number,
  ) {
    super(message);
  }
}

function lineAt(text: string, offset: number): number {
  let line = 1;
  for (let i = text.indexOf("\n"); i >= 0 && i < offset; i = text.indexOf("\n", i + 1)) line++;
  return line;
}

interface Walker {
  aliases: number;
  ancestors: Set<Node>;
  doc: { contents: unknown };
}

function offsetOf(node: Node | null | undefined): number {
  return node?.range?.[0] ?? 0;
}

function walk(node: Node | null, depth: number, w: Walker): Json {
  if (node === null || node === undefined) return null;
  if (depth > MAX_DEPTH && (isMap(node) || isSeq(node)))
    throw new Error(`document is nested deeper than ${MAX_DEPTH} levels`);
  const wrap = (f: () => Json): Json => {
    try {
      return f();
    } catch (e) {
      if (e instanceof NodeError || !(e instanceof Error)) throw e;
      throw new NodeError(e.message, offsetOf(node));
    }
  };
  if (isAlias(node)) {
    if (++w.aliases > MAX_ALIAS_COUNT) throw new NodeError("too many aliases", offsetOf(node));
    const target = node.resolve(w.doc as never) as Node | undefined;
    if (!target) throw new NodeError(`unknown anchor '${node.source}' referenced`, offsetOf(node));
    if (w.ancestors.has(target))
      throw new NodeError("an alias refers to a node that contains it", offsetOf(node));
    return walk(target, depth, w);
  }
  if (isScalar(node)) return wrap(() => toJson(scalarOf(node)));
  w.ancestors.add(node);
  try {
    if (isSeq(node)) return node.items.map((item) => walk(item as Node, depth + 1, w));
    if (isMap(node)) {
      const obj: JsonObject = {};
      for (const pair of node.items) {
        const k = pair.key as Node | null;
        if (isScalar(k) && k.type === Scalar.PLAIN && !k.tag && k.value === "<<") {
          merge(obj, pair.value as Node | null, depth, w);
          continue;
        }
        let key: string;
        try {
          key = mapKey(k, w);
        } catch (e) {
          throw new NodeError(e instanceof Error ? e.message : String(e), offsetOf(k ?? node));
        }
        setKey(obj, key, walk(pair.value as Node | null, depth + 1, w));
      }
      return obj;
    }
  } finally {
    w.ancestors.delete(node);
  }
  throw new NodeError("unsupported YAML node", offsetOf(node));
}

function mapKey(k: Node | null, w: Walker): string {
  let key = k;
  if (isAlias(key)) key = key.resolve(w.doc as never) as Node | null;
  if (key === null || key === undefined) return keyString({ t: "null" });
  if (!isScalar(key)) throw new Error("invalid map key: a mapping or sequence");
  return keyString(scalarOf(key));
}

/** go-yaml's `<<`: a mapping, or a sequence of them where earlier ones win; explicit later keys win. */
function merge(obj: JsonObject, value: Node | null, depth: number, w: Walker): void {
  const sources = isSeq(value) ? [...value.items].reverse() : [value];
  for (const src of sources) {
    const m = walk(src as Node | null, depth, w);
    if (m === null || typeof m !== "object" || Array.isArray(m))
      throw new NodeError("map merge requires map or sequence of maps as the value", offsetOf(value));
    for (const [k, v] of Object.entries(m)) setKey(obj, k, v);
  }
}

const TAG = "tag:yaml.org,2002:";

/** A scalar by go-yaml: quoted and block scalars are strings, plain ones resolve; explicit tags apply. */
function scalarOf(node: Scalar): Resolved {
  const text = String(node.value ?? "");
  const tag = node.tag;
  const plain = node.type === Scalar.PLAIN || node.type === undefined;
  if (!tag || tag === "!") return plain && tag !== "!" ? resolvePlain(text) : { t: "str", v: text };
  if (!tag.startsWith(TAG)) return { t: "str", v: text };
  const name = tag.slice(TAG.length);
  if (name === "str" || name === "timestamp") return { t: "str", v: text };
  if (name === "binary") return { t: "str", v: decodeBase64(text) };
  if (name !== "int" && name !== "float" && name !== "bool") return { t: "str", v: text };
  const r = resolvePlain(text);
  if (r.t === name) return r;
  if (name === "float" && r.t === "int") return { t: "float", v: Number(r.v) };
  throw new Error(`cannot decode !!${r.t} \`${text}\` as a !!${name}`);
}

function decodeBase64(text: string): string {
  const clean = text.replace(/\s+/g, "");
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(clean) || clean.length % 4 !== 0)
    throw new Error("!!binary value contains invalid base64 data");
  const bytes = Uint8Array.from(atob(clean), (ch) => ch.charCodeAt(0));
  return new TextDecoder().decode(bytes);
}
