import { defaultMeshConfig, defaultValues, effectiveMesh, mergeValues } from "../../core/config/defaults.ts";
import type { Config } from "../../core/config/types.ts";
import { clusterEnvs, overwriteClusterEnvs } from "../../core/inject/cluster.ts";
import { isObject, type JsonObject } from "../../core/json.ts";
import { compileTemplate } from "../../core/render/compile.ts";
import { buildTemplateData, type TemplateData } from "../../core/render/data.ts";
import { renderTemplate } from "../../core/render/render.ts";
import { compile } from "../../core/render/template.ts";
import { builtinTemplates } from "../../core/templates/index.ts";
import {
  type IstioCase,
  istioCase,
  istioCases,
  podDocuments,
  podFromWorkload,
  readIstio,
} from "../helpers/istio-cases.ts";
import { quantityValue } from "../helpers/parity.ts";

/**
 * The golden corpus as the render step sees it: each case's pods built the way Istio's webhook test
 * builds them, the case's settings turned into a Config, and the built-in sidecar template rendered.
 */

/** A case of the corpus (the one reader is ../helpers/istio-cases.ts). */
export type GoldenCase = IstioCase;

export const cases = istioCases();

export const caseById = istioCase;

export function configFor(c: GoldenCase): Config {
  const s = c.settings;
  const features: Record<string, string> = {};
  for (const [k, v] of Object.entries(s.env ?? {})) if (k !== "ENABLE_NATIVE_SIDECARS") features[k] = v;
  return {
    policy: "enabled",
    defaultTemplates: ["sidecar"],
    templates: {},
    templateSyntax: {},
    builtinTemplates: true,
    aliases: {},
    neverInjectSelector: [],
    alwaysInjectSelector: [],
    injectedAnnotations: {},
    nativeSidecars: s.nativeSidecars ?? true,
    values: mergeValues(defaultValues, s.values ?? {}),
    meshConfig: effectiveMesh(mergeValues(defaultMeshConfig, s.meshConfig ?? {})),
    features,
    namespaces: {},
  };
}

/** A workload's pod as Istio's webhook test builds it, in the workload's namespace (the render step reads it). */
function podFor(doc: JsonObject): JsonObject {
  const { pod, namespace } = podFromWorkload(doc);
  const meta = isObject(pod.metadata) ? pod.metadata : {};
  if (!meta.namespace) meta.namespace = namespace;
  pod.metadata = meta;
  return pod;
}

export function inputPods(c: GoldenCase): JsonObject[] {
  return podDocuments(readIstio(c.input)).map(podFor);
}

export function goldenPods(c: GoldenCase): JsonObject[] {
  return podDocuments(readIstio(c.golden)).map(podFor);
}

const compiled = compile("sidecar", builtinTemplates.sidecar as string, "handlebars");

export function dataFor(c: GoldenCase, pod: JsonObject, config: Config = configFor(c)): TemplateData {
  const labels = ((pod.metadata as JsonObject).labels ?? {}) as Record<string, string>;
  const envs = clusterEnvs({}, config.values, labels);
  const data = buildTemplateData({ pod, config, pathEnvs: envs });
  if (!data.ok) throw new Error(data.error);
  return data.value;
}

/** The rendered sidecar template for a pod, with the cluster envs placed as post-processing places them. */
export function renderSidecar(data: TemplateData, template = compiled): JsonObject {
  if (!template.ok) throw new Error(template.error);
  const rendered = renderTemplate("sidecar", template.value, data);
  if (!rendered.ok) throw new Error(rendered.error);
  overwriteClusterEnvs(rendered.value, data.ProxyEnvs);
  return rendered.value;
}

export function renderText(data: TemplateData, text = builtinTemplates.sidecar as string): string {
  const t = compileTemplate("sidecar", text);
  if (!t.ok) throw new Error(t.error);
  return t.value(data);
}

// ---------------------------------------------------------------------------------------------------
// Comparison: what Istio's typed re-serialisation would make equal.

/** Resources with quantities by value, probes without zero ints, env without empty values. */
export function normalizeContainer(c: JsonObject | undefined): JsonObject | undefined {
  if (!c) return c;
  const out = structuredClone(c);
  const res = out.resources as JsonObject | undefined;
  if (res) {
    for (const part of ["limits", "requests"]) {
      const q = res[part] as JsonObject | undefined;
      if (!q) continue;
      for (const k of Object.keys(q)) q[k] = quantityValue(q[k]) ?? (q[k] as string);
      if (Object.keys(q).length === 0) delete res[part];
    }
    if (Object.keys(res).length === 0) delete out.resources;
  }
  for (const probe of ["readinessProbe", "startupProbe", "livenessProbe"]) {
    const p = out[probe] as JsonObject | undefined;
    if (!p) continue;
    for (const k of Object.keys(p)) if (p[k] === 0) delete p[k];
  }
  if (Array.isArray(out.env)) {
    out.env = (out.env as JsonObject[])
      .filter((e) => e.name !== "ISTIO_KUBE_APP_PROBERS" && e.name !== "ISTIO_PROMETHEUS_ANNOTATIONS")
      .map((e) => {
        const x = { ...e };
        if (x.value === "") delete x.value;
        return x;
      });
  }
  return out;
}

export function findContainer(
  pod: JsonObject,
  name: string,
): { list: string; container: JsonObject } | undefined {
  const spec = (pod.spec ?? {}) as JsonObject;
  for (const list of ["initContainers", "containers"]) {
    const items = (spec[list] ?? []) as JsonObject[];
    const c = items.find((x) => x.name === name);
    if (c) return { list, container: c };
  }
  return undefined;
}

export function metaMap(pod: JsonObject, field: "labels" | "annotations"): Record<string, string> {
  return (((pod.metadata ?? {}) as JsonObject)[field] ?? {}) as Record<string, string>;
}
