import { parseDocument } from "../document/yaml.ts";
import { err, isObject, type Json, type JsonObject, ok, type Result } from "../json.ts";

/**
 * Istio's own injector configuration, as a cluster holds it: the ConfigMap `istio-sidecar-injector`
 * (`data.config`: Istio's injector schema with Go templates; `data.values`: the Helm values JSON) and
 * the ConfigMap `istio` (`data.mesh`), each optionally suffixed `-<revision>`. These are read the way
 * istiod reads them (pkg/kube/inject UnmarshalConfig, webhook.go loadConfig): unknown keys of the
 * injector schema are ignored (the chart's legacy `template:` key among them), an empty
 * `defaultTemplates` means `[sidecar]`, values are used exactly as exported (nothing layered under
 * them), and a selector istiod cannot parse is skipped with a warning rather than failing the config.
 */

/** The documents injection reads from one Istio revision, each as the text the ConfigMap holds. */
export interface IstioParts {
  /** `data.config` of the injector ConfigMap (or an `--injectConfigFile`). */
  injector?: string;
  /** `data.values` (or a `--valuesFile`). */
  values?: string;
  /** `data.mesh` of the `istio` ConfigMap (or a `--meshConfigFile`). */
  mesh?: string;
  /** Where each part came from, for messages: `ConfigMap istio-sidecar-injector data.config`. */
  origin: { injector?: string; values?: string; mesh?: string };
}

/** The injector schema's fields after istiod's unmarshalling. */
export interface IstioInjectorConfig {
  policy: string;
  defaultTemplates: string[];
  templates: Record<string, string>;
  aliases: Record<string, string[]>;
  neverInjectSelector: Json[];
  alwaysInjectSelector: Json[];
  injectedAnnotations: Record<string, string>;
}

const INJECTOR_CONFIGMAP = /^istio-sidecar-injector(?:-(.+))?$/;
const MESH_CONFIGMAP = /^istio(?:-(.+))?$/;
export const DEFAULT_REVISION = "default";

/** Whether a document is a ConfigMap or a `v1 List` (what `kubectl get configmap ... -o yaml` prints). */
export function isKubeConfigMapDocument(doc: Json): boolean {
  return isObject(doc) && (doc.kind === "ConfigMap" || doc.kind === "List");
}

/**
 * Istio's ConfigMaps among documents (List items flattened), grouped by revision. ConfigMaps of other
 * names are ignored with a warning, so `kubectl get configmap -n istio-system -o yaml` can be given whole.
 */
export function configMapRevisions(
  docs: Json[],
): Result<{ revisions: Map<string, IstioParts>; warnings: string[] }> {
  const revisions = new Map<string, IstioParts>();
  const warnings: string[] = [];
  const errors: string[] = [];
  const maps: JsonObject[] = [];
  const visit = (doc: Json, where: string) => {
    if (!isObject(doc)) return;
    if (doc.kind === "List") {
      if (!Array.isArray(doc.items)) errors.push(`${where}: a List must have items`);
      else for (const [i, item] of doc.items.entries()) visit(item, `${where} items[${i}]`);
      return;
    }
    if (doc.kind === "ConfigMap") maps.push(doc);
  };
  for (const [i, d] of docs.entries()) visit(d, `document ${i + 1}`);

  for (const cm of maps) {
    const meta = isObject(cm.metadata) ? cm.metadata : {};
    const name = typeof meta.name === "string" ? meta.name : "";
    const data = isObject(cm.data) ? cm.data : {};
    const injector = INJECTOR_CONFIGMAP.exec(name);
    const mesh = injector ? null : MESH_CONFIGMAP.exec(name);
    if (!injector && !mesh) {
      warnings.push(`ConfigMap ${name || "(unnamed)"}: not an Istio injector or mesh ConfigMap; ignored`);
      continue;
    }
    const revision = (injector ?? mesh)?.[1] ?? DEFAULT_REVISION;
    const parts = revisions.get(revision) ?? { origin: {} };
    revisions.set(revision, parts);
    const keys: ("injector" | "values" | "mesh")[] = injector ? ["injector", "values"] : ["mesh"];
    for (const key of keys) {
      const field = key === "injector" ? "config" : key;
      const origin = `ConfigMap ${name} data.${field}`;
      if (parts[key] !== undefined) {
        errors.push(`${origin}: revision "${revision}" is given twice (also ${parts.origin[key]})`);
        continue;
      }
      const text = data[field];
      if (text === undefined) {
        if (key !== "values") errors.push(`${origin}: missing; it must hold Istio's ${describePart(key)}`);
        continue;
      }
      if (typeof text !== "string") {
        errors.push(`${origin}: must be a string (the document as the ConfigMap holds it)`);
        continue;
      }
      parts[key] = text;
      parts.origin[key] = origin;
    }
  }
  for (const [revision, parts] of revisions) {
    if (parts.injector === undefined && !errors.some((e) => e.includes(`revision "${revision}"`)))
      errors.push(
        `revision "${revision}": no istio-sidecar-injector${suffix(revision)} ConfigMap; only its mesh ConfigMap was given`,
      );
  }
  if (errors.length > 0) return err(`invalid Istio ConfigMaps:\n  ${errors.join("\n  ")}`);
  if (revisions.size === 0)
    return err("no Istio ConfigMaps (istio-sidecar-injector, istio) in the documents");
  return ok({ revisions, warnings });
}

function suffix(revision: string): string {
  return revision === DEFAULT_REVISION ? "" : `-${revision}`;
}

function describePart(key: "injector" | "values" | "mesh"): string {
  if (key === "injector") return "injector config (policy, templates, ...)";
  if (key === "values") return "values JSON";
  return "mesh config";
}

/**
 * Istio's injector schema (`data.config`), unmarshalled as istiod does: JSON types checked per field
 * (a wrong type fails the config, as encoding/json does), unknown keys ignored, defaults applied.
 */
export function parseInjectorConfig(
  text: string,
  origin: string,
): Result<{ config: IstioInjectorConfig; warnings: string[] }> {
  const parsed = text.trim() === "" ? ok<Json>({}) : parseDocument(text);
  if (!parsed.ok) return err(`${origin}: ${parsed.error}`);
  const doc = parsed.value ?? {};
  if (!isObject(doc)) return err(`${origin}: must be a mapping (Istio's injector config)`);
  const errors: string[] = [];
  const warnings: string[] = [];
  const field = <T>(key: string, fallback: T, check: (v: Json) => boolean, expected: string): T => {
    const v = doc[key];
    if (v === undefined || v === null) return fallback;
    if (check(v)) return v as T;
    errors.push(`${origin}: ${key}: ${expected}`);
    return fallback;
  };
  const policy = field<string>(
    "policy",
    "",
    (v) => typeof v === "string",
    "must be a string (enabled or disabled)",
  );
  if (policy !== "enabled" && policy !== "disabled")
    warnings.push(
      `${origin}: policy: "${policy}" is neither enabled nor disabled; istiod injects no pod by policy (only pods that ask for it)`,
    );
  const defaultTemplates = field<string[]>(
    "defaultTemplates",
    [],
    (v) => Array.isArray(v) && v.every((x) => typeof x === "string"),
    "must be a list of template names",
  );
  const templates = field<Record<string, string>>(
    "templates",
    {},
    (v) => isObject(v) && Object.values(v).every((x) => typeof x === "string"),
    "must map template names to template text",
  );
  const aliases = field<Record<string, string[]>>(
    "aliases",
    {},
    (v) =>
      isObject(v) &&
      Object.values(v).every(
        (x) => x === null || (Array.isArray(x) && x.every((n) => typeof n === "string")),
      ),
    "must map alias names to lists of template names",
  );
  const injectedAnnotations = field<Record<string, string>>(
    "injectedAnnotations",
    {},
    (v) => isObject(v) && Object.values(v).every((x) => typeof x === "string"),
    "must map annotation names to string values",
  );
  const selectors = (key: string): Json[] =>
    field<Json[]>(
      key,
      [],
      (v) => Array.isArray(v) && v.every((s) => s === null || isObject(s)),
      "must be a list of label selectors",
    );
  const neverInjectSelector = selectors("neverInjectSelector");
  const alwaysInjectSelector = selectors("alwaysInjectSelector");
  if (Object.keys(templates).length === 0)
    warnings.push(
      `${origin}: templates: empty; an injector config from an older Istio has its template under \`template\`, which istiod no longer reads`,
    );
  if (errors.length > 0) return err(errors.join("\n  "));
  const cleanAliases: Record<string, string[]> = {};
  for (const [k, v] of Object.entries(aliases)) cleanAliases[k] = v ?? [];
  return ok({
    config: {
      policy,
      defaultTemplates: defaultTemplates.length === 0 ? ["sidecar"] : defaultTemplates,
      templates,
      aliases: cleanAliases,
      neverInjectSelector,
      alwaysInjectSelector,
      injectedAnnotations,
    },
    warnings,
  });
}

/** `data.values`: JSON as the chart writes it (YAML accepted too), used exactly as given. */
export function parseIstioValues(text: string, origin: string): Result<JsonObject> {
  if (text.trim() === "") return ok({});
  const parsed = parseDocument(text);
  if (!parsed.ok) return err(`${origin}: ${parsed.error}`);
  if (parsed.value === null) return ok({});
  if (!isObject(parsed.value)) return err(`${origin}: must be a JSON object (Istio's injector values)`);
  return ok(parsed.value);
}

/** `data.mesh`: the mesh config document (Istio applies it onto its compiled-in defaults). */
export function parseIstioMesh(text: string, origin: string): Result<JsonObject> {
  if (text.trim() === "") return ok({});
  const parsed = parseDocument(text);
  if (!parsed.ok) return err(`${origin}: ${parsed.error}`);
  if (parsed.value === null) return ok({});
  if (!isObject(parsed.value)) return err(`${origin}: must be a mapping (Istio's mesh config)`);
  return ok(parsed.value);
}
