import { type LoadedConfig, type LoadOptions, loadConfig } from "./config/load.ts";
import type { Config } from "./config/types.ts";
import { err, ok, type Result } from "./json.ts";
import { builtin, compile, type Template } from "./render/template.ts";
import { BUILTIN_TEMPLATE_NAMES } from "./templates/index.ts";

export { BUILTIN_TEMPLATE_NAMES };

/**
 * A loaded config with its templates compiled: what every admission runs against. Built once per
 * config version (at cold start and when a reload brings a new version), never per request.
 */
export interface Engine {
  config: Config;
  version: string;
  templates: ReadonlyMap<string, Template>;
  /**
   * Templates that did not compile, with the error, in an engine built with `partial`: pods that ask
   * for one are denied with that error while the others are served.
   */
  broken: ReadonlyMap<string, string>;
  warnings: string[];
}

export interface CompileOptions {
  /**
   * Keep the templates that compile when some do not (the cold start of a handler with no good config
   * to fall back on). Without it, one broken template refuses the whole config: a reload keeps the
   * last good config, and the CLI reports the template.
   */
  partial?: boolean;
}

/** Config text → engine; every config or template error is reported, each naming its field. */
export function loadEngine(text: string, options: LoadOptions & CompileOptions = {}): Result<Engine> {
  const loaded = loadConfig(text, BUILTIN_TEMPLATE_NAMES, options);
  if (!loaded.ok) return loaded;
  return compileEngine(loaded.value, options);
}

export function compileEngine(
  { config, version, warnings }: LoadedConfig,
  options: CompileOptions = {},
): Result<Engine> {
  const templates = new Map<string, Template>();
  const broken = new Map<string, string>();
  // The built-in templates (a config's template of the same name replaces one), then the config's own.
  const names = [
    ...(config.builtinTemplates ? BUILTIN_TEMPLATE_NAMES : []),
    ...Object.keys(config.templates),
  ];
  for (const name of new Set(names)) {
    const text = Object.hasOwn(config.templates, name) ? config.templates[name] : undefined;
    const compiled =
      text === undefined ? builtin(name) : compile(name, text, config.templateSyntax[name] ?? "handlebars");
    if (compiled.ok) templates.set(name, compiled.value);
    else broken.set(name, `templates.${name}: ${compiled.error}`);
  }
  if (broken.size > 0 && !options.partial)
    return err(`invalid config:\n  ${[...broken.values()].join("\n  ")}`);
  const all = [...warnings];
  for (const message of broken.values()) all.push(`${message}; pods that use this template are denied`);
  return ok({ config, version, templates, broken, warnings: all });
}

/** The built-in config: Istio's sidecar with Istio's default values and mesh config. */
export function defaultEngine(): Engine {
  const engine = loadEngine("");
  if (!engine.ok) throw new Error(`built-in config does not load: ${engine.error}`);
  return engine.value;
}
