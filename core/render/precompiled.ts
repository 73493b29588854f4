import { createHash } from "node:crypto";

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
    value = lookup(value, name);
  }
  return value;
}

/** The options Handlebars gives a helper called without a hash: `{name, hash: {}, [fn, inverse,] data}`. */
export function helperOptions(name: string, data: unknown, fn?: unknown, inverse?: unknown) {
  return fn === undefined ? { name, hash: {}, data } : { name, hash: {}, fn, inverse, data };
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
