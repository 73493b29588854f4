import { argInt, argString } from "../args.ts";
import { GoError, type GoFunc, type GoValue } from "../values.ts";
import { arity, stringSlice } from "./misc.ts";

/**
 * Sprig's regex functions over Go's RE2 syntax and semantics. JS RegExp is a backtracking engine: a
 * template author could hang the webhook with `(a+)+$`, and its syntax and matching rules differ from
 * RE2 in many small ways (`\s`, `.`, `$`, `(?P<n>`, empty matches in FindAll). So the pattern is parsed
 * as RE2 and run on a Pike VM (a Thompson NFA with leftmost-first thread priority, as Go's regexp),
 * which is linear in the input. Work is bounded anyway, because the product of input and program size
 * can still be large: see LIMITS.
 */

export const REGEX_LIMITS = {
  /** Longest pattern accepted, in UTF-16 units. */
  patternLength: 4096,
  /** Largest compiled program (Go's own limit is in the millions; repetition counts multiply). */
  programSize: 20_000,
  /** Longest input accepted, in UTF-16 units. */
  inputLength: 256 * 1024,
  /** Thread steps one function call may take before it fails. */
  steps: 10_000_000,
};

// ---------------------------------------------------------------------------------------------------
// Parsing (RE2 syntax → AST)

type Pred = (c: number) => boolean;
type Node =
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

const quoteExpr = (s: string) => (/[`\p{Cc}]/u.test(s) ? JSON.stringify(s) : `\`${s}\``);
const perr = (code: string, arg: string): never => {
  throw new GoError(`error parsing regexp: ${code}: ${quoteExpr(arg)}`);
};

const isWord = (c: number) =>
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

class Parser {
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

// ---------------------------------------------------------------------------------------------------
// Compiling (AST → Pike VM program)

type Inst =
  | { op: "char"; test: Pred; out: number }
  | { op: "split"; x: number; y: number }
  | { op: "jmp"; x: number }
  | { op: "save"; n: number; out: number }
  | { op: "assert"; k: "bol" | "eol" | "bot" | "eot" | "wb" | "nwb"; out: number }
  | { op: "match" };

class Compiler {
  prog: Inst[] = [];
  emit(i: Inst): number {
    if (this.prog.length >= REGEX_LIMITS.programSize)
      throw new GoError("error parsing regexp: expression too large");
    this.prog.push(i);
    return this.prog.length - 1;
  }
  /** Emits `n`; returns the indexes whose `out`/`x`/`y` = -1 must be patched to what follows. */
  c(n: Node): void {
    switch (n.t) {
      case "empty":
        return;
      case "char":
        this.emit({ op: "char", test: n.test, out: this.prog.length + 1 });
        return;
      case "assert":
        this.emit({ op: "assert", k: n.k, out: this.prog.length + 1 });
        return;
      case "cat":
        for (const s of n.subs) this.c(s);
        return;
      case "cap":
        this.emit({ op: "save", n: 2 * n.n, out: this.prog.length + 1 });
        this.c(n.sub);
        this.emit({ op: "save", n: 2 * n.n + 1, out: this.prog.length + 1 });
        return;
      case "alt": {
        const jumps: Inst[] = [];
        n.subs.forEach((s, idx) => {
          if (idx < n.subs.length - 1) {
            const split = { op: "split", x: this.prog.length + 1, y: -1 } as Inst & { op: "split" };
            this.emit(split);
            this.c(s);
            const j = { op: "jmp", x: -1 } as Inst & { op: "jmp" };
            this.emit(j);
            jumps.push(j);
            split.y = this.prog.length;
          } else this.c(s);
        });
        for (const j of jumps) (j as { x: number }).x = this.prog.length;
        return;
      }
      case "rep": {
        for (let k = 0; k < n.min; k++) this.c(n.sub);
        if (n.max < 0) {
          const loop = this.prog.length;
          const split = { op: "split", x: -1, y: -1 } as Inst & { op: "split" };
          this.emit(split);
          this.c(n.sub);
          this.emit({ op: "jmp", x: loop });
          if (n.greedy) [split.x, split.y] = [loop + 1, this.prog.length];
          else [split.x, split.y] = [this.prog.length, loop + 1];
          return;
        }
        const splits: (Inst & { op: "split" })[] = [];
        for (let k = n.min; k < n.max; k++) {
          const split = { op: "split", x: -1, y: -1 } as Inst & { op: "split" };
          const at = this.emit(split);
          splits.push(split);
          this.c(n.sub);
          if (n.greedy) split.x = at + 1;
          else split.y = at + 1;
        }
        for (const s of splits) {
          if (n.greedy) s.y = this.prog.length;
          else s.x = this.prog.length;
        }
      }
    }
  }
}

export interface Regexp {
  expr: string;
  prog: Inst[];
  ncap: number;
  names: string[];
}

export function compileRegexp(expr: string): Regexp {
  if (expr.length > REGEX_LIMITS.patternLength)
    throw new GoError(
      `regular expression longer than Outrigger's limit of ${REGEX_LIMITS.patternLength} characters`,
    );
  const p = new Parser(expr);
  const ast = p.parse();
  const comp = new Compiler();
  comp.c({ t: "cap", n: 0, sub: ast });
  comp.emit({ op: "match" });
  return { expr, prog: comp.prog, ncap: p.ncap, names: p.names };
}

// ---------------------------------------------------------------------------------------------------
// Matching

interface Budget {
  steps: number;
}

const cpAt = (s: string, i: number): number => (i < s.length ? (s.codePointAt(i) as number) : -1);
const cpBefore = (s: string, i: number): number => {
  if (i <= 0) return -1;
  const c = s.charCodeAt(i - 1);
  if (c >= 0xdc00 && c <= 0xdfff && i >= 2) {
    const h = s.charCodeAt(i - 2);
    if (h >= 0xd800 && h <= 0xdbff) return s.codePointAt(i - 2) as number;
  }
  return c;
};
const width = (c: number) => (c > 0xffff ? 2 : 1);

function assertOk(k: string, s: string, i: number): boolean {
  const before = cpBefore(s, i);
  const after = cpAt(s, i);
  switch (k) {
    case "bot":
      return i === 0;
    case "eot":
      return i === s.length;
    case "bol":
      return i === 0 || before === 10;
    case "eol":
      return i === s.length || after === 10;
    default: {
      const wb = isWord(before) !== isWord(after);
      return k === "wb" ? wb : !wb;
    }
  }
}

/** Leftmost-first match starting the search at `from`; the capture positions, or undefined. */
export function execRegexp(re: Regexp, s: string, from: number, budget: Budget): number[] | undefined {
  const prog = re.prog;
  const ncap = 2 * (re.ncap + 1);
  // Thread lists and the DFS stack as parallel arrays: this loop is the hot path.
  let cpc: number[] = [];
  let ccaps: number[][] = [];
  let npc: number[] = [];
  let ncaps: number[][] = [];
  const mark = new Int32Array(prog.length).fill(-1);
  let gen = 0;
  let matched: number[] | undefined;
  const spc: number[] = [];
  const scaps: number[][] = [];

  // Follows empty transitions depth-first in priority order, with an explicit stack: a long chain
  // of `a?` would overflow the JS call stack if this recursed.
  const add = (lpc: number[], lcaps: number[][], pc0: number, caps0: number[], i: number): void => {
    spc.push(pc0);
    scaps.push(caps0);
    while (spc.length > 0) {
      const pc = spc.pop() as number;
      const caps = scaps.pop() as number[];
      if (mark[pc] === gen) continue;
      mark[pc] = gen;
      if (--budget.steps < 0)
        throw new GoError("regular expression work limit exceeded (the input is too long for this pattern)");
      const inst = prog[pc] as Inst;
      switch (inst.op) {
        case "jmp":
          spc.push(inst.x);
          scaps.push(caps);
          break;
        case "split":
          spc.push(inst.y, inst.x);
          scaps.push(caps, caps);
          break;
        case "save": {
          const c = caps.slice();
          c[inst.n] = i;
          spc.push(inst.out);
          scaps.push(c);
          break;
        }
        case "assert":
          if (assertOk(inst.k, s, i)) {
            spc.push(inst.out);
            scaps.push(caps);
          }
          break;
        default:
          lpc.push(pc);
          lcaps.push(caps);
      }
    }
  };

  const empty = new Array<number>(ncap).fill(-1);
  for (let i = from; ; ) {
    // The current list's generation is `gen`: threads carried over from the previous step were marked with it.
    if (!matched) add(cpc, ccaps, 0, empty, i);
    else if (cpc.length === 0) break; // nothing left that could beat the match
    const c = cpAt(s, i);
    const next = i + (c < 0 ? 1 : width(c));
    gen++;
    for (let t = 0; t < cpc.length; t++) {
      const inst = prog[cpc[t] as number] as Inst;
      if (inst.op === "match") {
        matched = ccaps[t];
        break; // lower-priority threads lose to this match
      }
      if (inst.op === "char" && c >= 0 && inst.test(c)) add(npc, ncaps, inst.out, ccaps[t] as number[], next);
    }
    if (c < 0) break;
    [cpc, npc] = [npc, cpc];
    [ccaps, ncaps] = [ncaps, ccaps];
    npc.length = 0;
    ncaps.length = 0;
    i = next;
  }
  return matched;
}

// ---------------------------------------------------------------------------------------------------
// Go's regexp API on top

function all(re: Regexp, s: string, n: number, budget: Budget): number[][] {
  const out: number[][] = [];
  if (n < 0) n = s.length + 1;
  for (let pos = 0, prevEnd = -1; out.length < n && pos <= s.length; ) {
    const m = execRegexp(re, s, pos, budget);
    if (!m) break;
    const [a, b] = m as [number, number];
    let accept = true;
    if (b === pos) {
      if (a === prevEnd) accept = false;
      pos += pos < s.length ? width(cpAt(s, pos)) : 1;
    } else pos = b;
    prevEnd = b;
    if (accept) out.push(m);
  }
  return out;
}

/** Go's Regexp.Expand of `$1`, `${1}`, `$name`, `${name}`, `$$`. */
export function expand(re: Regexp, template: string, s: string, m: number[]): string {
  let out = "";
  let t = template;
  while (true) {
    const i = t.indexOf("$");
    if (i < 0) break;
    out += t.slice(0, i);
    t = t.slice(i + 1);
    if (t.startsWith("$")) {
      out += "$";
      t = t.slice(1);
      continue;
    }
    const x = /^(?:\{([\p{L}\p{Nd}_]+)\}|([\p{L}\p{Nd}_]+))/u.exec(t);
    if (!x) {
      out += "$";
      continue;
    }
    const name = (x[1] ?? x[2]) as string;
    t = t.slice(x[0].length);
    let idx =
      /^[0-9]+$/.test(name) && !(name.length > 1 && name[0] === "0") && name.length < 10 ? Number(name) : -1;
    if (idx < 0) idx = re.names.indexOf(name, 1);
    if (idx >= 0 && 2 * idx + 1 < m.length && (m[2 * idx] as number) >= 0)
      out += s.slice(m[2 * idx], m[2 * idx + 1]);
  }
  return out + t;
}

function replaceAll(re: Regexp, src: string, repl: (m: number[]) => string, budget: Budget): string {
  let out = "";
  let last = 0;
  for (let pos = 0; pos <= src.length; ) {
    const m = execRegexp(re, src, pos, budget);
    if (!m) break;
    const [a, b] = m as [number, number];
    out += src.slice(last, a);
    if (b > last || a === 0) out += repl(m);
    last = b;
    const w = pos < src.length ? width(cpAt(src, pos)) : 1;
    pos = Math.max(pos + w, b);
  }
  return out + src.slice(last);
}

function split(re: Regexp, s: string, n: number, budget: Budget): string[] {
  if (n === 0) return [];
  if (re.expr.length > 0 && s.length === 0) return [""];
  const out: string[] = [];
  let beg = 0;
  let end = 0;
  for (const m of all(re, s, n, budget)) {
    if (n > 0 && out.length === n - 1) break;
    end = m[0] as number;
    if (m[1] !== 0) out.push(s.slice(beg, end));
    beg = m[1] as number;
  }
  if (end !== s.length) out.push(s.slice(beg));
  return out;
}

export function quoteMeta(s: string): string {
  return s.replace(/[\\.+*?()|[\]{}^$]/g, "\\$&");
}

// ---------------------------------------------------------------------------------------------------
// The template functions

function input(v: GoValue, fn: string): string {
  const s = argString(v, fn);
  if (s.length > REGEX_LIMITS.inputLength)
    throw new GoError(`${fn}: input longer than Outrigger's limit of ${REGEX_LIMITS.inputLength} characters`);
  return s;
}

/** MustCompile's panic message, which text/template reports for the non-must variants. */
function mustCompile(expr: string): Regexp {
  try {
    return compileRegexp(expr);
  } catch (e) {
    throw new GoError(`regexp: Compile(${quoteExpr(expr)}): ${(e as Error).message}`);
  }
}

const budget = (): Budget => ({ steps: REGEX_LIMITS.steps });

function pair(
  name: string,
  strict: boolean,
  body: (re: Regexp, args: GoValue[]) => GoValue,
  n: number,
): GoFunc {
  return (...args) => {
    arity(name, args, n);
    const expr = argString(args[0], name);
    return body(strict ? compileRegexp(expr) : mustCompile(expr), args);
  };
}

function family(
  name: string,
  n: number,
  body: (re: Regexp, args: GoValue[], fn: string) => GoValue,
): Record<string, GoFunc> {
  const must = `must${name[0]?.toUpperCase()}${name.slice(1)}`;
  return {
    [name]: pair(name, false, (re, a) => body(re, a, name), n),
    [must]: pair(must, true, (re, a) => body(re, a, must), n),
  };
}

export const regexFuncs: Record<string, GoFunc> = {
  ...family("regexFindAll", 3, (re, a, fn) => {
    const s = input(a[1], fn);
    return stringSlice(all(re, s, argInt(a[2], fn), budget()).map((m) => s.slice(m[0], m[1])));
  }),
  ...family("regexFind", 2, (re, a, fn) => {
    const s = input(a[1], fn);
    const m = execRegexp(re, s, 0, budget());
    return m ? s.slice(m[0], m[1]) : "";
  }),
  ...family("regexReplaceAll", 3, (re, a, fn) => {
    const s = input(a[1], fn);
    const t = argString(a[2], fn);
    return replaceAll(re, s, (m) => expand(re, t, s, m), budget());
  }),
  ...family("regexReplaceAllLiteral", 3, (re, a, fn) => {
    const t = argString(a[2], fn);
    return replaceAll(re, input(a[1], fn), () => t, budget());
  }),
  ...family("regexSplit", 3, (re, a, fn) =>
    stringSlice(split(re, input(a[1], fn), argInt(a[2], fn), budget())),
  ),
  ...family("regexMatch", 2, (re, a, fn) => execRegexp(re, input(a[1], fn), 0, budget()) !== undefined),
  regexQuoteMeta: (...args) => {
    arity("regexQuoteMeta", args, 1);
    return quoteMeta(argString(args[0], "regexQuoteMeta"));
  },
};

// regexMatch ignores a compile error (Go's `match, _ := regexp.MatchString`): false, not an error.
regexFuncs.regexMatch = (...args) => {
  arity("regexMatch", args, 2);
  const expr = argString(args[0], "regexMatch");
  const s = input(args[1], "regexMatch");
  let re: Regexp;
  try {
    re = compileRegexp(expr);
  } catch (e) {
    // Outrigger's own limits are not Go errors: they surface, so a pattern never silently stops matching.
    if (
      e instanceof GoError &&
      e.message.startsWith("error parsing regexp") &&
      !e.message.includes("too large")
    )
      return false;
    throw e;
  }
  return execRegexp(re, s, 0, budget()) !== undefined;
};
