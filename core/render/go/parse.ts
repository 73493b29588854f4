/**
 * The parser of Go's text/template (src/text/template/parse/parse.go and node.go, Go 1.25): the same
 * grammar, the same scoping of variables, the same parse-time function check and the same error
 * messages, `template: NAME:LINE: ...`. Each call parses one text into its main tree and the trees
 * its `define`s and `block`s name, so a definition is visible only inside the text it came from.
 *
 * Pure; throws only ParseError, which template.ts turns into a Result.
 */

import type { BuiltinSpec } from "./builtins.ts";
import { quote } from "./fmt.ts";
import {
  isKeyword,
  LiteralError,
  lex,
  type NumberLiteral,
  parseNumber,
  type Token,
  unquoteString,
} from "./lex.ts";
import type { FieldDesc, GoFunc, GoType, Method } from "./values.ts";

// ---------------------------------------------------------------------------------------------------
// Nodes

/**
 * What one name of a field chain resolved to on the receiver type it last met. Types are built once
 * and never change, so a chain that reads the same struct on every render looks its name up once.
 */
export interface FieldSlot {
  type: GoType | undefined;
  method: Method | undefined;
  field: FieldDesc | undefined;
}

/** One empty slot per name of a chain. */
export const slotsFor = (names: string[]): FieldSlot[] =>
  names.map(() => ({ type: undefined, method: undefined, field: undefined }));

export interface FieldNode {
  kind: "field";
  pos: number;
  ident: string[];
  slots: FieldSlot[];
}
export interface VariableNode {
  kind: "variable";
  pos: number;
  ident: string[];
  slots: FieldSlot[];
}
export interface ChainNode {
  kind: "chain";
  pos: number;
  node: Arg;
  field: string[];
  slots: FieldSlot[];
}
export interface IdentifierNode {
  kind: "identifier";
  pos: number;
  name: string;
  /** Resolved when parsed: the function map's entry, else Go's built-in of that name. */
  fn: GoFunc;
  builtin: boolean;
  /** A built-in's arity and parameter kinds, resolved here so that no call looks them up by name. */
  spec: BuiltinSpec | undefined;
}
export interface DotNode {
  kind: "dot";
  pos: number;
}
export interface NilNode {
  kind: "nil";
  pos: number;
}
export interface BoolNode {
  kind: "bool";
  pos: number;
  value: boolean;
}
export interface NumberNode {
  kind: "number";
  pos: number;
  num: NumberLiteral;
}
export interface StringNode {
  kind: "string";
  pos: number;
  quoted: string;
  text: string;
}
export interface PipeNode {
  kind: "pipe";
  pos: number;
  isAssign: boolean;
  decl: VariableNode[];
  cmds: CommandNode[];
}
export interface CommandNode {
  kind: "command";
  pos: number;
  args: Arg[];
}
export type Arg =
  | FieldNode
  | VariableNode
  | ChainNode
  | IdentifierNode
  | DotNode
  | NilNode
  | BoolNode
  | NumberNode
  | StringNode
  | PipeNode;

export interface TextNode {
  kind: "text";
  pos: number;
  text: string;
}
export interface ActionNode {
  kind: "action";
  pos: number;
  pipe: PipeNode;
}
export interface BranchNode {
  kind: "if" | "with" | "range";
  pos: number;
  pipe: PipeNode;
  list: ListNode;
  elseList: ListNode | undefined;
}
export interface TemplateNode {
  kind: "template";
  pos: number;
  name: string;
  pipe: PipeNode | undefined;
}
export interface LoopNode {
  kind: "break" | "continue";
  pos: number;
}
export interface ListNode {
  kind: "list";
  pos: number;
  nodes: Node[];
}
export type Node = TextNode | ActionNode | BranchNode | TemplateNode | LoopNode | ListNode;

/** What itemList stops at. */
interface EndMark {
  kind: "end" | "else";
  pos: number;
}

export interface Tree {
  name: string;
  root: ListNode;
}

// ---------------------------------------------------------------------------------------------------
// Node text, as Go's String() methods write it (error contexts quote it)

export function nodeString(n: Arg | Node | CommandNode | EndMark): string {
  switch (n.kind) {
    case "field":
      return `.${n.ident.join(".")}`;
    case "variable":
      return n.ident.join(".");
    case "chain": {
      const head = n.node.kind === "pipe" ? `(${nodeString(n.node)})` : nodeString(n.node);
      return `${head}.${n.field.join(".")}`;
    }
    case "identifier":
      return n.name;
    case "dot":
      return ".";
    case "nil":
      return "nil";
    case "bool":
      return n.value ? "true" : "false";
    case "number":
      return n.num.text;
    case "string":
      return n.quoted;
    case "pipe": {
      let s = "";
      if (n.decl.length > 0) s = `${n.decl.map(nodeString).join(", ")}${n.isAssign ? " = " : " := "}`;
      return s + n.cmds.map(nodeString).join(" | ");
    }
    case "command":
      return n.args.map((a) => (a.kind === "pipe" ? `(${nodeString(a)})` : nodeString(a))).join(" ");
    case "text":
      return quote(n.text);
    case "action":
      return `{{${nodeString(n.pipe)}}}`;
    case "if":
    case "with":
    case "range": {
      const els = n.elseList ? `{{else}}${nodeString(n.elseList)}` : "";
      return `{{${n.kind} ${nodeString(n.pipe)}}}${nodeString(n.list)}${els}{{end}}`;
    }
    case "template":
      return n.pipe ? `{{template ${quote(n.name)} ${nodeString(n.pipe)}}}` : `{{template ${quote(n.name)}}}`;
    case "break":
    case "continue":
      return `{{${n.kind}}}`;
    case "list":
      return n.nodes.map(nodeString).join("");
    case "end":
    case "else":
      return `{{${n.kind}}}`;
  }
}

/** parse.IsEmptyTree: only space and comments. */
export function isEmptyTree(n: Node): boolean {
  if (n.kind === "list") return n.nodes.every(isEmptyTree);
  if (n.kind === "text") return n.text.trim() === "";
  return false;
}

/** 1-based line of a UTF-16 offset. */
export function lineAt(text: string, pos: number): number {
  let line = 1;
  for (let i = text.indexOf("\n"); i >= 0 && i < pos; i = text.indexOf("\n", i + 1)) line++;
  return line;
}

// ---------------------------------------------------------------------------------------------------
// The parser

export class ParseError extends Error {}

/** `%.10q...` for long token values, `%q` otherwise; keywords as `<if>`. */
function tokenString(t: Token): string {
  if (t.type === "eof") return "EOF";
  if (t.type === "error") return t.val;
  if (isKeyword(t.type)) return `<${t.val}>`;
  const runes = Array.from(t.val);
  if (runes.length > 10) return `${quote(runes.slice(0, 10).join(""))}...`;
  return quote(t.val);
}

export interface FuncLookup {
  get(name: string): { fn: GoFunc; builtin: boolean; spec?: BuiltinSpec } | undefined;
}

/** Parses `text` as the template `name`; returns every tree the text defines, the main one included. */
export function parseTrees(name: string, text: string, funcs: FuncLookup): Map<string, Tree> {
  const p = new Parser(name, text, funcs);
  return p.parseAll();
}

class Parser {
  private readonly tokens: Token[];
  private i = 0;
  /** Furthest token read: Go reports the line of the latest token it lexed. */
  private seen = 0;
  private vars: string[] = ["$"];
  private rangeDepth = 0;
  /** Where the action being parsed starts (its line only matters in an error: counted then). */
  private actionPos: number | undefined;
  private readonly treeSet = new Map<string, Tree>();

  constructor(
    private readonly name: string,
    private readonly text: string,
    private readonly funcs: FuncLookup,
  ) {
    this.tokens = lex(text, { breakOK: !funcs.get("break"), continueOK: !funcs.get("continue") });
  }

  parseAll(): Map<string, Tree> {
    const root = this.list(this.peek().pos);
    while (this.peek().type !== "eof") {
      if (this.peek().type === "leftDelim") {
        const mark = this.i;
        this.next();
        if (this.nextNonSpace().type === "define") {
          this.parseDefinition();
          continue;
        }
        this.i = mark;
      }
      const n = this.textOrAction();
      if (n.kind === "end" || n.kind === "else") this.errorf(`unexpected ${nodeString(n)}`);
      root.nodes.push(n as Node);
    }
    this.add({ name: this.name, root });
    return this.treeSet;
  }

  // Tokens --------------------------------------------------------------------------------------

  private tok(at: number): Token {
    // The lexer always ends with eof or error; reading past it repeats the last token.
    const t = this.tokens[Math.min(at, this.tokens.length - 1)] as Token;
    if (at > this.seen) this.seen = Math.min(at, this.tokens.length - 1);
    return t;
  }
  private next(): Token {
    return this.tok(this.i++);
  }
  private peek(): Token {
    return this.tok(this.i);
  }
  private backup(): void {
    this.i--;
  }
  private nextNonSpace(): Token {
    let t = this.next();
    while (t.type === "space") t = this.next();
    return t;
  }
  private peekNonSpace(): Token {
    const t = this.nextNonSpace();
    this.backup();
    return t;
  }

  private errorf(msg: string): never {
    const t = this.tokens[this.seen] as Token;
    throw new ParseError(`template: ${this.name}:${lineAt(this.text, t.pos)}: ${msg}`);
  }
  private unexpected(t: Token, context: string): never {
    if (t.type === "error") {
      let extra = "";
      const line = lineAt(this.text, t.pos);
      const actionLine = this.actionPos === undefined ? 0 : lineAt(this.text, this.actionPos);
      if (actionLine !== 0 && actionLine !== line) {
        extra = ` in action started at ${this.name}:${actionLine}`;
        if (t.val.endsWith(" action")) extra = extra.slice(" in action".length);
      }
      this.errorf(`${t.val}${extra}`);
    }
    this.errorf(`unexpected ${tokenString(t)} in ${context}`);
  }
  private expect(type: Token["type"], context: string): Token {
    const t = this.nextNonSpace();
    if (t.type !== type) this.unexpected(t, context);
    return t;
  }

  private list(pos: number): ListNode {
    return { kind: "list", pos, nodes: [] };
  }

  private add(tree: Tree): void {
    const existing = this.treeSet.get(tree.name);
    if (!existing || isEmptyTree(existing.root)) {
      this.treeSet.set(tree.name, tree);
      return;
    }
    if (!isEmptyTree(tree.root)) this.errorf(`template: multiple definition of template ${quote(tree.name)}`);
  }

  /** A nested tree (define, block): its own variables and loop depth, the same tokens. */
  private nested<T>(f: () => T): T {
    const [vars, depth] = [this.vars, this.rangeDepth];
    this.vars = ["$"];
    this.rangeDepth = 0;
    try {
      return f();
    } finally {
      this.vars = vars;
      this.rangeDepth = depth;
    }
  }

  private parseDefinition(): void {
    const context = "define clause";
    const t = this.nextNonSpace();
    if (t.type !== "string" && t.type !== "rawString") this.unexpected(t, context);
    const name = this.unquote(t.val);
    this.expect("rightDelim", context);
    this.nested(() => {
      const [root, end] = this.itemList();
      if (end.kind !== "end") this.errorf(`unexpected ${nodeString(end)} in ${context}`);
      this.add({ name, root });
    });
  }

  private itemList(): [ListNode, EndMark] {
    const list = this.list(this.peekNonSpace().pos);
    while (this.peekNonSpace().type !== "eof") {
      const n = this.textOrAction();
      if (n.kind === "end" || n.kind === "else") return [list, n as EndMark];
      list.nodes.push(n as Node);
    }
    this.errorf("unexpected EOF");
  }

  private textOrAction(): Node | EndMark {
    const t = this.nextNonSpace();
    if (t.type === "text") return { kind: "text", pos: t.pos, text: t.val };
    if (t.type === "leftDelim") {
      this.actionPos = t.pos;
      try {
        return this.action();
      } finally {
        this.actionPos = undefined;
      }
    }
    this.unexpected(t, "input");
  }

  private action(): Node | EndMark {
    const t = this.nextNonSpace();
    switch (t.type) {
      case "block":
        return this.blockControl();
      case "break":
      case "continue":
        return this.loopControl(t);
      case "else":
        return this.elseControl();
      case "end":
        return { kind: "end", pos: this.expect("rightDelim", "end").pos };
      case "if":
      case "with":
      case "range":
        return this.branch(t.type);
      case "template":
        return this.templateControl();
    }
    this.backup();
    const pos = this.peek().pos;
    return { kind: "action", pos, pipe: this.pipeline("command", "rightDelim") };
  }

  private loopControl(t: Token): LoopNode {
    const kind = t.type as "break" | "continue";
    const after = this.nextNonSpace();
    if (after.type !== "rightDelim") this.unexpected(after, `{{${kind}}}`);
    if (this.rangeDepth === 0) this.errorf(`{{${kind}}} outside {{range}}`);
    return { kind, pos: t.pos };
  }

  private elseControl(): EndMark {
    const peek = this.peekNonSpace();
    // `{{else if …}}` / `{{else with …}}` leave the keyword for the enclosing control to read.
    if (peek.type === "if" || peek.type === "with") return { kind: "else", pos: peek.pos };
    return { kind: "else", pos: this.expect("rightDelim", "else").pos };
  }

  private branch(kind: "if" | "with" | "range"): BranchNode {
    const mark = this.vars.length;
    try {
      const pipe = this.pipeline(kind, "rightDelim");
      if (kind === "range") this.rangeDepth++;
      const [list, next] = this.itemList();
      if (kind === "range") this.rangeDepth--;
      let elseList: ListNode | undefined;
      if (next.kind === "else") {
        const p = this.peek();
        if ((kind === "if" && p.type === "if") || (kind === "with" && p.type === "with")) {
          this.next();
          elseList = this.list(next.pos);
          elseList.nodes.push(this.branch(kind));
        } else {
          const [els, end] = this.itemList();
          if (end.kind !== "end") this.errorf(`expected end; found ${nodeString(end)}`);
          elseList = els;
        }
      }
      return { kind, pos: pipe.pos, pipe, list, elseList };
    } finally {
      this.vars.length = mark;
    }
  }

  private templateName(t: Token, context: string): string {
    if (t.type !== "string" && t.type !== "rawString") this.unexpected(t, context);
    return this.unquote(t.val);
  }

  private templateControl(): TemplateNode {
    const context = "template clause";
    const t = this.nextNonSpace();
    const name = this.templateName(t, context);
    let pipe: PipeNode | undefined;
    if (this.nextNonSpace().type !== "rightDelim") {
      this.backup();
      pipe = this.pipeline(context, "rightDelim");
    }
    return { kind: "template", pos: t.pos, name, pipe };
  }

  private blockControl(): TemplateNode {
    const context = "block clause";
    const t = this.nextNonSpace();
    const name = this.templateName(t, context);
    const pipe = this.pipeline(context, "rightDelim");
    this.nested(() => {
      const [root, end] = this.itemList();
      if (end.kind !== "end") this.errorf(`unexpected ${nodeString(end)} in ${context}`);
      this.add({ name, root });
    });
    return { kind: "template", pos: t.pos, name, pipe };
  }

  private pipeline(context: string, end: "rightDelim" | "rightParen"): PipeNode {
    const pipe: PipeNode = {
      kind: "pipe",
      pos: this.peekNonSpace().pos,
      isAssign: false,
      decl: [],
      cmds: [],
    };
    for (;;) {
      const v = this.peekNonSpace();
      if (v.type !== "variable") break;
      const at = this.i;
      this.next();
      const after = this.peek();
      const nxt = this.peekNonSpace();
      if (nxt.type === "assign" || nxt.type === "declare") {
        pipe.isAssign = nxt.type === "assign";
        this.nextNonSpace();
        pipe.decl.push(this.variable(v.pos, v.val));
        this.vars.push(v.val);
      } else if (nxt.type === "char" && nxt.val === ",") {
        this.nextNonSpace();
        pipe.decl.push(this.variable(v.pos, v.val));
        this.vars.push(v.val);
        if (context === "range" && pipe.decl.length < 2) {
          const t = this.peekNonSpace().type;
          if (t === "variable" || t === "rightDelim" || t === "rightParen") continue;
          this.errorf("range can only initialize variables");
        }
        this.errorf(`too many declarations in ${context}`);
      } else {
        void after;
        this.i = at;
      }
      break;
    }
    for (;;) {
      const t = this.nextNonSpace();
      if (t.type === end) {
        if (pipe.cmds.length === 0) this.errorf(`missing value for ${context}`);
        for (let k = 1; k < pipe.cmds.length; k++) {
          const first = (pipe.cmds[k] as CommandNode).args[0] as Arg;
          const kd = first.kind;
          if (kd === "bool" || kd === "dot" || kd === "nil" || kd === "number" || kd === "string") {
            this.errorf(`non executable command in pipeline stage ${k + 1}`);
          }
        }
        return pipe;
      }
      switch (t.type) {
        case "bool":
        case "charConstant":
        case "complex":
        case "dot":
        case "field":
        case "identifier":
        case "number":
        case "nil":
        case "rawString":
        case "string":
        case "variable":
        case "leftParen":
          this.backup();
          pipe.cmds.push(this.command());
          break;
        default:
          this.unexpected(t, context);
      }
    }
  }

  private command(): CommandNode {
    const cmd: CommandNode = { kind: "command", pos: this.peekNonSpace().pos, args: [] };
    for (;;) {
      this.peekNonSpace();
      const operand = this.operand();
      if (operand) cmd.args.push(operand);
      const t = this.next();
      if (t.type === "space") continue;
      if (t.type === "rightDelim" || t.type === "rightParen") this.backup();
      else if (t.type !== "pipe") this.unexpected(t, "operand");
      break;
    }
    if (cmd.args.length === 0) this.errorf("empty command");
    return cmd;
  }

  private operand(): Arg | undefined {
    const node = this.term();
    if (!node || this.peek().type !== "field") return node;
    const pos = this.peek().pos;
    const fields: string[] = [];
    while (this.peek().type === "field") fields.push(this.next().val.slice(1));
    switch (node.kind) {
      case "field": {
        const ident = [...node.ident, ...fields];
        return { kind: "field", pos, ident, slots: slotsFor(ident) };
      }
      case "variable": {
        const ident = [...node.ident, ...fields];
        return { kind: "variable", pos, ident, slots: slotsFor(ident) };
      }
      case "bool":
      case "string":
      case "number":
      case "nil":
      case "dot":
        this.errorf(`unexpected . after term ${quote(nodeString(node))}`);
        break;
    }
    return { kind: "chain", pos, node, field: fields, slots: slotsFor(fields) };
  }

  private term(): Arg | undefined {
    const t = this.nextNonSpace();
    switch (t.type) {
      case "identifier": {
        const f = this.funcs.get(t.val);
        if (!f) this.errorf(`function ${quote(t.val)} not defined`);
        return { kind: "identifier", pos: t.pos, name: t.val, fn: f.fn, builtin: f.builtin, spec: f.spec };
      }
      case "dot":
        return { kind: "dot", pos: t.pos };
      case "nil":
        return { kind: "nil", pos: t.pos };
      case "variable": {
        const v = this.variable(t.pos, t.val);
        if (!this.vars.includes(v.ident[0] as string))
          this.errorf(`undefined variable ${quote(v.ident[0] as string)}`);
        return v;
      }
      case "field": {
        const ident = t.val.slice(1).split(".");
        return { kind: "field", pos: t.pos, ident, slots: slotsFor(ident) };
      }
      case "bool":
        return { kind: "bool", pos: t.pos, value: t.val === "true" };
      case "charConstant":
      case "complex":
      case "number":
        try {
          return { kind: "number", pos: t.pos, num: parseNumber(t.val, t.type) };
        } catch (e) {
          if (e instanceof LiteralError) this.errorf(e.message);
          throw e;
        }
      case "leftParen":
        return this.pipeline("parenthesized pipeline", "rightParen");
      case "string":
      case "rawString":
        return { kind: "string", pos: t.pos, quoted: t.val, text: this.unquote(t.val) };
    }
    this.backup();
    return undefined;
  }

  private variable(pos: number, name: string): VariableNode {
    const ident = name.split(".");
    return { kind: "variable", pos, ident, slots: slotsFor(ident) };
  }

  private unquote(s: string): string {
    try {
      return unquoteString(s);
    } catch (e) {
      if (e instanceof LiteralError) this.errorf(e.message);
      throw e;
    }
  }
}
