/**
 * The executor of Go's text/template (src/text/template/exec.go, Go 1.25) over the shared value
 * model: field and method lookup, pipelines, variables and their scopes, if/with/range/template,
 * break/continue, and Go's error messages with their `NAME:LINE:COL` and `<context>`.
 *
 * Go keeps the static type of a value read out of a `map[string]any` (or a `[]any` being ranged):
 * it is an interface until a pipeline unwraps it. That matters for two messages, so the executor
 * tracks it beside the value: a field of such a value is reported `in type interface {}`, and one
 * of a nil such value is `nil pointer evaluating interface {}.X` (a JSON null), while a field of the
 * invalid value (a missing key) is silently the invalid value.
 *
 * Never throws out of `execute`: errors come back as Go's message.
 */

import { type BuiltinSpec, type ParamKind, printable } from "./builtins.ts";
import { formatV, typeString } from "./fmt.ts";
import {
  type Arg,
  type BranchNode,
  type ChainNode,
  type CommandNode,
  type FieldSlot,
  type IdentifierNode,
  lineAt,
  type Node,
  type NumberNode,
  nodeString,
  type PipeNode,
  type TemplateNode,
  type Tree,
  type VariableNode,
} from "./parse.ts";
import {
  deref,
  enumNumber,
  type FieldDesc,
  fromJSON,
  GoArgError,
  GoError,
  type GoFunc,
  type GoType,
  type GoValue,
  isNilTyped,
  isPlainMap,
  isTrue,
  type Method,
  mapEntries,
  sliceElems,
  structField,
  Typed,
  typed,
} from "./values.ts";

export interface Limits {
  maxSteps: number;
  maxOutputBytes: number;
  maxDepth: number;
}

export interface Program {
  /** The parse name: Go's locations say `template: NAME:LINE:COL`. */
  name: string;
  text: string;
  trees: ReadonlyMap<string, Tree>;
}

/** An execution error, already in Go's words. */
class ExecError extends Error {}

/** Go's argument checks that happen before a call: their messages are not wrapped. */
const PRECALL =
  /^(wrong number of args for |invalid value; expected |wrong type for value; expected |expected \w+; found |cannot assign nil to )/;

const NO_ARGS: Arg[] = [];
const BREAK = 1;
const CONTINUE = 2;

export function execute(
  prog: Program,
  data: GoValue,
  limits: Limits,
): { ok: true; value: string } | { ok: false; error: string } {
  const s = new State(prog, limits);
  try {
    const tree = prog.trees.get(prog.name);
    if (!tree)
      return {
        ok: false,
        error: `template: ${prog.name}: ${goQuote(prog.name)} is an incomplete or empty template`,
      };
    s.vars.push("$");
    s.vals.push(data);
    s.ifaces.push(false);
    s.walk(data, false, tree.root);
    return { ok: true, value: s.out };
  } catch (e) {
    if (e instanceof ExecError) return { ok: false, error: e.message };
    if (e instanceof RangeError) {
      return {
        ok: false,
        error: `template: ${prog.name}: execution nested too deeply (JavaScript stack exhausted)`,
      };
    }
    return {
      ok: false,
      error: `template: ${prog.name}: internal error: ${e instanceof Error ? e.message : String(e)}`,
    };
  }
}

function goQuote(s: string): string {
  return JSON.stringify(s);
}

class State {
  out = "";
  vars: string[] = [];
  vals: GoValue[] = [];
  ifaces: boolean[] = [];
  /** The node being evaluated, for error locations. */
  node: Arg | Node | CommandNode | undefined;
  treeName: string;
  depth = 0;
  steps = 0;
  /** Side result of evalField: whether the value it returned is statically an interface. */
  lastIface = false;

  constructor(
    readonly prog: Program,
    readonly limits: Limits,
  ) {
    this.treeName = prog.name;
  }

  // Errors --------------------------------------------------------------------------------------

  at(node: Arg | Node | CommandNode): void {
    this.node = node;
  }

  errorf(msg: string): never {
    const name = this.treeName;
    if (!this.node) throw new ExecError(`template: ${name}: ${msg}`);
    const text = this.prog.text;
    const pos = this.node.pos;
    const lineStart = text.lastIndexOf("\n", pos - 1) + 1;
    const col = Buffer.byteLength(text.slice(lineStart, pos), "utf8");
    let context = nodeString(this.node);
    const runes = Array.from(context);
    if (runes.length > 20) context = `${runes.slice(0, 20).join("")}...`;
    const loc = `${this.prog.name}:${lineAt(text, pos)}:${col}`;
    throw new ExecError(`template: ${loc}: executing ${goQuote(name)} at <${context}>: ${msg}`);
  }

  step(): void {
    if (++this.steps > this.limits.maxSteps) {
      this.errorf(`exceeded the limit of ${this.limits.maxSteps} execution steps`);
    }
  }

  write(s: string): void {
    this.out += s;
    if (this.out.length > this.limits.maxOutputBytes) {
      this.errorf(`output exceeds the limit of ${this.limits.maxOutputBytes} bytes`);
    }
  }

  // Variables -----------------------------------------------------------------------------------

  push(name: string, v: GoValue, iface: boolean): void {
    this.vars.push(name);
    this.vals.push(v);
    this.ifaces.push(iface);
  }
  pop(mark: number): void {
    // Most scopes declare nothing; setting an array's length is not free even when it is unchanged.
    if (this.vars.length === mark) return;
    this.vars.length = mark;
    this.vals.length = mark;
    this.ifaces.length = mark;
  }
  varIndex(name: string): number {
    for (let i = this.vars.length - 1; i >= 0; i--) if (this.vars[i] === name) return i;
    this.errorf(`undefined variable: ${name}`);
  }
  setVar(name: string, v: GoValue, iface: boolean): void {
    const i = this.varIndex(name);
    this.vals[i] = v;
    this.ifaces[i] = iface;
  }

  // Walking -------------------------------------------------------------------------------------

  /** Returns BREAK or CONTINUE when a loop control unwinds to its range, else 0. */
  walk(dot: GoValue, dotIface: boolean, node: Node): number {
    this.at(node);
    this.step();
    switch (node.kind) {
      case "text":
        this.write(node.text);
        return 0;
      case "action": {
        const v = this.evalPipeline(dot, dotIface, node.pipe);
        if (node.pipe.decl.length === 0) this.printValue(node, v);
        return 0;
      }
      case "list":
        for (const n of node.nodes) {
          const r = this.walk(dot, dotIface, n);
          if (r !== 0) return r;
        }
        return 0;
      case "if":
      case "with":
        return this.walkIfOrWith(dot, dotIface, node);
      case "range":
        return this.walkRange(dot, dotIface, node);
      case "template":
        this.walkTemplate(dot, dotIface, node);
        return 0;
      case "break":
        return BREAK;
      case "continue":
        return CONTINUE;
    }
  }

  walkIfOrWith(dot: GoValue, dotIface: boolean, node: BranchNode): number {
    const mark = this.vars.length;
    const v = this.evalPipeline(dot, dotIface, node.pipe);
    let r = 0;
    if (isTrue(v))
      r = node.kind === "with" ? this.walk(v, false, node.list) : this.walk(dot, dotIface, node.list);
    else if (node.elseList) r = this.walk(dot, dotIface, node.elseList);
    this.pop(mark);
    return r;
  }

  walkRange(dot: GoValue, dotIface: boolean, node: BranchNode): number {
    this.at(node);
    const outer = this.vars.length;
    let val = this.evalPipeline(dot, dotIface, node.pipe);
    if (val instanceof Typed && val.type.kind === "ptr" && !isNilTyped(val)) val = deref(val);
    const mark = this.vars.length;
    const decl = node.pipe.decl;
    const oneIteration = (key: GoValue, elem: GoValue, elemIface: boolean): boolean => {
      this.step();
      if (decl.length > 0) {
        if (node.pipe.isAssign) {
          if (decl.length > 1) this.setVar(decl[0]?.ident[0] as string, key, false);
          else this.setVar(decl[0]?.ident[0] as string, elem, elemIface);
        } else {
          this.vals[this.vals.length - 1] = elem;
          this.ifaces[this.ifaces.length - 1] = elemIface;
        }
      }
      if (decl.length > 1) {
        if (node.pipe.isAssign) this.setVar(decl[1]?.ident[0] as string, elem, elemIface);
        else {
          this.vals[this.vals.length - 2] = key;
          this.ifaces[this.ifaces.length - 2] = false;
        }
      }
      const r = this.walk(elem, elemIface, node.list);
      this.pop(mark);
      return r === BREAK;
    };
    let ran = false;
    const elems = typeof val === "string" ? undefined : sliceElems(val);
    if (typeof val === "bigint" || (val instanceof Typed && val.type.kind === "enum")) {
      const n = typeof val === "bigint" ? val : BigInt(enumNumber(val));
      if (decl.length > 1) this.errorf(`can't use ${formatV(val)} to iterate over more than one variable`);
      for (let i = 0n; i < n; i++) {
        ran = true;
        if (oneIteration(undefined, i, false)) break;
      }
    } else if (elems) {
      const iface =
        Array.isArray(val) ||
        (val instanceof Typed && val.type.kind === "slice" && val.type.elem.kind === "interface");
      for (let i = 0; i < elems.length; i++) {
        ran = true;
        const e = elems[i];
        if (oneIteration(BigInt(i), e === undefined ? null : e, iface)) break;
      }
    } else if (isPlainMap(val) || (val instanceof Typed && val.type.kind === "map")) {
      const iface =
        isPlainMap(val) ||
        (val instanceof Typed && val.type.kind === "map" && val.type.elem.kind === "interface");
      for (const [k, v] of mapEntries(val) ?? []) {
        ran = true;
        if (oneIteration(k, v, iface)) break;
      }
    } else if (val !== undefined && val !== null) {
      this.errorf(`range can't iterate over ${formatV(val)}`);
    }
    let r = 0;
    if (!ran && node.elseList) r = this.walk(dot, dotIface, node.elseList);
    this.pop(outer);
    return r;
  }

  walkTemplate(dot: GoValue, dotIface: boolean, node: TemplateNode): void {
    this.at(node);
    const tree = this.prog.trees.get(node.name);
    if (!tree) this.errorf(`template ${goQuote(node.name)} not defined`);
    if (this.depth >= this.limits.maxDepth)
      this.errorf(`exceeded maximum template depth (${this.limits.maxDepth})`);
    // Variables declared by the pipeline persist in the caller; the callee sees only `$`.
    const v = node.pipe ? this.evalPipeline(dot, dotIface, node.pipe) : undefined;
    const saved = [this.vars, this.vals, this.ifaces, this.treeName] as const;
    this.vars = ["$"];
    this.vals = [v];
    this.ifaces = [false];
    this.treeName = node.name;
    this.depth++;
    try {
      this.walk(v, false, tree.root);
    } finally {
      this.depth--;
      [this.vars, this.vals, this.ifaces, this.treeName] = saved;
    }
  }

  printValue(node: Node, v: GoValue): void {
    this.at(node);
    if (typeof v === "string") {
      this.write(v);
      return;
    }
    const p = printable(v);
    this.write(typeof p === "string" ? p : formatV(p));
  }

  // Evaluation ----------------------------------------------------------------------------------

  evalPipeline(dot: GoValue, dotIface: boolean, pipe: PipeNode): GoValue {
    this.at(pipe);
    let value: GoValue;
    let has = false;
    const cmds = pipe.cmds;
    for (let i = 0; i < cmds.length; i++) {
      value = this.evalCommand(dot, dotIface, cmds[i] as CommandNode, value, has);
      has = true;
      // A value of static type interface{} is unwrapped: a nil interface becomes the invalid value.
      if (value === null) value = undefined;
      else if (value instanceof Typed && value.type.kind === "interface")
        value = fromJSON(value.raw) ?? undefined;
    }
    const decl = pipe.decl;
    if (decl.length === 0) return value;
    for (const v of decl) {
      if (pipe.isAssign) this.setVar(v.ident[0] as string, value, false);
      else this.push(v.ident[0] as string, value, false);
    }
    return value;
  }

  notAFunction(args: Arg[], hasFinal: boolean): void {
    if (args.length > 1 || hasFinal)
      this.errorf(`can't give argument to non-function ${nodeString(args[0] as Arg)}`);
  }

  evalCommand(dot: GoValue, dotIface: boolean, cmd: CommandNode, final: GoValue, hasFinal: boolean): GoValue {
    this.step();
    const first = cmd.args[0] as Arg;
    switch (first.kind) {
      case "field":
        this.at(first);
        return this.evalFieldChain(
          dot,
          dotIface,
          dot,
          dotIface,
          first,
          first.ident,
          first.slots,
          0,
          cmd.args,
          final,
          hasFinal,
        );
      case "chain":
        return this.evalChain(dot, dotIface, first, cmd.args, final, hasFinal);
      case "identifier":
        return this.evalFunction(dot, dotIface, first, cmd, cmd.args, final, hasFinal);
      case "pipe":
        this.notAFunction(cmd.args, hasFinal);
        return this.evalPipeline(dot, dotIface, first);
      case "variable":
        return this.evalVariable(dot, dotIface, first, cmd.args, final, hasFinal);
    }
    this.at(first);
    this.notAFunction(cmd.args, hasFinal);
    switch (first.kind) {
      case "bool":
        return first.value;
      case "dot":
        return dot;
      case "nil":
        this.errorf("nil is not a command");
        break;
      case "number":
        return this.idealConstant(first);
      case "string":
        return first.text;
    }
    this.errorf(`can't evaluate command ${goQuote(nodeString(first))}`);
  }

  idealConstant(n: NumberNode): GoValue {
    this.at(n);
    const c = n.num;
    if (c.isComplex) this.errorf(`complex constant ${c.text} is not supported`);
    const text = c.text;
    const hexInt =
      text.length > 2 && text[0] === "0" && (text[1] === "x" || text[1] === "X") && !/[pP]/.test(text);
    if (c.isFloat && !hexInt && text[0] !== "'" && /[.eEpP]/.test(text)) return c.float64;
    if (c.isInt) return c.int64;
    if (c.isUint) this.errorf(`${text} overflows int`);
    return undefined;
  }

  evalChain(
    dot: GoValue,
    dotIface: boolean,
    chain: ChainNode,
    args: Arg[],
    final: GoValue,
    hasFinal: boolean,
  ): GoValue {
    this.at(chain);
    if (chain.node.kind === "nil") this.errorf(`indirection through explicit nil in ${nodeString(chain)}`);
    const head = this.evalArg(dot, dotIface, chain.node, "value");
    // The head is a parenthesized pipeline or a function's result: a concrete value.
    return this.evalFieldChain(
      dot,
      dotIface,
      head,
      false,
      chain,
      chain.field,
      chain.slots,
      0,
      args,
      final,
      hasFinal,
    );
  }

  evalVariable(
    dot: GoValue,
    dotIface: boolean,
    v: VariableNode,
    args: Arg[],
    final: GoValue,
    hasFinal: boolean,
  ): GoValue {
    this.at(v);
    const i = this.varIndex(v.ident[0] as string);
    const value = this.vals[i] as GoValue;
    const iface = this.ifaces[i] as boolean;
    if (v.ident.length === 1) {
      this.notAFunction(args, hasFinal);
      this.lastIface = iface;
      return value;
    }
    return this.evalFieldChain(dot, dotIface, value, iface, v, v.ident, v.slots, 1, args, final, hasFinal);
  }

  evalFieldChain(
    dot: GoValue,
    dotIface: boolean,
    receiver: GoValue,
    recvIface: boolean,
    node: Arg,
    ident: string[],
    slots: FieldSlot[],
    start: number,
    args: Arg[],
    final: GoValue,
    hasFinal: boolean,
  ): GoValue {
    const n = ident.length;
    let r = receiver;
    let iface = recvIface;
    for (let i = start; i < n - 1; i++) {
      r = this.evalField(
        dot,
        dotIface,
        ident[i] as string,
        slots[i] as FieldSlot,
        node,
        NO_ARGS,
        undefined,
        false,
        r,
        iface,
      );
      iface = this.lastIface;
    }
    return this.evalField(
      dot,
      dotIface,
      ident[n - 1] as string,
      slots[n - 1] as FieldSlot,
      node,
      args,
      final,
      hasFinal,
      r,
      iface,
    );
  }

  evalField(
    dot: GoValue,
    dotIface: boolean,
    name: string,
    slot: FieldSlot,
    node: Arg,
    args: Arg[],
    final: GoValue,
    hasFinal: boolean,
    receiver: GoValue,
    recvIface: boolean,
  ): GoValue {
    this.lastIface = false;
    if (receiver === undefined) return undefined;
    if (receiver === null) {
      // A nil interface read out of a map; nil reached any other way is the invalid value.
      if (recvIface) this.errorf(`nil pointer evaluating interface {}.${name}`);
      return undefined;
    }
    let r: GoValue = receiver;
    if (r instanceof Typed && r.type.kind === "interface") {
      r = fromJSON(r.raw);
      recvIface = true;
      if (r === null || r === undefined) this.errorf(`nil pointer evaluating interface {}.${name}`);
    }
    // map[string]any first: most fields a template reads are `.Values` keys.
    if (typeof r === "object" && !(r instanceof Typed) && !Array.isArray(r)) {
      if (args.length > 1 || hasFinal) this.errorf(`${name} is not a method but has arguments`);
      if (!Object.hasOwn(r, name)) return undefined;
      this.lastIface = true;
      const v = r[name];
      return v === undefined ? null : v;
    }
    // Go names the receiver's type as it was before indirection: `*v1.PodSpec`, `interface {}`.
    // Only an error reads it, so it is worked out then (this is the hottest path of a render).
    const before = r;
    let method: Method | undefined;
    if (r instanceof Typed) {
      const t = r.type;
      if (slot.type !== t) {
        slot.method = methodOf(t, name);
        slot.field = fieldOf(t, name);
        slot.type = t;
      }
      method = slot.method;
    }
    if (method)
      return this.evalCall(dot, dotIface, method, r as Typed, undefined, node, name, args, final, hasFinal);
    let nilPtr: Typed | undefined;
    if (r instanceof Typed && (r.type.kind === "ptr" || r.type.kind === "duration")) {
      if (isNilTyped(r)) nilPtr = r;
      else if (r.type.kind === "ptr") r = deref(r) as GoValue;
    }
    const hasArgs = args.length > 1 || hasFinal;
    if (nilPtr) {
      const t = nilPtr.type;
      const hasField = t.kind !== "ptr" || t.elem.kind !== "struct" || slot.field !== undefined;
      if (hasField)
        this.errorf(`nil pointer evaluating ${recvIface ? "interface {}" : typeString(before)}.${name}`);
    } else if (r instanceof Typed) {
      const t = r.type;
      if (t.kind === "struct") {
        // The slot's type is this struct or a pointer to it: the field is the same.
        const f = slot.field;
        if (f) {
          if (hasArgs) this.errorf(`${name} has arguments but cannot be invoked as function`);
          const raw = r.raw as Record<string, unknown> | null | undefined;
          const v = typed(f.type, raw?.[f.json]);
          this.lastIface = f.type.kind === "interface";
          return v;
        }
      } else if (t.kind === "map") {
        if (hasArgs) this.errorf(`${name} is not a method but has arguments`);
        const raw = r.raw;
        if (!isPlainMap(raw) || !Object.hasOwn(raw, name)) return undefined;
        this.lastIface = t.elem.kind === "interface";
        return typed(t.elem, raw[name]);
      }
    }
    this.errorf(`can't evaluate field ${name} in type ${recvIface ? "interface {}" : typeString(before)}`);
  }

  evalFunction(
    dot: GoValue,
    dotIface: boolean,
    id: IdentifierNode,
    cmd: CommandNode | Arg,
    args: Arg[],
    final: GoValue,
    hasFinal: boolean,
  ): GoValue {
    this.at(id);
    return this.evalCall(dot, dotIface, id.fn, undefined, id.spec, cmd, id.name, args, final, hasFinal);
  }

  /**
   * A call: `args[0]` is the function's own node; the piped value, if any, goes last. A method comes
   * with its receiver; a built-in with its spec.
   */
  evalCall(
    dot: GoValue,
    dotIface: boolean,
    fn: GoFunc | Method,
    recv: Typed | undefined,
    spec: BuiltinSpec | undefined,
    node: Arg | CommandNode,
    name: string,
    args: Arg[],
    final: GoValue,
    hasFinal: boolean,
  ): GoValue {
    const nargs = Math.max(args.length - 1, 0);
    const numIn = nargs + (hasFinal ? 1 : 0);
    if (spec) {
      if (spec.variadic && numIn < spec.fixed) {
        this.errorf(`wrong number of args for ${name}: want at least ${spec.fixed} got ${nargs}`);
      }
      if (!spec.variadic && numIn !== spec.fixed)
        this.errorf(`wrong number of args for ${name}: want ${spec.fixed} got ${numIn}`);
      if (name === "and" || name === "or") {
        let v: GoValue;
        for (let i = 1; i < args.length; i++) {
          v = this.evalArg(dot, dotIface, args[i] as Arg, "value");
          if (isTrue(v) === (name === "or")) return v;
        }
        return hasFinal ? final : v;
      }
    }
    if (numIn <= 3 && recv === undefined && !(spec !== undefined && name === "call"))
      return this.callFew(dot, dotIface, fn as GoFunc, spec, node, name, args, final, numIn);
    const argv: GoValue[] = new Array(numIn);
    for (let i = 1; i < args.length; i++) {
      const kind: ParamKind = spec
        ? ((i - 1 < spec.fixed ? spec.params[i - 1] : spec.rest) ?? "value")
        : "any";
      argv[i - 1] = this.evalArg(dot, dotIface, args[i] as Arg, kind, !spec);
    }
    if (hasFinal) {
      const kind: ParamKind = spec
        ? ((numIn - 1 < spec.fixed ? spec.params[numIn - 1] : spec.rest) ?? "value")
        : "any";
      argv[numIn - 1] = this.checkArg(final, kind, !spec);
    }
    if (spec !== undefined && name === "call") return this.builtinCall(node, args, argv, hasFinal);
    let v: GoValue;
    try {
      v = recv !== undefined ? (fn as Method)(recv, argv) : (fn as GoFunc)(...argv);
    } catch (e) {
      this.callError(node, args, name, e);
    }
    return v === undefined ? undefined : v;
  }

  /**
   * evalCall's end for a function of up to three arguments: they are held in locals and passed
   * directly, so no argument array is allocated (most calls: `eq`, `index`, `default`, `indent`).
   */
  callFew(
    dot: GoValue,
    dotIface: boolean,
    fn: GoFunc,
    spec: BuiltinSpec | undefined,
    node: Arg | CommandNode,
    name: string,
    args: Arg[],
    final: GoValue,
    numIn: number,
  ): GoValue {
    let a0: GoValue;
    let a1: GoValue;
    let a2: GoValue;
    // The piped value, if any, is the one argument past the command's own.
    for (let j = 0; j < numIn; j++) {
      const kind: ParamKind = spec ? ((j < spec.fixed ? spec.params[j] : spec.rest) ?? "value") : "any";
      const x =
        j + 1 < args.length
          ? this.evalArg(dot, dotIface, args[j + 1] as Arg, kind, !spec)
          : this.checkArg(final, kind, !spec);
      if (j === 0) a0 = x;
      else if (j === 1) a1 = x;
      else a2 = x;
    }
    let v: GoValue;
    try {
      v = numIn === 0 ? fn() : numIn === 1 ? fn(a0) : numIn === 2 ? fn(a0, a1) : fn(a0, a1, a2);
    } catch (e) {
      this.callError(node, args, name, e);
    }
    return v === undefined ? undefined : v;
  }

  callError(node: Arg | CommandNode, args: Arg[], name: string, e: unknown): never {
    if (e instanceof ExecError) throw e;
    if (e instanceof RangeError && !(e instanceof GoError)) throw e;
    const msg = e instanceof Error ? e.message : String(e);
    if (e instanceof GoArgError || PRECALL.test(msg)) {
      const i = e instanceof GoArgError ? e.argIndex : undefined;
      const target = i !== undefined ? args[i + 1] : undefined;
      if (target) this.at(target);
      this.errorf(msg);
    }
    this.at(node);
    this.errorf(`error calling ${name}: ${msg}`);
  }

  builtinCall(node: Arg | CommandNode, args: Arg[], argv: GoValue[], hasFinal: boolean): GoValue {
    const callee = args.length > 1 ? nodeString(args[1] as Arg) : hasFinal ? formatV(argv[0]) : "";
    const f = argv[0] as unknown;
    try {
      if (f === undefined || f === null) throw new GoError("call of nil");
      if (typeof f !== "function") throw new GoError(`non-function ${callee} of type ${typeString(argv[0])}`);
      return (f as GoFunc)(...argv.slice(1));
    } catch (e) {
      return this.callError(node, NO_ARGS, "call", e);
    }
  }

  /**
   * An argument as Go's evalArg evaluates it for a parameter of the given kind: `value` is
   * reflect.Value (anything, the invalid value included), `any` is interface{} (nil for a missing
   * value; user functions see `undefined` and decide), `string` is Go's string checks.
   */
  evalArg(dot: GoValue, dotIface: boolean, n: Arg, kind: ParamKind, keepInvalid = false): GoValue {
    this.at(n);
    let v: GoValue;
    this.lastIface = false;
    switch (n.kind) {
      case "dot":
        v = dot;
        this.lastIface = dotIface;
        break;
      case "nil":
        if (kind === "string") this.errorf("cannot assign nil to string");
        return kind === "value" ? undefined : null;
      case "field":
        v = this.evalFieldChain(
          dot,
          dotIface,
          dot,
          dotIface,
          n,
          n.ident,
          n.slots,
          0,
          NO_ARGS,
          undefined,
          false,
        );
        break;
      case "variable":
        v = this.evalVariable(dot, dotIface, n, NO_ARGS, undefined, false);
        break;
      case "pipe":
        v = this.evalPipeline(dot, dotIface, n);
        break;
      case "identifier":
        v = this.evalFunction(dot, dotIface, n, n, NO_ARGS, undefined, false);
        break;
      case "chain":
        v = this.evalChain(dot, dotIface, n, NO_ARGS, undefined, false);
        break;
      case "bool":
        if (kind === "string") this.errorf(`expected string; found ${nodeString(n)}`);
        return n.value;
      case "number":
        if (kind === "string") this.errorf(`expected string; found ${nodeString(n)}`);
        return this.idealConstant(n);
      case "string":
        return n.text;
    }
    return this.checkArg(v, kind, keepInvalid);
  }

  /** validateType for a computed value. */
  checkArg(v: GoValue, kind: ParamKind, keepInvalid: boolean): GoValue {
    if (kind === "string") {
      if (v === undefined) this.errorf("invalid value; expected string");
      const s = v instanceof Typed && v.type.kind === "string" ? typed(v.type, v.raw) : v;
      if (typeof s !== "string")
        this.errorf(
          `wrong type for value; expected string; got ${v === null ? "interface {}" : typeString(v)}`,
        );
      return s;
    }
    if (kind === "any" && v === undefined && !keepInvalid) return null;
    return v;
  }
}

/** A method by name: declared struct methods (through one pointer), and String on proto enums. */
function methodOf(t: GoType, name: string): Method | undefined {
  const st = t.kind === "ptr" ? t.elem : t;
  if (st.kind === "struct") {
    const m = st.methods;
    return m && Object.hasOwn(m, name) ? m[name] : undefined;
  }
  if (t.kind === "enum" && name === "String") return enumString;
  return undefined;
}

const enumString: Method = (recv) => formatV(recv);

/** A struct field by name, of a struct or of the struct a pointer points to. */
function fieldOf(t: GoType, name: string): FieldDesc | undefined {
  if (t.kind === "struct") return structField(t, name);
  if (t.kind === "ptr" && t.elem.kind === "struct") return structField(t.elem, name);
  return undefined;
}
