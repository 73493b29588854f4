import { readFileSync } from "node:fs";
import { configMapRevisions, type IstioParts, isKubeConfigMapDocument } from "../../core/config/istio.ts";
import {
  configFromDocuments,
  istioConfig,
  type LoadedConfig,
  type LoadOptions,
  MAX_CONFIG_BYTES,
  validateConfig,
} from "../../core/config/load.ts";
import { revisionLayout, revisionsConfig } from "../../core/config/revisions.ts";
import { parseDocument, parseDocuments } from "../../core/document/yaml.ts";
import { BUILTIN_TEMPLATE_NAMES, compileEngine, type Engine } from "../../core/engine.ts";
import { err, isObject, type Json, type JsonObject, ok, type Result } from "../../core/json.ts";
import { fileProblem } from "../cli/io.ts";
import { builtinConfigNotice } from "./notice.ts";

export { builtinConfigNotice };

/** The files a command line names, as istioctl kube-inject names them, plus Outrigger's own config. */
export interface ConfigFiles {
  /** `--config`: Outrigger's config document, or Istio's ConfigMaps as kubectl prints them. */
  config?: string;
  /** `--injectConfigFile`: Istio's injector config, the ConfigMap's `data.config`. */
  injectConfig?: string;
  /** `--valuesFile`: the injector ConfigMap's `data.values`, used exactly as given. */
  values?: string;
  /** `--meshConfigFile`: the `istio` ConfigMap's `data.mesh`. */
  mesh?: string;
  /** With several revisions in the ConfigMaps: the one to use. */
  revision?: string;
}

/**
 * The engine for the files given on the command line; the built-in config where none is.
 * - `--injectConfigFile` (with `--valuesFile`, `--meshConfigFile`): Istio's own config, as istioctl
 *   reads it; `--config` may then add an Outrigger document of the keys that sit beside ConfigMaps.
 * - `--config` with Istio's ConfigMaps: `--valuesFile` / `--meshConfigFile` replace their data.
 * - `--config` with Outrigger's config: `--valuesFile` replaces its `values` (used as given, not on
 *   Outrigger's defaults) and `--meshConfigFile` its `meshConfig`.
 * `env` holds istiod's switches (ENABLE_NATIVE_SIDECARS, PLATFORM, COMPLIANCE_POLICY). Every error names
 * the file it comes from.
 */
export function engineFromFiles(files: ConfigFiles, env: LoadOptions["env"] = {}): Result<Engine> {
  const named = [files.config, files.injectConfig, files.values, files.mesh].filter((f) => f !== undefined);
  const loaded = loadFiles(files, { env, ...(files.revision ? { revision: files.revision } : {}) });
  const engine = loaded.ok ? compileEngine(loaded.value) : loaded;
  if (engine.ok) {
    if (named.length > 0) return engine;
    const notice = builtinConfigNotice(engine.value, "give --config");
    return ok({ ...engine.value, warnings: [...engine.value.warnings, notice] });
  }
  // A message that already names its file (a file that cannot be read, a values file of several
  // documents) is not prefixed with every file again.
  if (named.length === 0 || named.some((f) => engine.error.startsWith(`${f}: `))) return engine;
  return err(`${named.join(", ")}: ${engine.error}`);
}

function loadFiles(files: ConfigFiles, options: LoadOptions) {
  const text = (path: string | undefined, what: string): Result<string | undefined> =>
    path === undefined ? ok(undefined) : readText(path, what);
  const values = oneDocument(text(files.values, "values"), files.values, "values", "data.values");
  const mesh = oneDocument(text(files.mesh, "mesh config"), files.mesh, "mesh config", "data.mesh");
  const config = text(files.config, "config");
  if (!values.ok) return values;
  if (!mesh.ok) return mesh;
  if (!config.ok) return config;
  if (config.value !== undefined && config.value.length > MAX_CONFIG_BYTES)
    return err(`${files.config}: config is ${config.value.length} bytes; the limit is ${MAX_CONFIG_BYTES}`);
  const docs = config.value === undefined ? ok<Json[]>([]) : parseDocuments(config.value);
  if (!docs.ok) return err(`${files.config}: ${docs.error}`);
  const kube = docs.value.filter(isKubeConfigMapDocument);
  const own = docs.value.filter((d) => d !== null && !isKubeConfigMapDocument(d));
  if (own.length > 1) return err(`${files.config}: ${own.length} config documents; give one`);

  if (files.injectConfig !== undefined) {
    if (kube.length > 0)
      return err(`${files.config}: holds ConfigMaps; give either them or --injectConfigFile, not both`);
    const injector = readText(files.injectConfig, "injector config");
    if (!injector.ok) return injector;
    const parts: IstioParts = { injector: injector.value, origin: { injector: files.injectConfig } };
    if (values.value !== undefined) [parts.values, parts.origin.values] = [values.value, files.values];
    if (mesh.value !== undefined) [parts.mesh, parts.origin.mesh] = [mesh.value, files.mesh];
    return istioConfig(parts, own[0] ?? {}, options);
  }
  if (kube.length > 0)
    return configMapsConfig(files, docs.value, kube, own[0] ?? {}, values.value, mesh.value, options);

  const doc = own[0] ?? {};
  if (!isObject(doc)) return err(`${files.config}: the config must be a mapping`);
  let exported: JsonObject | undefined;
  for (const [key, path, body] of [
    ["values", files.values, values.value],
    ["meshConfig", files.mesh, mesh.value],
  ] as const) {
    if (body === undefined) continue;
    const part = mapping(body, path as string, key);
    if (!part.ok) return part;
    if (key === "values") exported = part.value;
    else doc[key] = part.value;
  }
  const loaded = validateConfig(doc, BUILTIN_TEMPLATE_NAMES, {
    ...options,
    ...(exported ? { values: exported } : {}),
  });
  // The mesh file stands in for the config's meshConfig: its warnings name the file.
  if (!loaded.ok || files.mesh === undefined) return loaded;
  const warnings = loaded.value.warnings.map((w) =>
    w.startsWith("meshConfig.") ? `${files.mesh}: ${w.slice("meshConfig.".length)}` : w,
  );
  return ok({ ...loaded.value, warnings });
}

/**
 * Istio's ConfigMaps, loaded as the function loads them (load.ts loadConfig: every revision, the tags
 * and per-revision settings beside them validated), the one returned being `--revision`'s (a revision
 * or a tag) or the default's. `--valuesFile` / `--meshConfigFile` replace that revision's data.
 */
function configMapsConfig(
  files: ConfigFiles,
  docs: Json[],
  kube: Json[],
  beside: Json,
  values: string | undefined,
  mesh: string | undefined,
  options: LoadOptions,
): Result<LoadedConfig> {
  const named = (r: Result<LoadedConfig>) =>
    r.ok ? r : err(`${files.config}: ${r.error.replace(/^config: /, "")}`);
  if (values === undefined && mesh === undefined)
    return named(configFromDocuments(docs, BUILTIN_TEMPLATE_NAMES, options));
  const target = targetRevision(kube, beside, options.revision);
  const loadOne = (parts: IstioParts, doc: Json, opts: LoadOptions) => {
    if (opts.revision !== target) return istioConfig(parts, doc, opts);
    const own: IstioParts = { ...parts, origin: { ...parts.origin } };
    if (values !== undefined) [own.values, own.origin.values] = [values, files.values];
    if (mesh !== undefined) [own.mesh, own.origin.mesh] = [mesh, files.mesh];
    return istioConfig(own, doc, opts);
  };
  return named(revisionsConfig(kube, beside, options, loadOne));
}

/** The revision `wanted` (a revision or a tag) names, or the default one; undefined when none is. */
function targetRevision(kube: Json[], beside: Json, wanted: string | undefined): string | undefined {
  const revisions = configMapRevisions(kube);
  if (!revisions.ok) return undefined;
  const names = [...revisions.value.revisions.keys()];
  const layout = revisionLayout(beside, names, wanted);
  if (!layout.ok) return undefined;
  if (wanted === undefined) return layout.value.default;
  return names.includes(wanted) ? wanted : layout.value.tags[wanted];
}

/** The engine for a config file given on the command line, or the built-in config without one. */
export function engineFromFile(path: string | undefined, env: LoadOptions["env"] = {}): Result<Engine> {
  return engineFromFiles({ config: path }, env);
}

function readText(path: string, what: string): Result<string> {
  try {
    return ok(readFileSync(path, "utf8"));
  } catch (e) {
    const problem = fileProblem((e as NodeJS.ErrnoException).code, (e as Error).message);
    return err(`${path}: cannot read the ${what} file: ${problem}`);
  }
}

/**
 * A values or mesh file is the one document a ConfigMap key holds; a file of several (a `---` line,
 * often a whole ConfigMap export) is refused naming the key to export instead.
 */
function oneDocument(
  text: Result<string | undefined>,
  path: string | undefined,
  what: string,
  key: string,
): Result<string | undefined> {
  if (!text.ok || text.value === undefined) return text;
  const docs = parseDocuments(text.value);
  const count = docs.ok ? docs.value.filter((d) => d !== null).length : 0;
  if (count <= 1) return text;
  return err(
    `${path}: holds ${count} YAML documents (--- lines); the ${what} file is one document, the ConfigMap's ${key} as \`kubectl get configmap ... -o jsonpath='{.${key}}'\` prints it`,
  );
}

function mapping(text: string, path: string, what: string): Result<JsonObject> {
  if (text.trim() === "") return ok({});
  const parsed = parseDocument(text);
  if (!parsed.ok) return err(`${path}: ${parsed.error}`);
  if (parsed.value === null) return ok({});
  if (!isObject(parsed.value)) return err(`${path}: the ${what} must be a mapping`);
  return ok(parsed.value);
}
