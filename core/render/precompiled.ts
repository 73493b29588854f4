/**
 * Built-in templates compiled at build time. The bundler (scripts/build.mjs) and the test runner
 * (vitest.config.ts) turn each `.hbs` import into its text plus a call that registers the
 * precompiled form here, so an instance does not pay Handlebars' compiler for its own templates at
 * cold start (a few hundred ms on a small function). Keyed by the exact text, so a changed template
 * can never run stale code.
 */
const specs = new Map<string, unknown>();

export function registerPrecompiled(text: string, spec: unknown): void {
  specs.set(text, spec);
}

export function precompiledFor(text: string): unknown | undefined {
  return specs.get(text);
}
