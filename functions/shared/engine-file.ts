import { readFileSync } from "node:fs";
import {
  configMapRevisions,
  DEFAULT_REVISION,
  type IstioParts,
  isKubeConfigMapDocument,
} from "../../core/config/istio.ts";
import { istioConfig, type LoadOptions, validateConfig } from "../../core/config/load.ts";
import { parseDocument, parseDocuments } from "../../core/document/yaml.ts";
import { BUILTIN_TEMPLATE_NAMES, compileEngine, type Engine } from "../../core/engine.ts";
import { err, isObject, type Json, type JsonObject, ok, type Result } from "../../core/json.ts";

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
  if (engine.ok || named.length === 0) return engine;
  return err(`${named.join(", ")}: ${engine.error}`);
}

function loadFiles(files: ConfigFiles, options: LoadOptions) {
  const text = (path: string | undefined, what: string): Result<string | undefined> =>
    path === undefined ? ok(undefined) : readText(path, what);
  const values = text(files.values, "values");
  const mesh = text(files.mesh, "mesh config");
  const config = text(files.config, "config");
  if (!values.ok) return values;
  if (!mesh.ok) return mesh;
  if (!config.ok) return config;
  const docs = config.value === undefined ? ok<Json[]>([]) : parseDocuments(config.value);
  if (!docs.ok) return err(`${files.config}: ${docs.error}`);
  const kube = docs.value.filter(isKubeConfigMapDocument);
  const own = docs.value.filter((d) => d !== null && !isKubeConfigMapDocument(d));
  if (own.length > 1) return err(`${files.config}: ${own.length} config documents; give one`);

  let parts: IstioParts | undefined;
  if (files.injectConfig !== undefined) {
    if (kube.length > 0)
      return err(`${files.config}: holds ConfigMaps; give either them or --injectConfigFile, not both`);
    const injector = readText(files.injectConfig, "injector config");
    if (!injector.ok) return injector;
    parts = { injector: injector.value, origin: { injector: files.injectConfig } };
  } else if (kube.length > 0) {
    const revisions = configMapRevisions(kube);
    if (!revisions.ok) return err(`${files.config}: ${revisions.error}`);
    const wanted = options.revision ?? DEFAULT_REVISION;
    parts = revisions.value.revisions.get(wanted);
    if (!parts)
      return err(
        `${files.config}: no revision "${wanted}"; the ConfigMaps hold ${[...revisions.value.revisions.keys()].sort().join(", ")}`,
      );
  }
  if (parts) {
    if (values.value !== undefined) {
      parts.values = values.value;
      parts.origin.values = files.values;
    }
    if (mesh.value !== undefined) {
      parts.mesh = mesh.value;
      parts.origin.mesh = files.mesh;
    }
    return istioConfig(parts, own[0] ?? {}, options);
  }

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
  return validateConfig(doc, BUILTIN_TEMPLATE_NAMES, {
    ...options,
    ...(exported ? { values: exported } : {}),
  });
}

/** The engine for a config file given on the command line, or the built-in config without one. */
export function engineFromFile(path: string | undefined, env: LoadOptions["env"] = {}): Result<Engine> {
  return engineFromFiles({ config: path }, env);
}

function readText(path: string, what: string): Result<string> {
  try {
    return ok(readFileSync(path, "utf8"));
  } catch (e) {
    return err(`cannot read ${what} ${path}: ${fileError(e)}`);
  }
}

function fileError(e: unknown): string {
  const code = (e as NodeJS.ErrnoException).code;
  if (code === "ENOENT") return "no such file";
  if (code === "EISDIR") return "it is a directory, not a file";
  if (code === "EACCES" || code === "EPERM") return "permission denied";
  return code ?? (e as Error).message;
}

function mapping(text: string, path: string, what: string): Result<JsonObject> {
  if (text.trim() === "") return ok({});
  const parsed = parseDocument(text);
  if (!parsed.ok) return err(`${path}: ${parsed.error}`);
  if (parsed.value === null) return ok({});
  if (!isObject(parsed.value)) return err(`${path}: the ${what} must be a mapping`);
  return ok(parsed.value);
}
