/**
 * RE2's syntax, parsed as Go's regexp/syntax parses it (flags, classes, Perl and POSIX escapes,
 * repetition limits), into the AST that regex-engine.ts compiles; errors carry Go's messages.
 */
import { GoError } from "../values.ts";

// ---------------------------------------------------------------------------------------------------
// Parsing (RE2 syntax → AST)

export type Pred = (c: number) => boolean;
export type Node =
  | { t: "char"; test: Pred }
  | { t: "empty" }
  | { t: "assert"; k: "bol" | "eol" | "bot" | "eot" | "wb" | "nwb" }
  | { t: "cat" | "alt"; subs: Node[] }
  | { t: "cap"; n: number; sub: Node }
  | { t: "rep"; sub: Node; min: number; max: number; greedy: boolean; op?: string };

interface Flags {
  i: boolean;
  m: boolean;
  s: boolean;
  U: boolean;
}

export const quoteExpr = (s: string) => (/[`\p{Cc}]/u.test(s) ? JSON.stringify(s) : `\`${s}\``);
const perr = (code: string, arg: string): never => {
  throw new GoError(`error parsing regexp: ${code}: ${quoteExpr(arg)}`);
};

export const isWord = (c: number) =>
  (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95;
const ranges =
  (...r: [number, number][]): Pred =>
  (c) =>
    r.some(([lo, hi]) => c >= lo && c <= hi);
const ch = (s: string) => s.codePointAt(0) ?? 0;
const PERL: Record<string, Pred> = {
  d: ranges([48, 57]),
  s: (c) => c === 9 || c === 10 || c === 12 || c === 13 || c === 32,
  w: isWord,
};
const POSIX: Record<string, Pred> = {
  alnum: ranges([48, 57], [65, 90], [97, 122]),
  alpha: ranges([65, 90], [97, 122]),
  ascii: ranges([0, 127]),
  blank: (c) => c === 9 || c === 32,
  cntrl: ranges([0, 31], [127, 127]),
  digit: ranges([48, 57]),
  graph: ranges([33, 126]),
  lower: ranges([97, 122]),
  print: ranges([32, 126]),
  punct: ranges([33, 47], [58, 64], [91, 96], [123, 126]),
  space: ranges([9, 13], [32, 32]),
  upper: ranges([65, 90]),
  word: isWord,
  xdigit: ranges([48, 57], [65, 70], [97, 102]),
};

/** Simple case folding: the code point and its one-code-point upper and lower forms. */
function foldSet(c: number): number[] {
  const s = String.fromCodePoint(c);
  const out = [c];
  for (const f of [s.toLowerCase(), s.toUpperCase()]) {
    const fc = f.codePointAt(0) ?? c;
    if (f.length === String.fromCodePoint(fc).length && !out.includes(fc)) out.push(fc);
  }
  return out;
}
const folded =
  (p: Pred): Pred =>
  (c) =>
    p(c) || foldSet(c).some(p);

function unicodeClass(name: string, whole: string): Pred {
  if (name === "Any") return () => true;
  let re: RegExp;
  try {
    re = new RegExp(name.length <= 2 ? `^\\p{${name}}$` : `^\\p{Script=${name}}$`, "u");
  } catch {
    return perr("invalid character class range", whole);
  }
  return (c) => re.test(String.fromCodePoint(c));
}

export class Parser {
  pos = 0;
  ncap = 0;
  names: string[] = [""];
  constructor(readonly src: string) {}

  more = () => this.pos < this.src.length;
  peek = (): number => this.src.codePointAt(this.pos) ?? -1;
  next(): number {
    const c = this.peek();
    this.pos += c > 0xffff ? 2 : 1;
    return c;
  }
  lookingAt = (s: string) => this.src.startsWith(s, this.pos);

  parse(): Node {
    const n = this.alternation({ i: false, m: false, s: false, U: false }, 0);
    if (this.more()) perr("unexpected )", this.src);
    return n;
  }

  alternation(flags: Flags, depth: number): Node {
    if (depth > 1000) perr("expression nests too deeply", this.src);
    const alts: Node[] = [];
    let cat: Node[] = [];
    const f = { ...flags };
    while (this.more()) {
      const c = this.peek();
      if (c === 0x29) break; // ')'
      if (c === 0x7c) {
        this.next();
        alts.push(seq(cat));
        cat = [];
        continue;
      }
      if (c === 0x2a || c === 0x2b || c === 0x3f || (c === 0x7b && this.repeatAhead())) {
        const start = this.pos;
        const [min, max] = this.repeatOp();
        let greedy = true;
        if (this.peek() === 0x3f) {
          this.next();
          greedy = false;
        }
        if (f.U) greedy = !greedy;
        const op = this.src.slice(start, this.pos);
        const prev = cat.pop();
        if (!prev) return perr("missing argument to repetition operator", op);
        // Only a repetition written directly after another (`a**`) is an error; `(?:a*)*` is fine.
        if (prev.t === "rep" && prev.op) perr("invalid nested repetition operator", `${prev.op}${op}`);
        cat.push({ t: "rep", sub: prev, min, max, greedy, op });
        continue;
      }
      const atom = this.atom(f, depth);
      if (atom) cat.push(atom);
    }
    alts.push(seq(cat));
    return alts.length === 1 ? (alts[0] as Node) : { t: "alt", subs: alts };
  }

  repeatAhead(): boolean {
    return /^\{\d+(,\d*)?\}/.test(this.src.slice(this.pos, this.pos + 24));
  }

  repeatOp(): [number, number] {
    const c = this.next();
    if (c === 0x2a) return [0, -1];
    if (c === 0x2b) return [1, -1];
    if (c === 0x3f) return [0, 1];
    const m = /^\{(\d+)(,(\d*))?\}/.exec(this.src.slice(this.pos - 1)) as RegExpExecArray;
    this.pos += m[0].length - 1;
    const min = Number(m[1]);
    const max = m[2] === undefined ? min : m[3] === "" ? -1 : Number(m[3]);
    if (min > 1000 || max > 1000 || (max >= 0 && max < min)) perr("invalid repeat count", m[0]);
    return [min, max];
  }

  atom(f: Flags, depth: number): Node | undefined {
    const start = this.pos;
    const c = this.next();
    switch (c) {
      case 0x28: // '('
        return this.group(f, depth, start);
      case 0x5b: // '['
        return this.charClass(f, start);
      case 0x2e: // '.'
        return { t: "char", test: f.s ? () => true : (x) => x !== 10 };
      case 0x5e: // '^'
        return { t: "assert", k: f.m ? "bol" : "bot" };
      case 0x24: // '$'
        return { t: "assert", k: f.m ? "eol" : "eot" };
      case 0x5c: {
        // '\\'
        if (this.lookingAt("Q")) {
          this.next();
          const end = this.src.indexOf("\\E", this.pos);
          const lit = this.src.slice(this.pos, end < 0 ? undefined : end);
          this.pos = end < 0 ? this.src.length : end + 2;
          return seq([...lit].map((x) => literal(ch(x), f)));
        }
        const k = String.fromCodePoint(this.peek());
        const asserts: Record<string, "bot" | "eot" | "wb" | "nwb"> = {
          A: "bot",
          z: "eot",
          b: "wb",
          B: "nwb",
        };
        if (asserts[k]) {
          this.next();
          return { t: "assert", k: asserts[k] };
        }
        const cls = this.classEscape(start, f);
        if (cls) return { t: "char", test: cls };
        return literal(this.escape(start), f);
      }
      default:
        return literal(c, f);
    }
  }

  group(f: Flags, depth: number, start: number): Node | undefined {
    let name: string | undefined;
    if (this.lookingAt("?P<") || this.lookingAt("?<")) {
      this.pos += this.lookingAt("?P<") ? 3 : 2;
      const end = this.src.indexOf(">", this.pos);
      name = end < 0 ? "" : this.src.slice(this.pos, end);
      if (end < 0 || !/^\w+$/.test(name))
        perr("invalid named capture", this.src.slice(start, end < 0 ? undefined : end + 1));
      this.pos = end + 1;
    } else if (this.lookingAt("?")) {
      const m = /^\?([imsU]*)(?:-([imsU]*))?([:)])/.exec(this.src.slice(this.pos));
      if (!m || m[2] === "" || (m[1] === "" && m[2] === undefined && m[3] === ")"))
        return perr("invalid or unsupported Perl syntax", `(${this.src.slice(this.pos, this.pos + 2)}`);
      this.pos += m[0].length;
      const nf = { ...f };
      for (const x of m[1] ?? "") nf[x as keyof Flags] = true;
      for (const x of m[2] ?? "") nf[x as keyof Flags] = false;
      if (m[3] === ")") {
        Object.assign(f, nf); // flags for the rest of the enclosing group
        return undefined;
      }
      const sub = this.alternation(nf, depth + 1);
      this.close();
      return { t: "cat", subs: [sub] }; // a group, so that a following `*` is not "nested"
    }
    const n = ++this.ncap;
    this.names[n] = name ?? "";
    const sub = this.alternation(f, depth + 1);
    this.close();
    return { t: "cap", n, sub };
  }

  close(): void {
    if (this.peek() !== 0x29) perr("missing closing )", this.src);
    this.next();
  }

  /** `\d \s \w \pL \p{Greek}` and negations, or undefined when the escape is not a class. */
  classEscape(start: number, f: Flags): Pred | undefined {
    const k = String.fromCodePoint(this.peek());
    const lower = k.toLowerCase();
    if (PERL[lower] && (k === lower || PERL[k.toLowerCase()])) {
      this.next();
      const p = PERL[lower] as Pred;
      return k === lower ? p : (c) => !p(c);
    }
    if (k === "p" || k === "P") {
      this.next();
      let name: string;
      if (this.peek() === 0x7b) {
        const end = this.src.indexOf("}", this.pos);
        if (end < 0) perr("invalid character class range", this.src.slice(start));
        name = this.src.slice(this.pos + 1, end);
        this.pos = end + 1;
      } else {
        if (!this.more()) perr("invalid character class range", this.src.slice(start));
        name = String.fromCodePoint(this.next());
      }
      let neg = k === "P";
      if (name.startsWith("^")) {
        neg = !neg;
        name = name.slice(1);
      }
      const p0 = unicodeClass(name, this.src.slice(start, this.pos));
      const p = f.i ? folded(p0) : p0;
      return neg ? (c) => !p(c) : p;
    }
    return undefined;
  }

  /** A single-character escape after `\` (already consumed). */
  escape(start: number): number {
    if (!this.more()) perr("trailing backslash at end of expression", "");
    const c = this.next();
    const simple: Record<number, number> = { 97: 7, 102: 12, 116: 9, 110: 10, 114: 13, 118: 11 };
    if (simple[c] !== undefined) return simple[c] as number;
    if (c >= 0x30 && c <= 0x37) {
      // Octal: `\0`, or `\1`–`\7` followed by another octal digit (a lone `\1` is a backreference).
      if (c !== 0x30 && !/[0-7]/.test(this.src[this.pos] ?? ""))
        perr("invalid escape sequence", this.src.slice(start, this.pos));
      let v = c - 0x30;
      for (let i = 0; i < 2 && /[0-7]/.test(this.src[this.pos] ?? ""); i++) v = v * 8 + (this.next() - 0x30);
      return v;
    }
    if (c === 0x78) {
      const m = /^(?:\{([0-9A-Fa-f]+)\}|([0-9A-Fa-f]{2}))/.exec(this.src.slice(this.pos));
      const v = m ? Number.parseInt((m[1] ?? m[2]) as string, 16) : -1;
      if (!m || v > 0x10ffff)
        perr("invalid escape sequence", this.src.slice(start, this.pos + (m?.[0].length ?? 0)));
      this.pos += (m as RegExpExecArray)[0].length;
      return v;
    }
    if (c < 0x80 && /[!-/:-@[-`{-~]/.test(String.fromCharCode(c))) return c;
    return perr("invalid escape sequence", this.src.slice(start, this.pos));
  }

  charClass(f: Flags, start: number): Node {
    const preds: Pred[] = [];
    let neg = false;
    if (this.peek() === 0x5e) {
      this.next();
      neg = true;
    }
    let first = true;
    while (true) {
      if (!this.more()) perr("missing closing ]", this.src.slice(start));
      if (this.peek() === 0x5d && !first) break;
      first = false;
      const posix = /^\[:(\^?)([a-z]+):\]/.exec(this.src.slice(this.pos, this.pos + 12));
      if (posix) {
        const p = POSIX[posix[2] as string];
        if (!p) perr("invalid character class range", posix[0]);
        this.pos += posix[0].length;
        preds.push(posix[1] ? (c) => !(p as Pred)(c) : (p as Pred));
        continue;
      }
      const itemStart = this.pos;
      if (this.peek() === 0x5c) {
        this.next();
        const cls = this.classEscape(itemStart, f);
        if (cls) {
          preds.push(cls);
          continue;
        }
      }
      const lo = this.src[itemStart] === "\\" ? this.escape(itemStart) : this.next();
      let hi = lo;
      if (this.peek() === 0x2d && this.src[this.pos + 1] !== "]" && this.pos + 1 < this.src.length) {
        this.next();
        const hs = this.pos;
        if (this.peek() === 0x5c) this.next();
        hi = this.src[hs] === "\\" ? this.escape(hs) : this.next();
        if (hi < lo) perr("invalid character class range", this.src.slice(itemStart, this.pos));
      }
      preds.push((c) => c >= lo && c <= hi);
    }
    this.next();
    const any: Pred = (c) => preds.some((p) => p(c));
    const p = f.i ? folded(any) : any;
    return { t: "char", test: neg ? (c) => !p(c) : p };
  }
}

function literal(c: number, f: Flags): Node {
  if (!f.i) return { t: "char", test: (x) => x === c };
  const set = foldSet(c);
  return { t: "char", test: (x) => set.includes(x) };
}
const seq = (nodes: Node[]): Node =>
  nodes.length === 0 ? { t: "empty" } : nodes.length === 1 ? (nodes[0] as Node) : { t: "cat", subs: nodes };
