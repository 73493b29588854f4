import HandlebarsCompiler from "handlebars/dist/cjs/handlebars.js";
import Handlebars from "handlebars/runtime";
import { err, ok, type Result } from "../json.ts";
import { blockHelpers, helpers, plainHelpers, yamlScalar } from "./helpers.ts";

export { yamlScalar };

import { precompiledBuiltin, precompiledFor, type TemplateSpec, templateDigest } from "./precompiled.ts";

/**
 * Template text → compiled function.
 *
 * Pod annotations and labels reach the templates, and the rendered text is parsed as YAML, so a value
 * that contains a newline or a quote could add a container if it were pasted in raw (Istio guards this
 * only for the annotations it validates). Outrigger closes the hole in the compiler instead: every
 * double-stash `{{expr}}` is rewritten to `{{__scalar expr}}`, which emits one complete YAML/JSON
 * scalar (a JSON-quoted string, a number, a boolean, `null`, or a JSON flow collection). No value can
 * leave the scalar it was written into. Triple-stash `{{{expr}}}` stays raw for template authors who
 * emit trusted YAML on purpose; helpers that build YAML fragments themselves return a SafeString.
 */

export type TemplateFn = (data: unknown) => string;

// Templates run on Handlebars' runtime, with Outrigger's helpers.
const env = Handlebars.create();
for (const [name, fn] of Object.entries(helpers)) env.registerHelper(name, fn as Handlebars.HelperDelegate);
const SCALAR = "__scalar";
const scalarHelper = (value: unknown) => new env.SafeString(yamlScalar(value));
env.registerHelper(SCALAR, scalarHelper);

// Precompiled templates call Outrigger's helpers directly (see the code generator below), so they run
// in an environment that holds only what Handlebars' runtime itself may look up by name: the block
// helpers it calls for `{{#path}}` sections, and the helpers of a call the generator leaves to it.
// Each render wraps every helper of its environment anew: a hundred fewer is a tenth of a render.
const precompiledEnv = Handlebars.create();
for (const [name, fn] of Object.entries(blockHelpers))
  precompiledEnv.registerHelper(name, fn as Handlebars.HelperDelegate);
precompiledEnv.registerHelper(SCALAR, scalarHelper);

// Handlebars' compiler (its parser and code generator, about 60 KB minified) is only needed for a
// template that was not precompiled at build time, that is one a config brings. The handler bundles
// leave it out: scripts/build.mjs turns this import into a module that loads the compiler from the
// file shipped next to the bundle on first use, so an instance that only serves the built-in
// templates never loads it.
let compiler: HandlebarsWithCompiler | undefined;
function handlebarsCompiler(): HandlebarsWithCompiler {
  if (!compiler) {
    const full = HandlebarsCompiler as HandlebarsWithCompiler;
    compiler = full.create() as HandlebarsWithCompiler;
    compiler.JavaScriptCompiler = compactCodeGenerator(full.JavaScriptCompiler);
  }
  return compiler;
}

/** The parts of Handlebars' compiler used here; its types leave them out. */
type HandlebarsWithCompiler = typeof Handlebars & {
  Compiler: new () => { compile(ast: hbs.AST.Program, options: object): unknown };
  JavaScriptCompiler: new () => CodeGenerator;
};

/** Handlebars' code generator (JavaScriptCompiler), as far as it is used and changed here. */
interface CodeGenerator {
  compile(environment: unknown, options: object, context: undefined, asObject: boolean): unknown;
  precompile: boolean;
  options: { strict?: boolean; assumeObjects?: boolean };
  source: { functionCall(fn: unknown, type: string, params: unknown[]): unknown };
  lookupPropertyFunctionIsUsed: boolean;
  compiler: unknown;
  environment: { children: { index: number; blockParams?: number }[] };
  useDepths?: boolean;
  useBlockParams?: boolean;
  setupParams(helper: string, paramSize: number, params?: unknown[]): Record<string, unknown>;
  setupHelper(
    paramSize: number,
    name: string,
    blockHelper?: boolean,
  ): { name: unknown; params: unknown[]; callParams: unknown[] };
  invokeKnownHelper(paramSize: number, name: string): void;
  programExpression(guid: number): string;
  lookupPropertyFunctionVarDeclaration(): string;
  resolvePath(type: string, parts: string[], start: number, falsy?: boolean, strict?: boolean): void;
  objectLiteral(obj: Record<string, unknown>): unknown;
  append(): void;
  appendToBuffer(source: unknown): unknown;
  pushSource(source: unknown): void;
  isInline(): number;
  popStack(): unknown;
  push(expr: unknown): unknown;
  quotedString(text: string): string;
}

/**
 * Handlebars' code generator, writing the same behaviour in less code: the precompiled built-in
 * templates are most of a handler bundle. Every block function declares
 * `lookupProperty = container.lookupProperty` without the fallback for runtimes before 4.6 (the
 * bundled runtime always provides it), and an output is appended as `(x ?? "")`. In the source of a
 * precompiled template, whose module provides lookupPath and helperOptions (precompiled.ts), a path
 * `a.b.c` is one call of lookupPath instead of one `!= null ?` conditional per step, and the options
 * of a helper called without a hash, `{name, hash: {}, [fn, inverse,] data}`, come from
 * helperOptions (without the call's source location, which precompiled templates leave out).
 *
 * The source of a precompiled template also runs faster: it calls Outrigger's helpers directly
 * rather than through the runtime's per-render wrappers (a plain helper with its own arguments, as
 * plainHelper; `{{expr}}` as scalar), runs `#if`, `#unless` and `#let` as ifBlock, unlessBlock and
 * letBlock with the bodies called as their programs would call them, and makes the program of any
 * other block with programOf, which reads the body from the module's templateSpec.
 *
 * These override internal methods of Handlebars 4.7's generator, so an upgrade of Handlebars must
 * keep them right: test/render/precompiled.test.ts renders the precompiled built-ins against the same
 * templates compiled at run time (Handlebars' own code), output and render budget both.
 */
function compactCodeGenerator(Base: new () => CodeGenerator): new () => CodeGenerator {
  class Compact extends Base {
    override lookupPropertyFunctionVarDeclaration(): string {
      return "lookupProperty = container.lookupProperty";
    }
    override append(): void {
      if (!this.isInline()) {
        super.append();
        return;
      }
      this.push(["(", this.popStack(), ' ?? "")']);
      this.pushSource(this.appendToBuffer(this.popStack()));
    }
    override resolvePath(type: string, parts: string[], start: number, falsy?: boolean, strict?: boolean) {
      // Data paths (`@a.b`, written with `&&`) and strict mode stay as Handlebars writes them.
      if (
        !this.precompile ||
        falsy ||
        this.options.strict ||
        this.options.assumeObjects ||
        start >= parts.length
      ) {
        super.resolvePath(type, parts, start, falsy, strict);
        return;
      }
      this.lookupPropertyFunctionIsUsed = true;
      const names = parts.slice(start).map((part) => this.quotedString(part));
      this.push(this.source.functionCall("lookupPath", "", ["lookupProperty", this.popStack(), ...names]));
    }
    /** The options of the helper call being generated, before they become code. */
    private options_: Record<string, unknown> = {};
    override setupParams(helper: string, paramSize: number, params?: unknown[]) {
      this.options_ = super.setupParams(helper, paramSize, params);
      return this.options_;
    }
    override invokeKnownHelper(paramSize: number, name: string): void {
      if (!this.precompile) {
        super.invokeKnownHelper(paramSize, name);
        return;
      }
      const isBlock = Object.hasOwn(blockHelpers, name);
      const isPlain = name === SCALAR || Object.hasOwn(plainHelpers, name);
      if (!isBlock && !isPlain) {
        super.invokeKnownHelper(paramSize, name);
        return;
      }
      const helper = this.setupHelper(paramSize, name);
      const { hash, fn, inverse } = this.options_;
      const quoted = this.quotedString(name);
      const inline = isBlock ? this.inlineBlock(name, paramSize, helper.callParams) : undefined;
      if (inline !== undefined) {
        this.push(inline);
      } else if (isBlock) {
        this.push(this.source.functionCall(`helper[${quoted}]`, "call", helper.callParams));
      } else if (hash !== "{}" || fn !== undefined || inverse !== undefined) {
        // A plain helper given a hash or a body gets its options, as Handlebars calls it.
        this.push(this.source.functionCall(`helper[${quoted}]`, "call", helper.callParams));
      } else if (name === SCALAR) {
        this.push(this.source.functionCall("scalar", "", helper.params.slice(0, -1)));
      } else {
        this.push(this.source.functionCall(`plainHelper[${quoted}]`, "", helper.params.slice(0, -1)));
      }
    }
    /**
     * `#if`, `#unless` and `#let`, called the way their helpers accept (if and unless with one
     * argument and no hash, let with a hash only), as the precompiled module's ifBlock, unlessBlock
     * and letBlock: the same steps and output, without the options and the programs of the call.
     */
    private inlineBlock(name: string, paramSize: number, callParams: unknown[]): unknown {
      const { hash, fn, inverse } = this.options_;
      const body = this.programs.get(fn as string);
      const otherwise = inverse === "container.noop" ? "undefined" : this.programs.get(inverse as string);
      if (body === undefined || otherwise === undefined) return undefined;
      const [context, ...params] = callParams;
      if ((name === "if" || name === "unless") && paramSize === 1 && hash === "{}")
        return this.source.functionCall(`${name}Block`, "", [
          context,
          params[0],
          "container",
          body,
          otherwise,
          "data",
        ]);
      if (name === "let" && paramSize === 0 && hash !== "{}")
        return this.source.functionCall("letBlock", "", [context, hash, "container", body, "data"]);
      return undefined;
    }
    /** The code of each program expression written here → that program's function in the spec. */
    private programs = new Map<string, string>();
    override programExpression(guid: number): string {
      const child = this.environment.children[guid];
      if (!this.precompile || this.useDepths || this.useBlockParams || !child || child.blockParams)
        return super.programExpression(guid);
      const expression = `programOf(container, templateSpec[${child.index}], ${child.index}, data)`;
      this.programs.set(expression, `templateSpec[${child.index}]`);
      return expression;
    }
    override objectLiteral(obj: Record<string, unknown>): unknown {
      const { name, hash, fn, inverse, data } = obj;
      if (this.precompile && hash === "{}" && data === "data") {
        const keys = Object.keys(obj).join();
        if (keys === "name,hash,data,loc") return this.source.functionCall("helperOptions", "", [name, data]);
        if (keys === "name,hash,fn,inverse,data,loc")
          return this.source.functionCall("helperOptions", "", [name, data, fn, inverse]);
      }
      return super.objectLiteral(obj);
    }
  }
  // Handlebars makes the generator of each nested block with `new this.compiler()`.
  Compact.prototype.compiler = Compact;
  return Compact;
}

type Node = hbs.AST.Node;

function rewriteMustaches(node: Node | undefined | null): void {
  if (!node) return;
  switch (node.type) {
    case "Program":
      for (const statement of (node as hbs.AST.Program).body) rewriteMustaches(statement);
      return;
    // Blocks, inline partials ({{#*inline}}) and partial blocks all carry bodies that render output.
    case "BlockStatement":
    case "DecoratorBlock":
    case "PartialBlockStatement": {
      const block = node as hbs.AST.BlockStatement;
      rewriteMustaches(block.program);
      rewriteMustaches(block.inverse);
      return;
    }
    case "MustacheStatement": {
      const m = node as hbs.AST.MustacheStatement;
      if (!m.escaped) return;
      const path = m.path as hbs.AST.PathExpression;
      const isCall =
        m.params.length > 0 ||
        (m.hash?.pairs.length ?? 0) > 0 ||
        (path.type === "PathExpression" && path.parts.length === 1 && path.original in env.helpers);
      const inner: hbs.AST.Expression = isCall
        ? ({ type: "SubExpression", path: m.path, params: m.params, hash: m.hash, loc: m.loc } as never)
        : m.path;
      m.path = {
        type: "PathExpression",
        data: false,
        depth: 0,
        parts: ["__scalar"],
        original: "__scalar",
        loc: m.loc,
      } as hbs.AST.PathExpression;
      m.params = [inner];
      m.hash = undefined as never;
      return;
    }
    default:
      return;
  }
}

// Naming every helper as known lets Handlebars call them directly instead of resolving each name at
// run time: smaller precompiled code and faster renders. Data fields can never shadow a helper.
const COMPILE_OPTIONS = {
  noEscape: true,
  strict: false,
  preventIndent: true,
  knownHelpers: Object.fromEntries(Object.keys(env.helpers).map((name) => [name, true])),
} as const;
const RUNTIME_OPTIONS = { allowProtoPropertiesByDefault: false, allowProtoMethodsByDefault: false } as const;

/**
 * Template text → compiled form, with the Outrigger rewrite and options, the way Handlebars'
 * `precompile` and `compile` do it: the JavaScript source of the spec, for a module to embed (the
 * built-in templates, at build time: see precompiledModule), or the spec itself, its functions made
 * by Handlebars (a config's templates, at config load).
 */
function compileSpec(text: string, source: true): string;
function compileSpec(text: string, source: false): TemplateSpec;
function compileSpec(text: string, source: boolean): string | TemplateSpec {
  const hbs = handlebarsCompiler();
  const options = { ...COMPILE_OPTIONS, data: true };
  const ast = hbs.parse(text);
  rewriteMustaches(ast);
  const environment = new hbs.Compiler().compile(hbs.parse(ast as never, options as never), options);
  const spec = new hbs.JavaScriptCompiler().compile(environment, options, undefined, !source);
  if (!source) return spec as TemplateSpec;
  // Every helper call carries its source location, used only to decorate Handlebars' own error
  // messages (no helper here reads it); the code is a fifth smaller without them.
  return (spec as string).replace(
    /,"loc":\{"start":\{"line":\d+,"column":\d+\},"end":\{"line":\d+,"column":\d+\}\}/g,
    "",
  );
}

/**
 * The module a built-in template's import (`core/templates/<name>.hbs`, Handlebars) becomes, in the
 * bundles (scripts/build.mjs) and in the tests (vitest.config.ts): it registers the template's
 * precompiled form under its name and the digest of its text (precompiled.ts), and exports the text,
 * which bundles that never read it leave out.
 */
export function precompiledModule(name: string, text: string, registry: string): string {
  return `import { helper, helperOptions, ifBlock, letBlock, lookupPath, plainHelper, programOf, registerPrecompiled, scalar, unlessBlock } from ${JSON.stringify(registry)};
const templateSpec = ${compileSpec(text, true)};
registerPrecompiled(${JSON.stringify(name)}, ${JSON.stringify(templateDigest(text))}, templateSpec);
export default ${JSON.stringify(text)};
`;
}

function templateFn(spec: TemplateSpec, environment: typeof env): TemplateFn {
  const fn = environment.template(spec as TemplateSpecification);
  return (data: unknown) => fn(data, RUNTIME_OPTIONS);
}

/** A built-in template (core/templates), from the form precompiled at build time. */
export function builtinTemplate(name: string): Result<TemplateFn> {
  const spec = precompiledBuiltin(name);
  return spec
    ? ok(templateFn(spec, precompiledEnv))
    : err(`template "${name}": built in, but not precompiled by the build`);
}

/**
 * Compiles one Handlebars template; a syntax error comes back as a message naming the template. The
 * text of a built-in template gets its precompiled form.
 */
export function compileTemplate(name: string, text: string): Result<TemplateFn> {
  try {
    // Compiled here, so a broken template fails at config load, not at its first pod.
    const precompiled = precompiledFor(text);
    if (precompiled) return ok(templateFn(precompiled, precompiledEnv));
    return ok(templateFn(compileSpec(text, false), env));
  } catch (e) {
    return err(`template "${name}": ${(e as Error).message.split("\n")[0]}`);
  }
}

/** Whether a thrown value came from Handlebars or a helper while rendering: its message is safe to show. */
export function renderErrorMessage(e: unknown): string {
  const msg = e instanceof Error ? e.message : String(e);
  return msg.split("\n")[0] ?? "template error";
}
