import { type LoadedConfig, type LoadOptions, loadConfig } from "./config/load.ts";
import type { Config } from "./config/types.ts";
import { type Deployment, withRevisions } from "./deployment.ts";
import { err, type Result } from "./json.ts";
import { checkTemplates } from "./render/check.ts";
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
   * Templates that did not compile or failed the render check (render/check.ts), with the error, in
   * an engine built with `partial`: pods that ask for one are denied with that error while the others
   * are served.
   */
  broken: ReadonlyMap<string, string>;
  warnings: string[];
  /** The Istio revision this engine serves (configs from Istio's ConfigMaps). */
  revision?: string;
  /**
   * Every revision of the config, this engine's among them, with the tags and the default revision
   * (core/deployment.ts): admit() picks the revision a request's route names.
   */
  deployment?: Deployment;
}

export interface CompileOptions {
  /**
   * Keep the templates that compile when some do not (the cold start of a handler with no good config
   * to fall back on). Without it, one broken template refuses the whole config: a reload keeps the
   * last good config, and the CLI reports the template.
   */
  partial?: boolean;
  /**
   * The built-in config as shipped (no config document): its templates and data are the ones the test
   * suite renders over Istio's whole corpus, so the load-time render check is skipped for it; that
   * check is most of a cold start's first admission.
   */
  builtinConfig?: boolean;
}

/** Config text → engine; every config or template error is reported, each naming its field. */
export function loadEngine(text: string, options: LoadOptions & CompileOptions = {}): Result<Engine> {
  const loaded = loadConfig(text, BUILTIN_TEMPLATE_NAMES, options);
  if (!loaded.ok) return loaded;
  return compileEngine(loaded.value, { ...options, builtinConfig: text.trim() === "" });
}

export function compileEngine(loaded: LoadedConfig, options: CompileOptions = {}): Result<Engine> {
  const { config, version, warnings } = loaded;
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
  // A template that compiles must also render, within the admission budget, before it serves. One
  // every pod gets (a default template) refuses the config like a template that does not compile;
  // one a pod has to ask for by annotation is only held back, because Istio's own ConfigMap carries
  // templates its gateway controller renders with other data (waypoint, kube-gateway), which no pod
  // injection can render: pods that ask for a held-back template are denied with the reason.
  const failedCheck = options.builtinConfig ? new Map<string, string>() : checkTemplates(config, templates);
  const heldBack: string[] = [];
  for (const [name, message] of failedCheck) {
    templates.delete(name);
    if (config.defaultTemplates.includes(name)) broken.set(name, message);
    else heldBack.push(name);
  }
  if (broken.size > 0 && !options.partial)
    return err(`invalid config:\n  ${[...broken.values()].join("\n  ")}`);
  const all = [...warnings];
  for (const message of broken.values()) all.push(`${message}; pods that use this template are denied`);
  for (const name of heldBack) broken.set(name, failedCheck.get(name) as string);
  // One line for them all: a cluster's ConfigMap always carries the gateway controller's templates,
  // and a warning per template on every load would bury the ones that matter.
  if (heldBack.length > 0)
    all.push(
      `templates ${heldBack.join(", ")} do not render for a pod (Istio's own waypoint, kube-gateway and agentgateway are rendered by its gateway controller, not by injection); a pod that asks for one is denied with the reason`,
    );
  const engine: Engine = { config, version, templates, broken, warnings: all };
  return withRevisions(engine, loaded, (one) => compileEngine(one, options));
}

/** The built-in config: Istio's sidecar with Istio's default values and mesh config. */
export function defaultEngine(): Engine {
  const engine = loadEngine("");
  if (!engine.ok) throw new Error(`built-in config does not load: ${engine.error}`);
  return engine.value;
}
