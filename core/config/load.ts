import { createHash } from "node:crypto";
import { validateSelector } from "../decide/selector.ts";
import { parseDocument } from "../document/yaml.ts";
import { err, isObject, type Json, type JsonObject, ok, type Result } from "../json.ts";
import { defaultMeshConfig, defaultValues, effectiveMesh, mergeValues } from "./defaults.ts";
import type { Config, LabelSelector, NamespaceFacts } from "./types.ts";

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

/** The istiod feature switches Outrigger reads (README "Config", `features`). */
export const KNOWN_FEATURES: Record<string, string> = {
  COMPLIANCE_POLICY: "compliance policy of the proxy (fips-140-3 adds GODEBUG=fips140=only)",
  PLATFORM: "openshift: proxy uid/gid from the namespace's SCC ranges (see `namespaces`)",
};

export interface LoadedConfig {
  config: Config;
  /** Short content hash of the document as given: what /healthz reports and logs carry. */
  version: string;
  /** Accepted but probably not what the user meant (e.g. a policy that injects nothing). */
  warnings: string[];
}

/** Config documents are written by admins, but they still come over the network: cap them. */
export const MAX_CONFIG_BYTES = 4 * 1024 * 1024;

/** Parses and validates a config document (YAML or JSON). Every problem is reported, each naming its field. */
export function loadConfig(text: string, templateNames: readonly string[]): Result<LoadedConfig> {
  if (text.length > MAX_CONFIG_BYTES)
    return err(`config is ${text.length} bytes; the limit is ${MAX_CONFIG_BYTES}`);
  const parsed = text.trim() === "" ? ok<Json>({}) : parseDocument(text);
  if (!parsed.ok) return err(`config: ${parsed.error}`);
  return validateConfig(parsed.value, templateNames);
}

export function validateConfig(doc: Json, builtinTemplateNames: readonly string[]): Result<LoadedConfig> {
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
  if (policy !== "enabled" && policy !== "disabled") {
    warnings.push(`policy: "${policy}" is neither enabled nor disabled, so no pod will be injected`);
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
  const namespaces = namespaceFacts(doc.namespaces, errors);

  if (errors.length > 0) return err(`invalid config:\n  ${errors.join("\n  ")}`);

  const config: Config = {
    policy,
    defaultTemplates,
    templates,
    aliases,
    neverInjectSelector,
    alwaysInjectSelector,
    injectedAnnotations,
    nativeSidecars,
    values: mergeValues(defaultValues, values ?? {}),
    meshConfig: effectiveMesh(meshConfig ?? defaultMeshConfig),
    features,
    namespaces,
  };
  return ok({ config, version: versionOf(doc), warnings });
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
