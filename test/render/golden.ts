import { parseAllDocuments } from "yaml";
import { defaultMeshConfig, defaultValues, effectiveMesh, mergeValues } from "../../core/config/defaults.ts";
import type { Config } from "../../core/config/types.ts";
import { clusterEnvs, overwriteClusterEnvs } from "../../core/inject/cluster.ts";
import { isObject, type JsonObject } from "../../core/json.ts";
import { compileTemplate } from "../../core/render/compile.ts";
import { buildTemplateData, type TemplateData } from "../../core/render/data.ts";
import { renderTemplate } from "../../core/render/render.ts";
import { builtinTemplates } from "../../core/templates/index.ts";
import { readShared, readSharedJson } from "../helpers/fixtures.ts";

/**
 * The golden corpus as the render step sees it: each case's pods built the way Istio's webhook test
 * builds them, the case's settings turned into a Config, and the built-in sidecar template rendered.
 */

export interface GoldenCase {
  id: string;
  input: string;
  golden: string;
  legs: string[];
  settings: {
    values?: JsonObject;
    meshConfig?: JsonObject;
    nativeSidecars?: boolean;
    env?: Record<string, string>;
    templates?: Record<string, string>;
    expectError?: string;
  };
  needsCluster?: string;
}

export const cases = readSharedJson<GoldenCase[]>("fixtures/istio/cases.json");

export function caseById(id: string): GoldenCase {
  const c = cases.find((x) => x.id === id);
  if (!c) throw new Error(`no case ${id}`);
  return c;
}

export function configFor(c: GoldenCase): Config {
  const s = c.settings;
  const features: Record<string, string> = {};
  for (const [k, v] of Object.entries(s.env ?? {})) if (k !== "ENABLE_NATIVE_SIDECARS") features[k] = v;
  return {
    policy: "enabled",
    defaultTemplates: ["sidecar"],
    templates: {},
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

const POD_KINDS = new Set([
  "Deployment",
  "DeploymentConfig",
  "DaemonSet",
  "StatefulSet",
  "Job",
  "ReplicaSet",
  "ReplicationController",
  "CronJob",
  "Pod",
]);

function documents(text: string): JsonObject[] {
  const out: JsonObject[] = [];
  for (const doc of parseAllDocuments(text)) {
    const v = doc.toJSON() as unknown;
    if (!isObject(v)) continue;
    if (v.kind === "List" && Array.isArray(v.items)) out.push(...v.items.filter(isObject));
    else out.push(v);
  }
  return out.filter((d) => POD_KINDS.has(String(d.kind)));
}

/** A workload document as the Pod its controller would create (Istio's webhook-test simulation). */
export function podFor(doc: JsonObject): { pod: JsonObject; namespace: string } {
  const meta = (doc.metadata ?? {}) as JsonObject;
  const name = String(meta.name ?? "");
  const namespace = typeof meta.namespace === "string" ? meta.namespace : "";
  if (doc.kind === "Pod") {
    const pod = structuredClone(doc);
    return { pod: withNamespace(pod, namespace), namespace };
  }
  const spec = (doc.spec ?? {}) as JsonObject;
  const template =
    (doc.kind === "CronJob"
      ? (((spec.jobTemplate as JsonObject).spec as JsonObject).template as JsonObject)
      : (spec.template as JsonObject)) ?? {};
  const podMeta = structuredClone((template.metadata ?? {}) as JsonObject);
  if (doc.kind === "Deployment") {
    podMeta.generateName = `${name}-fake-`;
    podMeta.ownerReferences = [
      { apiVersion: "apps/v1", kind: "ReplicaSet", name: `${name}-fake`, controller: true },
    ];
    podMeta.labels = { ...((podMeta.labels ?? {}) as JsonObject), "pod-template-hash": "fake" };
  } else {
    podMeta.generateName = name;
    podMeta.ownerReferences = [
      { apiVersion: String(doc.apiVersion), kind: String(doc.kind), name, controller: true },
    ];
  }
  const pod: JsonObject = {
    apiVersion: "v1",
    kind: "Pod",
    metadata: podMeta,
    spec: structuredClone(template.spec ?? {}),
  };
  return { pod: withNamespace(pod, namespace), namespace };
}

function withNamespace(pod: JsonObject, namespace: string): JsonObject {
  const meta = (pod.metadata ?? {}) as JsonObject;
  if (!meta.namespace) meta.namespace = namespace;
  pod.metadata = meta;
  return pod;
}

export function inputPods(c: GoldenCase): JsonObject[] {
  return documents(readShared("fixtures/istio", c.input)).map((d) => podFor(d).pod);
}

export function goldenPods(c: GoldenCase): JsonObject[] {
  return documents(readShared("fixtures/istio", c.golden)).map((d) => podFor(d).pod);
}

const compiled = compileTemplate("sidecar", builtinTemplates.sidecar as string);

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

const QUANTITY_SUFFIX: Record<string, number> = {
  "": 1,
  m: 1e-3,
  k: 1e3,
  M: 1e6,
  G: 1e9,
  T: 1e12,
  Ki: 1024,
  Mi: 1024 ** 2,
  Gi: 1024 ** 3,
  Ti: 1024 ** 4,
};

export function quantityValue(q: unknown): number | undefined {
  const m = /^([0-9.]+)([a-zA-Z]*)$/.exec(String(q));
  if (!m) return undefined;
  const f = QUANTITY_SUFFIX[m[2] as string];
  return f === undefined ? undefined : Number(m[1]) * f;
}

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
