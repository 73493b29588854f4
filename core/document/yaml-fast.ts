import { type Json, type JsonObject, MAX_DEPTH } from "../json.ts";

/**
 * The fast path of core/document/yaml11.ts: a line-based reader of the small block/flow subset of YAML
 * that rendered sidecars are written in (block mappings and sequences, one-line scalars, literal
 * blocks, flow collections), under either scalar schema (`Rules`). Anything outside the subset throws
 * BAIL and the caller parses the text with the general path. It can also record where each one-line
 * scalar sits (`Site`), so a text that differs from one already read only in such scalars can be read
 * by re-reading those lines (core/document/yaml-reread.ts).
 */

export const BAIL = new Error("outside the fast subset");

/** yaml.v2's double-quoted escapes (libyaml's set, which adds `\/`, `\'` and the YAML 1.1 ones). */
export const ESCAPES: Record<string, string> = {
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
export interface Rules {
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

export const CORE_SCHEMA: Rules = {
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

/** A line that is a directive or a document marker: more than one document, outside the subset. */
export const DOCUMENT_MARKER = /^(?:(?:---|\.\.\.)(?: |$)|%)/;

/** A line whose one-line scalar is a value of the parsed result, for re-reading that line alone. */
export interface Site {
  /** The keys and indices from the root to the scalar. */
  path: (string | number)[];
  /** The column the scalar starts at. */
  col: number;
  /** The scalar is a sequence entry's (`- x`): there, a `k: v` or `- x` would start a collection. */
  entry: boolean;
}

export class FastParser {
  readonly lines: string[];
  /** Column where each line's content starts (moved right for `- key: v` compact entries). */
  private readonly start: number[];
  private li = 0;
  /**
   * When recording, each line's Site, if it holds one; undefined when not recording, or when a
   * duplicate key made an earlier line's scalar not the one in the value (go-yaml: the last wins).
   */
  sites: (Site | undefined)[] | undefined;
  /** The keys and indices to the node being read, kept only when recording. */
  private readonly path: (string | number)[] = [];

  /** `lines`: the text split at line breaks, if the caller has it already. */
  constructor(
    text: string,
    private readonly rules: Rules,
    record = false,
    lines?: string[],
  ) {
    if (text.includes("\r") || text.includes("\t") || text.charCodeAt(0) === 0xfeff) throw BAIL;
    this.lines = lines ?? text.split("\n");
    if (record) this.sites = new Array(this.lines.length);
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
      if ((c === 45 || c === 46 || c === 37) && DOCUMENT_MARKER.test(l)) throw BAIL;
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
      const key = c === 34 || c === 39 ? quotedScalar(raw, 0, raw.length, this.rules) : this.rules.key(raw);
      let v = colon + 1;
      while (line.charCodeAt(v) === 32) v++;
      let value: Json = null;
      if (v >= line.length || line.charCodeAt(v) === 35) {
        this.li++;
        if (this.nextContent() >= 0) {
          const next = this.start[this.li] as number;
          if (this.sites) this.path.push(key);
          if (next > ind) value = this.block(next, depth + 1, ind);
          else if (next === ind && isEntry(this.lines[this.li] as string, ind))
            value = this.sequence(ind, depth + 1);
          if (this.sites) this.path.pop();
        }
      } else value = this.value(v, ind, depth + 1, key, false);
      if (this.sites && Object.hasOwn(obj, key)) this.sites = undefined;
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
        if (this.sites) this.path.push(arr.length);
        arr.push(next > ind ? this.block(next, depth + 1, ind) : null);
        if (this.sites) this.path.pop();
      } else if (isEntry(line, v) || keyEnd(line, v) >= 0) {
        // `- name: x` / `- - x`: a collection whose lines start at the entry's content column.
        this.start[this.li] = v;
        if (this.sites) this.path.push(arr.length);
        arr.push(this.block(v, depth + 1));
        if (this.sites) this.path.pop();
      } else arr.push(this.value(v, ind, depth + 1, arr.length, true));
    }
    return arr;
  }

  /** A mapping's or an entry's value on its own line (`step` is its key or index), its Site recorded. */
  private value(col: number, ind: number, depth: number, step: string | number, entry: boolean): Json {
    const li = this.li;
    const value = this.inline(col, ind, depth);
    const c = (this.lines[li] as string)[col];
    if (this.sites && c !== "[" && c !== "{" && c !== "|")
      this.sites[li] = { path: [...this.path, step], col, entry };
    return value;
  }

  /** A value that starts on line li at column `col`, inside a block collection at `ind`. */
  private inline(col: number, ind: number, depth: number): Json {
    const line = this.lines[this.li] as string;
    const c = line[col];
    let value: Json;
    if (c === "[" || c === "{") {
      const flow = new FlowCursor(this.lines, this.li, col, this.rules, ind);
      value = flow.node(depth);
      this.li = flow.line;
      expectLineEnd(this.lines[this.li] as string, flow.col);
    } else if (c === "|") {
      return this.literal(line, col, ind);
    } else value = scalarAt(line, col, this.rules);
    this.li++;
    // A more indented line after the value continues it (a multi-line scalar) or is an error.
    if (this.nextContent() >= 0 && (this.start[this.li] as number) > ind) throw BAIL;
    return value;
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

/**
 * The one-line quoted or plain scalar at `col`, which must end the line (but for a comment): what a
 * block value that is not a collection or a literal block is. Throws BAIL for anything else.
 */
export function scalarAt(line: string, col: number, rules: Rules): Json {
  const c = line[col];
  let end: number;
  let value: Json;
  if (c === '"' || c === "'") {
    end = closingQuote(line, col);
    value = quotedScalar(line, col, end, rules);
  } else {
    if (c === undefined || c === " " || c === "[" || c === "{" || c === "|") throw BAIL;
    if (
      "&*!%@`>?-:,]}#".includes(c) &&
      !((c === "-" || c === "?" || c === ":") && PLAIN_NEXT.test(line[col + 1] ?? " "))
    )
      throw BAIL;
    end = plainEnd(line, col);
    value = rules.plain(line.slice(col, end));
  }
  expectLineEnd(line, end);
  return value;
}

function quotedScalar(line: string, from: number, to: number, rules: Rules): string {
  return line[from] === "'" ? singleQuoted(line, from, to) : doubleQuoted(line, from, to, rules.escapes);
}

/** After a leading `-`, `?` or `:`, a character that makes it part of a plain scalar. */
const PLAIN_NEXT = /^[^ ,[\]{}]/;

/** Whether the line has a block sequence entry (`-` then space or end) at column `at`. */
export function isEntry(line: string, at: number): boolean {
  return line.charCodeAt(at) === 45 && (at + 1 === line.length || line.charCodeAt(at + 1) === 32);
}

/** The column of the `:` that ends an implicit key starting at `at`, or -1 if the line has none there. */
export function keyEnd(line: string, at: number): number {
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
