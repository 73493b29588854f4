import { type LoadedConfig, loadConfig } from "./config/load.ts";
import type { Config } from "./config/types.ts";
import { err, ok, type Result } from "./json.ts";
import { builtinTemplate, compileTemplate, type TemplateFn } from "./render/compile.ts";
import { BUILTIN_TEMPLATE_NAMES } from "./templates/index.ts";

export { BUILTIN_TEMPLATE_NAMES };

/**
 * A loaded config with its templates compiled: what every admission runs against. Built once per
 * config version (at cold start and when a reload brings a new version), never per request.
 */
export interface Engine {
  config: Config;
  version: string;
  templates: ReadonlyMap<string, TemplateFn>;
  warnings: string[];
}

/** Config text → engine; every config or template error is reported, each naming its field. */
export function loadEngine(text: string): Result<Engine> {
  const loaded = loadConfig(text, BUILTIN_TEMPLATE_NAMES);
  if (!loaded.ok) return loaded;
  return compileEngine(loaded.value);
}

export function compileEngine({ config, version, warnings }: LoadedConfig): Result<Engine> {
  const templates = new Map<string, TemplateFn>();
  const errors: string[] = [];
  // The built-in templates (a config's template of the same name replaces one), then the config's own.
  for (const name of new Set([...BUILTIN_TEMPLATE_NAMES, ...Object.keys(config.templates)])) {
    const text = Object.hasOwn(config.templates, name) ? config.templates[name] : undefined;
    const compiled = text === undefined ? builtinTemplate(name) : compileTemplate(name, text);
    if (compiled.ok) templates.set(name, compiled.value);
    else errors.push(`templates.${name}: ${compiled.error}`);
  }
  if (errors.length > 0) return err(`invalid config:\n  ${errors.join("\n  ")}`);
  return ok({ config, version, templates, warnings });
}

/** The built-in config: Istio's sidecar with Istio's default values and mesh config. */
export function defaultEngine(): Engine {
  const engine = loadEngine("");
  if (!engine.ok) throw new Error(`built-in config does not load: ${engine.error}`);
  return engine.value;
}
