import { createHash } from "node:crypto";
import { validateSelector } from "../decide/selector.ts";
import { parseDocument, parseDocuments } from "../document/yaml.ts";
import { err, isObject, type Json, type JsonObject, ok, type Result } from "../json.ts";
import { isGoTemplate } from "../render/syntax.ts";
import { defaultMeshConfig, defaultValues, effectiveMesh, mergeValues } from "./defaults.ts";
import {
  DEFAULT_REVISION,
  type IstioParts,
  isKubeConfigMapDocument,
  parseInjectorConfig,
  parseIstioMesh,
  parseIstioValues,
} from "./istio.ts";
import { unknownMeshFields } from "./mesh-fields.ts";
import { type RevisionLayout, revisionSettings, revisionsConfig } from "./revisions.ts";
import type { Config, LabelSelector, NamespaceFacts, TemplateSyntax } from "./types.ts";

/** The keys of the config document, in the order the README documents them. */
export const CONFIG_KEYS = [
  "policy",
  "defaultTemplates",
  "templates",
  "aliases",
  "neverInjectSelector",
  "alwaysInjectSelector",
  "injectedAnnotations",
  "nativeSidecars",
  "values",
  "meshConfig",
  "features",
  "namespaces",
] as const;

/** The keys an Outrigger document may set beside Istio's ConfigMaps (the rest is in the ConfigMaps). */
export const BESIDE_CONFIGMAP_KEYS = [
  "nativeSidecars",
  "features",
  "namespaces",
  "tags",
  "revisions",
] as const;

/** The istiod feature switches Outrigger reads (README "Config", `features`). */
export const KNOWN_FEATURES: Record<string, string> = {
  COMPLIANCE_POLICY: "compliance policy of the proxy (fips-140-3 adds GODEBUG=fips140=only)",
  PLATFORM: "openshift: proxy uid/gid from the namespace's SCC ranges (see `namespaces`)",
};

/** istiod's environment switches that Outrigger reads from its own environment, as istiod does. */
export const ENV_FEATURES = ["ENABLE_NATIVE_SIDECARS", "PLATFORM", "COMPLIANCE_POLICY"] as const;

export interface LoadedConfig {
  config: Config;
  /** Short content hash of the document as given: what /healthz reports and logs carry. */
  version: string;
  /** Accepted but probably not what the user meant (e.g. a policy that injects nothing). */
  warnings: string[];
  /** The Istio revision this config is (Istio's ConfigMaps; `default` for ones without a suffix). */
  revision?: string;
  /** On the config a document loads to: every revision it holds, this one among them (core/config/revisions.ts). */
  deployment?: LoadedDeployment;
}

/** The revisions of one document, each loaded, with its tags and default revision. */
export interface LoadedDeployment extends RevisionLayout {
  revisions: ReadonlyMap<string, LoadedConfig>;
}

export interface LoadOptions {
  /**
   * The process environment's istiod switches (ENABLE_NATIVE_SIDECARS, PLATFORM, COMPLIANCE_POLICY),
   * passed in by the edge that reads the environment; the core never reads it.
   */
  env?: Readonly<Record<string, string | undefined>>;
  /**
   * The revision (or a tag of it) whose config is the one returned; every revision is loaded either
   * way, and is on `deployment`. Default: the default revision (core/config/revisions.ts).
   */
  revision?: string;
  /**
   * Values exported from a cluster (`--valuesFile`), used exactly as given in place of the config's
   * `values`, which are overrides on Outrigger's defaults.
   */
  values?: JsonObject;
}

/** Config documents are written by admins, but they still come over the network: cap them. */
export const MAX_CONFIG_BYTES = 4 * 1024 * 1024;

/**
 * Parses and validates a config (YAML or JSON). It is either Outrigger's own config document, or
 * Istio's ConfigMaps as `kubectl get configmap -o yaml` prints them (a List or a `---` stream),
 * optionally with one Outrigger document beside them for what a cluster would know and a webhook
 * outside it cannot (`nativeSidecars`, `features`, `namespaces`, and `tags` / `revisions` for several
 * revisions). Every problem is reported, each naming its field.
 */
export function loadConfig(
  text: string,
  templateNames: readonly string[],
  options: LoadOptions = {},
): Result<LoadedConfig> {
  if (text.length > MAX_CONFIG_BYTES)
    return err(`config is ${text.length} bytes; the limit is ${MAX_CONFIG_BYTES}`);
  const parsed = text.trim() === "" ? ok<Json[]>([]) : parseDocuments(text);
  if (!parsed.ok) return err(`config: ${parsed.error}`);
  return configFromDocuments(parsed.value, templateNames, options);
}

/** loadConfig for documents already parsed (the CLI parses a `--config` file to see what it holds). */
export function configFromDocuments(
  parsed: readonly Json[],
  templateNames: readonly string[],
  options: LoadOptions = {},
): Result<LoadedConfig> {
  const docs = parsed.filter((d) => d !== null);
  const kube = docs.filter(isKubeConfigMapDocument);
  if (kube.length > 0) {
    const own = docs.filter((d) => !isKubeConfigMapDocument(d));
    if (own.length > 1) return err("config: beside Istio's ConfigMaps, give at most one Outrigger document");
    const loaded = revisionsConfig(kube, own[0] ?? {}, options, istioConfig);
    if (loaded.ok)
      for (const one of loaded.value.deployment?.revisions.values() ?? []) one.version = versionOf(docs);
    return loaded;
  }
  if (docs.length > 1)
    return err(
      `config: ${docs.length} documents; give one Outrigger config document, or Istio's ConfigMaps (kind: ConfigMap or List)`,
    );
  return validateConfig(docs[0] ?? {}, templateNames, options);
}

/**
 * A config from Istio's own parts: the injector config, values and mesh of one revision, as the
 * istioctl trio (`--injectConfigFile`, `--valuesFile`, `--meshConfigFile`) or the ConfigMaps give
 * them. `beside` is the optional Outrigger document with what the ConfigMaps cannot say.
 */
export function istioConfig(
  parts: IstioParts,
  beside: Json,
  options: LoadOptions = {},
): Result<LoadedConfig> {
  const errors: string[] = [];
  const warnings: string[] = [];
  if (!isObject(beside)) return err("config: the Outrigger document beside the ConfigMaps must be a mapping");
  for (const key of Object.keys(beside)) {
    if (!(BESIDE_CONFIGMAP_KEYS as readonly string[]).includes(key))
      errors.push(
        `${key}: not set beside Istio's ConfigMaps (they hold it); an Outrigger document there may set ${BESIDE_CONFIGMAP_KEYS.join(", ")}`,
      );
  }
  const shared = optional(beside, "nativeSidecars", false, isBoolean, "must be true or false", errors);
  // A revision's own setting wins over the document's: clusters upgrade nodes and Istio together.
  const own = revisionSettings(beside, options.revision ?? DEFAULT_REVISION, errors);
  const nativeSidecars = own.nativeSidecars ?? shared;
  const features = featuresOf(beside, errors, warnings);
  const namespaces = namespaceFacts(beside.namespaces, errors);

  const injector = parseInjectorConfig(parts.injector ?? "", parts.origin.injector ?? "injector config");
  if (!injector.ok) errors.push(injector.error);
  let values: JsonObject = {};
  if (parts.values === undefined) {
    values = defaultValues;
    warnings.push(
      "no Istio values given (data.values or --valuesFile); Outrigger's built-in defaults are used, which name Istio's test registry and tag",
    );
  } else {
    const v = parseIstioValues(parts.values, parts.origin.values ?? "values");
    if (v.ok) values = v.value;
    else errors.push(v.error);
  }
  let mesh: JsonObject = defaultMeshConfig;
  if (parts.mesh !== undefined) {
    const origin = parts.origin.mesh ?? "mesh config";
    const m = parseIstioMesh(parts.mesh, origin);
    if (m.ok) {
      mesh = m.value;
      for (const w of unknownMeshFields(m.value)) warnings.push(`${origin}: ${w}`);
    } else errors.push(m.error);
  }
  if (errors.length > 0 || !injector.ok) return err(`invalid config:\n  ${errors.join("\n  ")}`);

  const inj = injector.value.config;
  warnings.push(...injector.value.warnings);
  for (const key of ["neverInjectSelector", "alwaysInjectSelector"] as const) {
    inj[key].forEach((sel, i) => {
      for (const problem of validateSelector(sel, `${key}[${i}]`))
        warnings.push(
          `${parts.origin.injector ?? "injector config"}: ${problem}; istiod skips this selector`,
        );
    });
  }
  const known = new Set(Object.keys(inj.templates));
  for (const name of [...inj.defaultTemplates, ...Object.values(inj.aliases).flat()]) {
    if (!known.has(name) && !Object.hasOwn(inj.aliases, name))
      warnings.push(
        `${parts.origin.injector ?? "injector config"}: no template named "${name}"; pods that use it are denied`,
      );
  }
  const syntax: Record<string, TemplateSyntax> = {};
  for (const name of Object.keys(inj.templates)) syntax[name] = "go";
  const config: Config = {
    policy: inj.policy,
    defaultTemplates: inj.defaultTemplates,
    templates: inj.templates,
    templateSyntax: syntax,
    builtinTemplates: false,
    aliases: inj.aliases,
    neverInjectSelector: inj.neverInjectSelector as unknown as LabelSelector[],
    alwaysInjectSelector: inj.alwaysInjectSelector as unknown as LabelSelector[],
    injectedAnnotations: inj.injectedAnnotations,
    nativeSidecars,
    values,
    meshConfig: effectiveMesh(mesh),
    features,
    namespaces,
  };
  const setsNative = Object.hasOwn(beside, "nativeSidecars") || own.nativeSidecars !== undefined;
  applyEnvFeatures(config, setsNative, options.env, warnings);
  return ok({
    config,
    version: versionOf([parts.injector ?? "", parts.values ?? "", parts.mesh ?? ""]),
    warnings,
  });
}

/**
 * istiod reads ENABLE_NATIVE_SIDECARS, PLATFORM and COMPLIANCE_POLICY from its environment; Outrigger
 * reads them from its own, and the environment wins over the config (it is how the deployment is
 * switched, as istiod's is). ENABLE_NATIVE_SIDECARS=auto, istiod's default, makes istiod look at the
 * cluster's Nodes, which a webhook outside the cluster cannot: here it means false, as istioctl
 * kube-inject without a cluster does; set it to true once every node runs kubelet 1.33 or later.
 */
function applyEnvFeatures(
  config: Config,
  configSetsNative: boolean,
  env: LoadOptions["env"],
  warnings: string[],
): void {
  if (!env) return;
  for (const name of ["PLATFORM", "COMPLIANCE_POLICY"] as const) {
    const v = env[name];
    if (v !== undefined && v !== "") config.features = { ...config.features, [name]: v };
  }
  const native = env.ENABLE_NATIVE_SIDECARS?.trim().toLowerCase();
  if (native === undefined || native === "") return;
  let value: boolean;
  if (native === "true") value = true;
  else if (native === "false") value = false;
  else if (native === "auto") {
    value = false;
    warnings.push(
      "ENABLE_NATIVE_SIDECARS=auto: istiod would look at the cluster's Nodes, which Outrigger cannot; native sidecars are off (set true once every node runs kubelet 1.33+)",
    );
  } else {
    warnings.push(
      `ENABLE_NATIVE_SIDECARS="${env.ENABLE_NATIVE_SIDECARS}" is not true, false or auto; ignored`,
    );
    return;
  }
  if (configSetsNative && value !== config.nativeSidecars)
    warnings.push(
      `ENABLE_NATIVE_SIDECARS=${native} overrides the config's nativeSidecars: ${config.nativeSidecars}`,
    );
  config.nativeSidecars = value;
}

export function validateConfig(
  doc: Json,
  builtinTemplateNames: readonly string[],
  options: LoadOptions = {},
): Result<LoadedConfig> {
  const errors: string[] = [];
  const warnings: string[] = [];
  if (!isObject(doc)) return err(`config: must be a mapping of the keys ${CONFIG_KEYS.join(", ")}`);

  for (const key of Object.keys(doc)) {
    if (!(CONFIG_KEYS as readonly string[]).includes(key)) {
      errors.push(`${key}: unknown key; known keys are ${CONFIG_KEYS.join(", ")}`);
    }
  }

  const policy = optional(
    doc,
    "policy",
    "enabled",
    isString,
    "must be a string (enabled or disabled)",
    errors,
  );
  // istiod loads any policy and injects nothing by it; in Outrigger's own config a misspelt value
  // (`enable`) is refused like a misspelt key, since it would silently turn injection off.
  if (policy !== "enabled" && policy !== "disabled") {
    errors.push(`policy: "${policy}" is not a policy; the valid values are enabled and disabled`);
  }
  const templates = optional<Record<string, string>>(
    doc,
    "templates",
    {},
    isStringMap,
    "must map template names to template text",
    errors,
  );
  const aliases = optional<Record<string, string[]>>(
    doc,
    "aliases",
    {},
    isStringListMap,
    "must map alias names to lists of template names",
    errors,
  );
  const defaultTemplates = optional(
    doc,
    "defaultTemplates",
    ["sidecar"],
    isStringList,
    "must be a list of template names",
    errors,
  );
  const known = new Set([...builtinTemplateNames, ...Object.keys(templates)]);
  defaultTemplates.forEach((name, i) => {
    if (!known.has(name) && !(name in aliases)) {
      errors.push(
        `defaultTemplates[${i}]: no template or alias named "${name}"; have ${[...known].sort().join(", ")}`,
      );
    }
  });
  for (const [alias, names] of Object.entries(aliases as Record<string, string[]>)) {
    names.forEach((name, i) => {
      if (!known.has(name)) errors.push(`aliases.${alias}[${i}]: no template named "${name}"`);
    });
  }

  const selectors = (key: "neverInjectSelector" | "alwaysInjectSelector"): LabelSelector[] => {
    const list = optional(doc, key, [], Array.isArray, "must be a list of label selectors", errors) as Json[];
    list.forEach((sel, i) => {
      errors.push(...validateSelector(sel, `${key}[${i}]`));
    });
    return list as unknown as LabelSelector[];
  };
  const neverInjectSelector = selectors("neverInjectSelector");
  const alwaysInjectSelector = selectors("alwaysInjectSelector");

  const injectedAnnotations = optional<Record<string, string>>(
    doc,
    "injectedAnnotations",
    {},
    isStringMap,
    "must map annotation names to string values",
    errors,
  );
  const nativeSidecars = optional(doc, "nativeSidecars", false, isBoolean, "must be true or false", errors);
  const values = embeddedDocument(doc, "values", errors);
  const meshConfig = embeddedDocument(doc, "meshConfig", errors);
  for (const w of meshConfig ? unknownMeshFields(meshConfig) : []) warnings.push(`meshConfig.${w}`);
  const features = featuresOf(doc, errors, warnings);
  const namespaces = namespaceFacts(doc.namespaces, errors);

  if (errors.length > 0) return err(`invalid config:\n  ${errors.join("\n  ")}`);

  const templateSyntax: Record<string, TemplateSyntax> = {};
  for (const [name, text] of Object.entries(templates))
    templateSyntax[name] = isGoTemplate(text) ? "go" : "handlebars";
  const config: Config = {
    policy,
    defaultTemplates,
    templates,
    templateSyntax,
    builtinTemplates: true,
    aliases,
    neverInjectSelector,
    alwaysInjectSelector,
    injectedAnnotations,
    nativeSidecars,
    values: options.values ?? mergeValues(defaultValues, values ?? {}),
    meshConfig: effectiveMesh(meshConfig ?? defaultMeshConfig),
    features,
    namespaces,
  };
  applyEnvFeatures(config, Object.hasOwn(doc, "nativeSidecars"), options.env, warnings);
  return ok({ config, version: versionOf(doc), warnings });
}

/** `features`: istiod's feature switches by name; names Outrigger does not read are warned about. */
function featuresOf(doc: JsonObject, errors: string[], warnings: string[]): Record<string, string> {
  const features = optional<Record<string, string>>(
    doc,
    "features",
    {},
    isStringMap,
    "must map Istio feature names to string values",
    errors,
  );

  for (const name of Object.keys(features)) {
    if (name === "ENABLE_NATIVE_SIDECARS") {
      warnings.push(
        "features.ENABLE_NATIVE_SIDECARS: not read; Outrigger cannot list nodes, set `nativeSidecars: true|false`",
      );
    } else if (!(name in KNOWN_FEATURES)) {
      warnings.push(
        `features.${name}: not read by Outrigger; it reads ${Object.keys(KNOWN_FEATURES).join(", ")}`,
      );
    }
  }
  const platform = features.PLATFORM;
  if (platform !== undefined && platform !== "" && platform !== "openshift") {
    warnings.push(
      `features.PLATFORM: "${platform}" changes nothing for injection; the value Outrigger reads is openshift (exactly)`,
    );
  }
  return features;
}

/** `namespaces: {<name>: {labels: {...}, annotations: {...}}}`, every problem reported with its path. */
function namespaceFacts(v: Json | undefined, errors: string[]): Record<string, NamespaceFacts> {
  const out: Record<string, NamespaceFacts> = {};
  if (v === undefined || v === null) return out;
  if (!isObject(v)) {
    errors.push(`namespaces: must map namespace names to {labels, annotations}, got ${describe(v)}`);
    return out;
  }
  for (const [name, facts] of Object.entries(v)) {
    const path = `namespaces.${name}`;
    if (facts === null) {
      out[name] = { labels: {}, annotations: {} };
      continue;
    }
    if (!isObject(facts)) {
      errors.push(`${path}: must be a mapping with labels and/or annotations, got ${describe(facts)}`);
      continue;
    }
    const entry: NamespaceFacts = { labels: {}, annotations: {} };
    for (const [key, map] of Object.entries(facts)) {
      if (key !== "labels" && key !== "annotations") {
        errors.push(`${path}.${key}: unknown key; known keys are labels, annotations`);
        continue;
      }
      if (map === null) continue;
      if (!isObject(map)) {
        errors.push(`${path}.${key}: must map names to string values, got ${describe(map)}`);
        continue;
      }
      for (const [k, val] of Object.entries(map)) {
        if (typeof val === "string") entry[key][k] = val;
        else errors.push(`${path}.${key}.${k}: must be a string, got ${describe(val)}`);
      }
    }
    out[name] = entry;
  }
  return out;
}

function versionOf(doc: Json): string {
  return createHash("sha256").update(canonicalJson(doc)).digest("hex").slice(0, 16);
}

/** JSON with sorted keys, so the same config always hashes to the same version. */
function canonicalJson(v: Json): string {
  if (Array.isArray(v)) return `[${v.map(canonicalJson).join(",")}]`;
  if (isObject(v)) {
    const keys = Object.keys(v).sort();
    return `{${keys.map((k) => `${JSON.stringify(k)}:${canonicalJson(v[k] as Json)}`).join(",")}}`;
  }
  return JSON.stringify(v);
}

/**
 * `values` and `meshConfig` may be given as a mapping or as the string users get from
 * `kubectl get configmap ... -o jsonpath='{.data.values}'` (JSON) or `{.data.mesh}` (YAML).
 */
function embeddedDocument(doc: JsonObject, key: string, errors: string[]): JsonObject | undefined {
  const v = doc[key];
  if (v === undefined || v === null) return undefined;
  if (isObject(v)) return v;
  if (typeof v === "string") {
    const parsed = parseDocument(v);
    if (!parsed.ok) {
      errors.push(`${key}: ${parsed.error}`);
      return undefined;
    }
    if (parsed.value === null) return {};
    if (isObject(parsed.value)) return parsed.value;
  }
  errors.push(`${key}: must be a mapping (or a YAML/JSON document that is one)`);
  return undefined;
}

function optional<T>(
  doc: JsonObject,
  key: string,
  fallback: T,
  check: (v: unknown) => boolean,
  expectation: string,
  errors: string[],
): T {
  const v = doc[key];
  if (v === undefined || v === null) return fallback;
  if (!check(v)) {
    errors.push(`${key}: ${expectation}, got ${describe(v)}`);
    return fallback;
  }
  return v as T;
}

function describe(v: unknown): string {
  if (Array.isArray(v)) return "a list";
  if (isObject(v)) return "a mapping";
  return `${typeof v} ${JSON.stringify(v)?.slice(0, 40)}`;
}

const isString = (v: unknown): v is string => typeof v === "string";
const isBoolean = (v: unknown): v is boolean => typeof v === "boolean";
const isStringList = (v: unknown): v is string[] => Array.isArray(v) && v.every(isString);
const isStringMap = (v: unknown): boolean => isObject(v) && Object.values(v).every(isString);
const isStringListMap = (v: unknown): boolean => isObject(v) && Object.values(v).every(isStringList);
