import { createHash } from "node:crypto";
import { charged, step } from "./budget.ts";
import { helpers, letFrame, plainHelpers, truthy, yamlScalar } from "./helpers.ts";

/**
 * Built-in templates compiled at build time. The bundler (scripts/build.mjs) and the test runner
 * (vitest.config.ts) turn each `core/templates/<name>.hbs` import into a module that registers the
 * template's precompiled form here (see precompiledModule in compile.ts), so an instance does not pay
 * Handlebars' compiler for its own templates at cold start (a few hundred ms on a small function),
 * and the handler bundles need not carry the compiler at all.
 *
 * Each form is registered under the template's name, which is what the engine runs, and under the
 * digest of its text, so a config that repeats a built-in's exact text gets the precompiled form too
 * and a changed template can never run stale code. The text itself is only the module's default
 * export: bundles that never read it (the handlers, the CLI) leave it out.
 */

/** A precompiled template: the object Handlebars' `precompile` writes as source, evaluated. */
export type TemplateSpec = object;

const byName = new Map<string, TemplateSpec>();
const byDigest = new Map<string, TemplateSpec>();

/** The key of a template text: its SHA-256, so the text itself need not be kept. */
export function templateDigest(text: string): string {
  return createHash("sha256").update(text).digest("base64");
}

// The code of a precompiled template calls these two by name (its module imports them), where
// Handlebars would write the same behaviour out at every use: see the code generator in compile.ts.

/** `a.b.c`: what Handlebars writes as `v != null ? lookupProperty(v, "b") : v` for each step. */
export function lookupPath(
  lookup: (parent: unknown, name: string) => unknown,
  value: unknown,
  ...names: string[]
) {
  for (const name of names) {
    if (value == null) return value;
    // lookupProperty's own answer for an own property (other than a constructor, which it checks
    // against prototypes), without the call; anything else is left to it.
    const own = (value as Record<string, unknown>)[name];
    value = own == null || (name !== "constructor" && Object.hasOwn(value, name)) ? own : lookup(value, name);
  }
  return value;
}

/** The options Handlebars gives a helper called without a hash: `{name, hash: {}, [fn, inverse,] data}`. */
export function helperOptions(name: string, data: unknown, fn?: unknown, inverse?: unknown) {
  return fn === undefined ? { name, hash: {}, data } : { name, hash: {}, fn, inverse, data };
}

/**
 * The helpers a precompiled template calls by name, as they are registered with Handlebars (compile.ts)
 * but without the wrapper Handlebars' runtime puts around each for every render, which only adds
 * `options.lookupProperty` (none of these reads it): a plain helper (plainHelper) gets its own
 * arguments, a block helper or a helper given a hash or a body (helper) its options as well, and
 * `{{expr}}` is `scalar(expr)`.
 */
export { helpers as helper, plainHelpers as plainHelper, yamlScalar as scalar };

/** What Handlebars' `container.program(i, data, 0)` makes, for a template without depths or block params. */
export function programOf(container: unknown, fn: ProgramFn, i: number, data: unknown) {
  const prog = (context: unknown, options?: { data?: unknown }) =>
    fn(
      container,
      context,
      (container as Container).helpers,
      (container as Container).partials,
      (options === undefined ? undefined : options.data) || data,
    );
  prog.program = i;
  prog.depth = 0;
  prog.blockParams = 0;
  return prog;
}

// `#if`, `#unless` and `#let` as their helpers run them (helpers.ts), each step and output metered
// the same, written where the template calls them: a block's body is called as the program Handlebars
// would have made for it calls it, and neither that program nor the helper's options are made.

export function ifBlock(
  context: unknown,
  value: unknown,
  container: Container,
  fn: ProgramFn,
  inverse: ProgramFn | undefined,
  data: unknown,
): string {
  step();
  return charged(truthy(value) ? run(fn, container, context, data) : run(inverse, container, context, data));
}

export function unlessBlock(
  context: unknown,
  value: unknown,
  container: Container,
  fn: ProgramFn,
  inverse: ProgramFn | undefined,
  data: unknown,
): string {
  return ifBlock(context, !truthy(value), container, fn, inverse, data);
}

export function letBlock(context: unknown, hash: object, container: Container, fn: ProgramFn, data: unknown) {
  step();
  return charged(run(fn, container, context, letFrame(data, hash)));
}

/** A block body, or `container.noop` where there is none. */
function run(fn: ProgramFn | undefined, container: Container, context: unknown, data: unknown): string {
  return fn === undefined ? "" : fn(container, context, container.helpers, container.partials, data);
}

type ProgramFn = (
  container: unknown,
  context: unknown,
  helpers: unknown,
  partials: unknown,
  data: unknown,
) => string;
interface Container {
  helpers: unknown;
  partials: unknown;
}

export function registerPrecompiled(name: string, digest: string, spec: TemplateSpec): void {
  byName.set(name, spec);
  byDigest.set(digest, spec);
}

/** The precompiled form of this exact text, if it is a built-in template's. */
export function precompiledFor(text: string): TemplateSpec | undefined {
  return byDigest.get(templateDigest(text));
}

/** The precompiled form of the built-in template of that name. */
export function precompiledBuiltin(name: string): TemplateSpec | undefined {
  return byName.get(name);
}
