import Handlebars from "handlebars/dist/cjs/handlebars.js";
import { err, ok, type Result } from "../json.ts";
import { goHelpers } from "./gohelpers.ts";
import { isGoTemplate, translateGoTemplate } from "./gotemplate.ts";
import { helpers } from "./helpers.ts";
import { precompiledFor } from "./precompiled.ts";

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

const env = Handlebars.create();
for (const [name, fn] of Object.entries(helpers)) env.registerHelper(name, fn as Handlebars.HelperDelegate);
env.registerHelper("__scalar", (value: unknown) => new env.SafeString(yamlScalar(value)));
for (const [name, fn] of Object.entries(goHelpers)) env.registerHelper(name, fn as Handlebars.HelperDelegate);

/** The functions a Go-syntax template may call: Outrigger's helpers (Istio's and sprig's names). */
const GO_CALLABLE: ReadonlySet<string> = new Set([...Object.keys(helpers), ...Object.keys(goHelpers)]);

export type TemplateSyntax = "handlebars" | "go";

/** Which language a template is written in (see gotemplate.ts for the rule). */
export function templateSyntax(text: string): TemplateSyntax {
  return isGoTemplate(text) ? "go" : "handlebars";
}

// Characters YAML does not allow raw in a document, plus the ones YAML 1.1 readers treat as line breaks.
// JSON.stringify already escapes C0 controls, `"` and `\`.
const UNSAFE = /[\u007f-\u009f\u2028\u2029\ufeff\ufffe\uffff]/g;

/** One value as a single YAML flow scalar or flow collection that parses back to the same value. */
export function yamlScalar(value: unknown): string {
  if (value === null || value === undefined) return "null";
  if (value instanceof env.SafeString) return value.toString();
  switch (typeof value) {
    case "boolean":
      return value ? "true" : "false";
    case "number":
      return Number.isFinite(value) ? String(value) : JSON.stringify(String(value));
    case "bigint":
      return value.toString();
    case "string":
      return escapeUnsafe(JSON.stringify(value));
    case "object":
      return escapeUnsafe(JSON.stringify(value) ?? "null");
    default:
      return JSON.stringify(String(value));
  }
}

function escapeUnsafe(json: string): string {
  return json.replace(UNSAFE, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`);
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

function parseRewritten(text: string, options?: { ignoreStandalone: boolean }): hbs.AST.Program {
  const ast = env.parse(text, options);
  rewriteMustaches(ast);
  return ast;
}

/**
 * The template as JavaScript source, for the build to embed (see precompiled.ts). The same rewrite
 * and options as compileTemplate, so a precompiled template renders exactly as a compiled one.
 */
export function precompileSource(text: string): string {
  const source = env.precompile(parseRewritten(text), COMPILE_OPTIONS) as unknown as string;
  // Every helper call carries its source location, used only to decorate Handlebars' own error
  // messages; dropping them from built-in templates takes a fifth off their size.
  return source.replace(
    /,"loc":\{"start":\{"line":\d+,"column":\d+\},"end":\{"line":\d+,"column":\d+\}\}/g,
    "",
  );
}

/**
 * Compiles one template; a syntax error comes back as a message naming the template. A template in
 * Go text/template syntax (an Istio custom template pasted as it is) is translated to Handlebars
 * first (gotemplate.ts) and keeps Go's whitespace: no Handlebars standalone-line stripping.
 */
export function compileTemplate(name: string, source: string): Result<TemplateFn> {
  const go = isGoTemplate(source);
  let text = source;
  if (go) {
    const translated = translateGoTemplate(source, GO_CALLABLE);
    if (!translated.ok) return err(`template "${name}" (Go syntax): ${translated.error}`);
    text = translated.value;
  }
  try {
    const spec = go ? undefined : precompiledFor(text);
    const options = go ? { ...COMPILE_OPTIONS, ignoreStandalone: true } : COMPILE_OPTIONS;
    const fn = spec
      ? env.template(spec as TemplateSpecification)
      : (env.compile(
          parseRewritten(text, { ignoreStandalone: go }),
          options,
        ) as HandlebarsTemplateDelegate & {
          _setup(o: object): void;
        });
    // Handlebars compiles on first use; do it now, so a broken template fails at config load.
    if (!spec) (fn as unknown as { _setup(o: object): void })._setup({});
    return ok((data: unknown) => fn(data, RUNTIME_OPTIONS));
  } catch (e) {
    return err(`template "${name}"${go ? " (Go syntax)" : ""}: ${(e as Error).message.split("\n")[0]}`);
  }
}

/** Whether a thrown value came from Handlebars or a helper while rendering: its message is safe to show. */
export function renderErrorMessage(e: unknown): string {
  const msg = e instanceof Error ? e.message : String(e);
  return msg.split("\n")[0] ?? "template error";
}
