/**
 * Istio's `toYaml`: sigs.k8s.io/yaml.Marshal, i.e. encoding/json first, then the JSON re-read by
 * yaml.v2 (numbers become ints or floats, objects become maps with sorted keys) and emitted by
 * yaml.v2's emitter (a port of libyaml). Templates splice this text into the pod YAML with
 * `indent`/`nindent`, so quoting, folding and block-scalar choices must be yaml.v2's to the byte.
 *
 * The emitter below follows go-yaml v2's emitterc.go for the subset a JSON tree can produce: block
 * mappings and sequences, empty flow `{}`/`[]`, and plain, single-quoted, double-quoted and literal
 * scalars. best_indent 2, best_width 80, unicode on, as yaml.v2's encoder sets them.
 */
import { err, ok, type Result } from "../../json.ts";
import { floatJSON, marshalJSON } from "./gojson.ts";
import { type GoValue, sortedKeys, Typed } from "./values.ts";

/** sigs.k8s.io/yaml.Marshal(v) as text; an encoding/json error is returned as the error. */
export function marshalYAML(v: GoValue): Result<string> {
  const direct = plainTree(v, 0);
  if (direct !== undefined) return ok(emitYAML(direct));
  const json = marshalJSON(v);
  if (!json.ok) return json;
  const tree = parseJSON(json.value);
  if (tree === undefined) return err("yaml: could not read the JSON back");
  return ok(emitYAML(tree));
}

// ---------------------------------------------------------------------------------------------------
// The JSON as yaml.v2 reads it: number texts kept so ints and floats resolve as yaml.v2 resolves them.

export type YNode =
  | { t: "map"; entries: [string, YNode][] }
  | { t: "seq"; items: YNode[] }
  | { t: "str"; v: string }
  | { t: "raw"; v: string }; // a scalar already in its plain form (numbers, bools, null)

/**
 * The tree parseJSON would read back from marshalJSON's text, built straight from plain JSON data
 * (what `.Values` holds): strings, numbers and maps come back from encoding/json unchanged, so the
 * text is skipped. Anything else (a declared Go type, a number JSON refuses, a surrogate, which
 * encoding/json may rewrite, a very deep value) is undefined, for the text's way.
 */
function plainTree(v: GoValue, depth: number): YNode | undefined {
  if (v === undefined || v === null) return { t: "raw", v: "null" };
  switch (typeof v) {
    case "string":
      return SURROGATE.test(v) ? undefined : { t: "str", v };
    case "boolean":
      return { t: "raw", v: v ? "true" : "false" };
    case "number":
      return Number.isFinite(v) ? { t: "raw", v: yamlNumber(floatJSON(v)) } : undefined;
    case "bigint":
      return { t: "raw", v: yamlNumber(v.toString()) };
  }
  if (v instanceof Typed || depth > PLAIN_DEPTH) return undefined;
  if (Array.isArray(v)) {
    const items: YNode[] = [];
    for (const x of v) {
      const item = plainTree(x, depth + 1);
      if (item === undefined) return undefined;
      items.push(item);
    }
    return { t: "seq", items };
  }
  const entries: [string, YNode][] = [];
  // encoding/json's key order first, so that keys yaml.v2 ranks equal keep it, as they do when read.
  for (const k of sortedKeys(v)) {
    if (SURROGATE.test(k)) return undefined;
    const x = plainTree(v[k] ?? null, depth + 1);
    if (x === undefined) return undefined;
    entries.push([k, x]);
  }
  return { t: "map", entries: entries.length === 0 ? entries : sortKeys(entries) };
}

const SURROGATE = /[\ud800-\udfff]/;
const PLAIN_DEPTH = 100;

function parseJSON(text: string): YNode | undefined {
  let i = 0;
  const ws = () => {
    for (;;) {
      const c = text.charCodeAt(i);
      if (c !== 0x20 && c !== 0x09 && c !== 0x0a && c !== 0x0d) return;
      i++;
    }
  };
  const value = (): YNode => {
    ws();
    const c = text[i];
    if (c === "{") {
      i++;
      const entries: [string, YNode][] = [];
      ws();
      if (text[i] === "}") {
        i++;
        return { t: "map", entries };
      }
      for (;;) {
        ws();
        const k = value();
        ws();
        i++; // ':'
        entries.push([k.t === "str" ? k.v : "", value()]);
        ws();
        if (text[i++] === "}") return { t: "map", entries: sortKeys(entries) };
      }
    }
    if (c === "[") {
      i++;
      const items: YNode[] = [];
      ws();
      if (text[i] === "]") {
        i++;
        return { t: "seq", items };
      }
      for (;;) {
        items.push(value());
        ws();
        if (text[i++] === "]") return { t: "seq", items };
      }
    }
    if (c === '"') {
      const start = i;
      let escaped = false;
      i++;
      for (;;) {
        const d = text.charCodeAt(i);
        if (d === 0x22) break;
        if (d === 0x5c) {
          escaped = true;
          i += 2;
        } else if (Number.isNaN(d)) throw new Error("bad JSON");
        else {
          // A raw control character is JSON's error to report.
          if (d < 0x20) escaped = true;
          i++;
        }
      }
      i++;
      // Only an escape needs JSON's decoding; most strings are their own text.
      const v = escaped ? (JSON.parse(text.slice(start, i)) as string) : text.slice(start + 1, i - 1);
      return { t: "str", v };
    }
    for (const word of WORDS) {
      if (text.startsWith(word, i)) {
        i += word.length;
        return { t: "raw", v: word };
      }
    }
    const start = i;
    if (text.charCodeAt(i) === 0x2d) i++;
    if (!isDigitCode(text.charCodeAt(i))) throw new Error("bad JSON");
    // [0-9.eE+-]*, at most 400 characters in all, as the number's reading always was.
    const end = Math.min(text.length, start + 400);
    for (i++; i < end && isNumberCode(text.charCodeAt(i)); i++);
    return { t: "raw", v: yamlNumber(text.slice(start, i)) };
  };
  try {
    return value();
  } catch {
    return undefined;
  }
}

const WORDS = ["true", "false", "null"];
const isDigitCode = (c: number) => c >= 0x30 && c <= 0x39;
const isNumberCode = (c: number) =>
  isDigitCode(c) || c === 0x2e || c === 0x65 || c === 0x45 || c === 0x2b || c === 0x2d;

/** A JSON number as yaml.v2 re-emits it: an int (int64 or uint64) as is, anything else a float. */
function yamlNumber(text: string): string {
  if (/^-?\d+$/.test(text)) {
    const n = BigInt(text);
    if (n >= -(2n ** 63n) && n < 2n ** 64n) return n.toString();
  }
  return formatFloatG(Number(text));
}

/** strconv.FormatFloat(f, 'g', -1, 64): shortest digits; exponent form below 1e-4 and from 1e6 up. */
export function formatFloatG(f: number): string {
  if (Number.isNaN(f)) return ".nan";
  if (!Number.isFinite(f)) return f > 0 ? ".inf" : "-.inf";
  if (f === 0) return Object.is(f, -0) ? "-0" : "0";
  const [mant = "", expText = "0"] = f.toExponential().split("e");
  const exp = Number(expText);
  // Shortest 'g' decides with a precision of 6 (strconv ftoa.go), hence 1e+06 but 123456.
  if (exp < -4 || exp >= 6) {
    const e = Math.abs(exp);
    return `${mant}e${exp < 0 ? "-" : "+"}${e < 10 ? `0${e}` : e}`;
  }
  return String(f);
}

// ---------------------------------------------------------------------------------------------------
// Key order: yaml.v2's keyList.Less for string keys (runs of digits compare as numbers, letters
// sort before other characters).

function sortKeys(entries: [string, YNode][]): [string, YNode][] {
  // Already in order (the sort is stable, so it would keep them as they are): no sort to allocate.
  let sorted = true;
  for (let i = 1; i < entries.length && sorted; i++)
    sorted = !keyLess((entries[i] as [string, YNode])[0], (entries[i - 1] as [string, YNode])[0]);
  if (sorted) return entries;
  return entries.sort((a, b) => (keyLess(a[0], b[0]) ? -1 : keyLess(b[0], a[0]) ? 1 : 0));
}

const isLetter = (c: string) => /\p{L}/u.test(c);
const isDigit = (c: string) => /\p{Nd}/u.test(c);

export function keyLess(a: string, b: string): boolean {
  // Keys nearly always first differ at two ASCII letters (or one is a prefix of the other): those
  // compare by code without splitting the keys into runes.
  const n = Math.min(a.length, b.length);
  let i = 0;
  while (i < n && a.charCodeAt(i) === b.charCodeAt(i)) i++;
  const prev = i > 0 ? a.charCodeAt(i - 1) : 0;
  if (prev >= 0xd800 && prev <= 0xdbff) return keyLessRunes(a, b);
  if (i === n) return a.length < b.length;
  const ac = a.charCodeAt(i);
  const bc = b.charCodeAt(i);
  if (isAsciiLetter(ac) && isAsciiLetter(bc)) return ac < bc;
  return keyLessRunes(a, b);
}

const isAsciiLetter = (c: number) => (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a);

function keyLessRunes(a: string, b: string): boolean {
  const ar = [...a];
  const br = [...b];
  for (let i = 0; i < ar.length && i < br.length; i++) {
    const ac = ar[i] as string;
    const bc = br[i] as string;
    if (ac === bc) continue;
    const al = isLetter(ac);
    const bl = isLetter(bc);
    if (al && bl) return cp(ac) < cp(bc);
    if (al || bl) return bl;
    let an = 0n;
    let bn = 0n;
    if (ac === "0" || bc === "0") {
      for (let j = i - 1; j >= 0 && isDigit(ar[j] as string); j--) {
        if (ar[j] !== "0") {
          an = 1n;
          bn = 1n;
          break;
        }
      }
    }
    let ai = i;
    for (; ai < ar.length && isDigit(ar[ai] as string); ai++)
      an = an * 10n + BigInt(cp(ar[ai] as string) - 48);
    let bi = i;
    for (; bi < br.length && isDigit(br[bi] as string); bi++)
      bn = bn * 10n + BigInt(cp(br[bi] as string) - 48);
    if (an !== bn) return an < bn;
    if (ai !== bi) return ai < bi;
    return cp(ac) < cp(bc);
  }
  return ar.length < br.length;
}

const cp = (c: string) => c.codePointAt(0) ?? 0;

// ---------------------------------------------------------------------------------------------------
// Scalar resolution (yaml.v2 resolve.go): would this text, written plain, read back as a string?

const RESOLVE_MAP = new Set(
  "y Y yes Yes YES true True TRUE on On ON n N no No NO false False FALSE off Off OFF ~ null Null NULL .nan .NaN .NAN .inf .Inf .INF +.inf +.Inf +.INF -.inf -.Inf -.INF <<".split(
    " ",
  ),
);
const YAML_FLOAT = /^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$/;
const BASE60_FLOAT = /^[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+(?:\.[0-9_]*)?$/;

export function resolvesToString(s: string): boolean {
  if (s === "" || RESOLVE_MAP.has(s)) return false;
  const c = s[0] as string;
  if (c === ".") return !(/^\.\d+([eE][-+]?\d+)?$/.test(s) && Number.isFinite(Number(s)));
  if (!/[-+0-9]/.test(c)) return true;
  if (isTimestamp(s)) return false;
  const plain = s.replaceAll("_", "");
  if (parsesAsInt(plain)) return false;
  if (YAML_FLOAT.test(plain) && Number.isFinite(Number(plain))) return false;
  return true;
}

function parsesAsInt(s: string): boolean {
  // strconv.ParseInt(s, 0, 64), then ParseUint(s, 0, 64), then yaml.v2's own 0b/-0b retry.
  const m = /^([-+]?)(0[xX][0-9a-fA-F]+|0[oO][0-7]+|0[bB][01]+|0[0-7]*|[1-9][0-9]*)$/.exec(s);
  if (!m) return false;
  let digits = m[2] as string;
  if (/^0[0-7]+$/.test(digits)) digits = `0o${digits.slice(1)}`;
  const n = BigInt(digits.toLowerCase());
  if (m[1] === "-") return n <= 2n ** 63n;
  if (m[1] === "+") return n < 2n ** 63n;
  return n < 2n ** 64n;
}

function isBase60Float(s: string): boolean {
  return s !== "" && /[-+0-9]/.test(s[0] as string) && s.includes(":") && BASE60_FLOAT.test(s);
}

/** yaml.v2's parseTimestamp: the date-only, RFC 3339 and space-separated forms time.Parse accepts. */
function isTimestamp(s: string): boolean {
  const m =
    /^(\d{4})-(\d{1,2})-(\d{1,2})(?:(?:[Tt](\d{1,2}):(\d{1,2}):(\d{1,2})(?:\.\d+)?(?:Z|[-+]\d{2}:\d{2}))|(?: (\d{1,2}):(\d{1,2}):(\d{1,2})(?:\.\d+)?))?$/.exec(
      s,
    );
  if (!m) return false;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  if (mo < 1 || mo > 12 || d < 1 || d > new Date(Date.UTC(y, mo, 0)).getUTCDate()) return false;
  const h = Number(m[4] ?? m[7] ?? 0);
  const mi = Number(m[5] ?? m[8] ?? 0);
  const se = Number(m[6] ?? m[9] ?? 0);
  return h < 24 && mi < 60 && se < 60;
}

// ---------------------------------------------------------------------------------------------------
// The emitter

type Style = "plain" | "single" | "double" | "literal";
const BEST_INDENT = 2;
const BEST_WIDTH = 80;

interface ScalarInfo {
  multiline: boolean;
  blockPlain: boolean;
  singleAllowed: boolean;
  blockAllowed: boolean;
}

const FIRST_INDICATORS = "#,[]{}&*!|>'\"%@`";
const isBreakCode = (n: number) => n === 0x0d || n === 0x0a || n === 0x85 || n === 0x2028 || n === 0x2029;
const isPrintableCode = (n: number) =>
  n === 0x0a ||
  (n >= 0x20 && n <= 0x7e) ||
  (n >= 0xa0 && n <= 0xd7ff) ||
  (n >= 0xe000 && n <= 0xfffd && n !== 0xfeff);
const isBreak = (c: string) => c === "\r" || c === "\n" || c === "\u0085" || c === "\u2028" || c === "\u2029";
const isPrintable = (c: string) => isPrintableCode(cp(c));

/** The number of code points (runes) in s. */
function runeCount(s: string): number {
  let n = s.length;
  if (n === 1) return 1;
  for (let i = 0; i < s.length - 1; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff) {
      const d = s.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) {
        n--;
        i++;
      }
    }
  }
  return n;
}

function analyze(value: string): ScalarInfo {
  if (value === "") return { multiline: false, blockPlain: true, singleAllowed: true, blockAllowed: false };
  let blockIndicators = value.startsWith("---") || value.startsWith("...");
  let lineBreaks = false;
  let special = false;
  let leadingSpace = false;
  let leadingBreak = false;
  let trailingSpace = false;
  let trailingBreak = false;
  let breakSpace = false;
  let spaceBreak = false;
  let precededByWs = true;
  let prevSpace = false;
  let prevBreak = false;
  // Rune by rune, by code point: no array of the value's characters.
  const n = value.length;
  for (let i = 0; i < n; ) {
    const c = value.codePointAt(i) as number;
    const next = i + (c > 0xffff ? 2 : 1);
    const nc = next < n ? value.charCodeAt(next) : -1;
    const followedByWs = nc === -1 || nc === 0x20 || nc === 0x09;
    if (i === 0) {
      if (c < 0x80 && FIRST_INDICATORS.includes(String.fromCharCode(c))) blockIndicators = true;
      else if ((c === 0x3f || c === 0x3a || c === 0x2d) && followedByWs) blockIndicators = true;
    } else if ((c === 0x3a && followedByWs) || (c === 0x23 && precededByWs)) {
      blockIndicators = true;
    }
    if (!isPrintableCode(c)) special = true;
    const last = next >= n;
    const brk = isBreakCode(c);
    if (c === 0x20) {
      if (i === 0) leadingSpace = true;
      if (last) trailingSpace = true;
      if (prevBreak) breakSpace = true;
      prevSpace = true;
      prevBreak = false;
    } else if (brk) {
      lineBreaks = true;
      if (i === 0) leadingBreak = true;
      if (last) trailingBreak = true;
      if (prevSpace) spaceBreak = true;
      prevSpace = false;
      prevBreak = true;
    } else {
      prevSpace = false;
      prevBreak = false;
    }
    precededByWs = c === 0x20 || c === 0x09 || c === 0 || brk;
    i = next;
  }
  const info = { multiline: lineBreaks, blockPlain: true, singleAllowed: true, blockAllowed: true };
  if (leadingSpace || leadingBreak || trailingSpace || trailingBreak) info.blockPlain = false;
  if (trailingSpace) info.blockAllowed = false;
  if (breakSpace) {
    info.blockPlain = false;
    info.singleAllowed = false;
  }
  if (spaceBreak || special) {
    info.blockPlain = false;
    info.singleAllowed = false;
    info.blockAllowed = false;
  }
  if (lineBreaks || blockIndicators) info.blockPlain = false;
  return info;
}

class Emitter {
  out = "";
  column = 0;
  indent = -1;
  indents: number[] = [];
  whitespace = true;
  indention = true;

  put(s: string): void {
    this.out += s;
    this.column += runeCount(s);
  }
  putBreak(): void {
    this.out += "\n";
    this.column = 0;
  }
  writeBreak(c: string): void {
    if (c === "\n") this.putBreak();
    else {
      this.out += c;
      this.column = 0;
    }
  }
  increaseIndent(flow: boolean, indentless: boolean): void {
    this.indents.push(this.indent);
    if (this.indent < 0) this.indent = flow ? BEST_INDENT : 0;
    else if (!indentless) this.indent += BEST_INDENT;
  }
  popIndent(): void {
    this.indent = this.indents.pop() ?? -1;
  }
  writeIndent(): void {
    const indent = Math.max(this.indent, 0);
    if (!this.indention || this.column > indent || (this.column === indent && !this.whitespace))
      this.putBreak();
    while (this.column < indent) this.put(" ");
    this.whitespace = true;
    this.indention = true;
  }
  indicator(s: string, needWs: boolean, isWs: boolean, isIndention: boolean): void {
    if (needWs && !this.whitespace) this.put(" ");
    this.put(s);
    this.whitespace = isWs;
    this.indention = this.indention && isIndention;
  }

  node(n: YNode, mapping: boolean, simpleKey: boolean): void {
    switch (n.t) {
      case "str":
      case "raw":
        this.scalar(n, simpleKey);
        return;
      case "seq":
        if (n.items.length === 0) {
          this.emptyFlow("[", "]");
          return;
        }
        this.increaseIndent(false, mapping && !this.indention);
        for (const item of n.items) {
          this.writeIndent();
          this.indicator("-", true, false, true);
          this.node(item, false, false);
        }
        this.popIndent();
        return;
      case "map":
        if (n.entries.length === 0) {
          this.emptyFlow("{", "}");
          return;
        }
        this.increaseIndent(false, false);
        for (const [k, v] of n.entries) {
          this.writeIndent();
          const key: YNode = { t: "str", v: k };
          const info = analyze(k);
          if (!info.multiline && Buffer.byteLength(k) <= 128) {
            this.node(key, true, true);
            this.indicator(":", false, false, false);
          } else {
            this.indicator("?", true, false, true);
            this.node(key, true, false);
            this.writeIndent();
            this.indicator(":", true, false, true);
          }
          this.node(v, true, false);
        }
        this.popIndent();
        return;
    }
  }

  emptyFlow(open: string, close: string): void {
    this.indicator(open, true, true, false);
    this.increaseIndent(true, false);
    this.popIndent();
    this.indicator(close, false, false, false);
  }

  scalar(n: YNode & { t: "str" | "raw" }, simpleKey: boolean): void {
    const value = n.v;
    let style: Style =
      n.t === "raw"
        ? "plain"
        : value.includes("\n")
          ? "literal"
          : resolvesToString(value) && !isBase60Float(value)
            ? "plain"
            : "double";
    const info = analyze(value);
    if (simpleKey && info.multiline) style = "double";
    if (style === "plain" && (!info.blockPlain || (value === "" && simpleKey))) style = "single";
    if (style === "single" && !info.singleAllowed) style = "double";
    if (style === "literal" && (!info.blockAllowed || simpleKey)) style = "double";
    this.increaseIndent(true, false);
    if (style === "plain") {
      // A plain scalar has no line breaks; it can only fold at a space past the width, so one that
      // ends within the width is written as it is.
      const count = runeCount(value);
      if (simpleKey || this.column + (this.whitespace ? 0 : 1) + count - 1 <= BEST_WIDTH) {
        if (!this.whitespace) this.put(" ");
        this.out += value;
        this.column += count;
        this.whitespace = false;
        this.indention = false;
        this.popIndent();
        return;
      }
    }
    const chars = [...value];
    if (style === "plain") this.plain(chars, !simpleKey);
    else if (style === "single") this.single(chars, !simpleKey);
    else if (style === "double") this.double(chars, !simpleKey);
    else this.literal(chars);
    this.popIndent();
  }

  plain(v: string[], allowBreaks: boolean): void {
    if (!this.whitespace) this.put(" ");
    let spaces = false;
    let breaks = false;
    for (let i = 0; i < v.length; i++) {
      const c = v[i] as string;
      if (c === " ") {
        if (allowBreaks && !spaces && this.column > BEST_WIDTH && v[i + 1] !== " ") this.writeIndent();
        else this.put(c);
        spaces = true;
      } else if (isBreak(c)) {
        if (!breaks && c === "\n") this.putBreak();
        this.writeBreak(c);
        this.indention = true;
        breaks = true;
      } else {
        if (breaks) this.writeIndent();
        this.put(c);
        this.indention = false;
        spaces = false;
        breaks = false;
      }
    }
    this.whitespace = false;
    this.indention = false;
  }

  single(v: string[], allowBreaks: boolean): void {
    this.indicator("'", true, false, false);
    let spaces = false;
    let breaks = false;
    for (let i = 0; i < v.length; i++) {
      const c = v[i] as string;
      if (c === " ") {
        const fold = allowBreaks && !spaces && this.column > BEST_WIDTH && i > 0 && i < v.length - 1;
        if (fold && v[i + 1] !== " ") this.writeIndent();
        else this.put(c);
        spaces = true;
      } else if (isBreak(c)) {
        if (!breaks && c === "\n") this.putBreak();
        this.writeBreak(c);
        this.indention = true;
        breaks = true;
      } else {
        if (breaks) this.writeIndent();
        if (c === "'") this.put("'");
        this.put(c);
        this.indention = false;
        spaces = false;
        breaks = false;
      }
    }
    this.indicator("'", false, false, false);
    this.whitespace = false;
    this.indention = false;
  }

  double(v: string[], allowBreaks: boolean): void {
    this.indicator('"', true, false, false);
    // libyaml checks for a BOM at the start of the value, not at the current character.
    const bom = v[0] === "\ufeff";
    let spaces = false;
    for (let i = 0; i < v.length; i++) {
      const c = v[i] as string;
      if (!isPrintable(c) || bom || isBreak(c) || c === '"' || c === "\\") {
        this.put(`\\${escapeChar(c)}`);
        spaces = false;
      } else if (c === " ") {
        if (allowBreaks && !spaces && this.column > BEST_WIDTH && i > 0 && i < v.length - 1) {
          this.writeIndent();
          if (v[i + 1] === " ") this.put("\\");
        } else {
          this.put(c);
        }
        spaces = true;
      } else {
        this.put(c);
        spaces = false;
      }
    }
    this.indicator('"', false, false, false);
    this.whitespace = false;
    this.indention = false;
  }

  literal(v: string[]): void {
    this.indicator("|", true, false, false);
    if (v[0] === " " || isBreak(v[0] ?? "")) this.indicator(String(BEST_INDENT), false, false, false);
    const last = v[v.length - 1] ?? "";
    let chomp = "";
    if (v.length === 0 || !isBreak(last)) chomp = "-";
    else if (v.length === 1 || isBreak(v[v.length - 2] as string)) chomp = "+";
    if (chomp !== "") this.indicator(chomp, false, false, false);
    this.putBreak();
    this.indention = true;
    this.whitespace = true;
    let breaks = true;
    for (const c of v) {
      if (isBreak(c)) {
        this.writeBreak(c);
        this.indention = true;
        breaks = true;
      } else {
        if (breaks) this.writeIndent();
        this.put(c);
        this.indention = false;
        breaks = false;
      }
    }
  }
}

const ESCAPES: Record<number, string> = {
  0: "0",
  7: "a",
  8: "b",
  9: "t",
  10: "n",
  11: "v",
  12: "f",
  13: "r",
  27: "e",
  34: '"',
  92: "\\",
  133: "N",
  160: "_",
  8232: "L",
  8233: "P",
};

function escapeChar(c: string): string {
  const n = cp(c);
  const short = ESCAPES[n];
  if (short !== undefined) return short;
  const hex = n.toString(16).toUpperCase();
  if (n <= 0xff) return `x${hex.padStart(2, "0")}`;
  if (n <= 0xffff) return `u${hex.padStart(4, "0")}`;
  return `U${hex.padStart(8, "0")}`;
}

/** yaml.v2 Marshal of a JSON tree: one implicit document, ending with a newline. */
export function emitYAML(tree: YNode): string {
  const e = new Emitter();
  e.node(tree, false, false);
  // Document end: a line break unless the output already ends at the start of a line.
  e.indent = -1;
  e.writeIndent();
  return e.out;
}
