import { GoError } from "../values.ts";
import { isWord, type Node, Parser, type Pred } from "./regex-parse.ts";

/**
 * Go's RE2 semantics for Sprig's regex functions (regex.ts) and semver.ts. JS RegExp is a
 * backtracking engine: a template author could hang the webhook with `(a+)+$`, and its syntax and
 * matching rules differ from RE2 in many small ways (`\s`, `.`, `$`, `(?P<n>`, empty matches in
 * FindAll). So the pattern is parsed as RE2 (regex-parse.ts) and run on a Pike VM (a Thompson NFA with
 * leftmost-first thread priority, as Go's regexp), which is linear in the input. Work is bounded
 * anyway, because the product of input and program size can still be large: see REGEX_LIMITS.
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

export interface Budget {
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

export function all(re: Regexp, s: string, n: number, budget: Budget): number[][] {
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

export function replaceAll(re: Regexp, src: string, repl: (m: number[]) => string, budget: Budget): string {
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

export function split(re: Regexp, s: string, n: number, budget: Budget): string[] {
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
