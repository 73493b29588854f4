import { parseAllDocuments } from "yaml";
import { isObject, type JsonObject } from "../../core/json.ts";
import { readShared, readSharedJson } from "./fixtures.ts";

/** One case of Istio's golden corpus (shared/fixtures/istio/cases.json; see its README). */
export interface IstioCase {
  id: string;
  input: string;
  golden: string;
  legs: string[];
  group: string;
  settings: {
    values?: JsonObject;
    meshConfig?: JsonObject;
    nativeSidecars?: boolean;
    env?: Record<string, string>;
    templates?: Record<string, string>;
    expectError?: string;
    expectLog?: string;
  };
}

export function istioCases(): IstioCase[] {
  return readSharedJson<IstioCase[]>("fixtures/istio/cases.json");
}

export function istioCase(id: string): IstioCase {
  const c = istioCases().find((x) => x.id === id);
  if (!c) throw new Error(`no case ${id}`);
  return c;
}

/** Helm-style deep merge: maps merge, anything else replaces, null deletes. */
export function deepMerge(base: JsonObject, over: JsonObject): JsonObject {
  const out: JsonObject = { ...base };
  for (const [k, v] of Object.entries(over)) {
    if (v === null) delete out[k];
    else if (isObject(v) && isObject(out[k])) out[k] = deepMerge(out[k] as JsonObject, v);
    else out[k] = v;
  }
  return out;
}

/**
 * The Outrigger config for a case, as the fixture README says: values = case values on
 * base-values.json; meshConfig = case mesh on base-mesh.yaml; nativeSidecars; features from env.
 */
export function caseConfig(c: IstioCase): JsonObject {
  const baseValues = readSharedJson<JsonObject>("fixtures/istio/base-values.json");
  const baseMesh = (parseAllDocuments(readShared("fixtures/istio/base-mesh.yaml"))[0]?.toJS() ??
    {}) as JsonObject;
  const features: Record<string, string> = {};
  for (const [k, v] of Object.entries(c.settings.env ?? {}))
    if (k !== "ENABLE_NATIVE_SIDECARS") features[k] = v;
  const templates: Record<string, string> = {};
  for (const [name, file] of Object.entries(c.settings.templates ?? {}))
    templates[name] = readShared("fixtures/istio", file);
  return {
    values: deepMerge(baseValues, c.settings.values ?? {}),
    meshConfig: deepMerge(baseMesh, c.settings.meshConfig ?? {}),
    nativeSidecars: c.settings.nativeSidecars ?? false,
    ...(Object.keys(features).length ? { features } : {}),
    ...(Object.keys(templates).length ? { templates } : {}),
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

/** The pod-bearing documents of a file, List items flattened, in order. */
export function podDocuments(text: string): JsonObject[] {
  const out: JsonObject[] = [];
  const visit = (doc: unknown) => {
    if (!isObject(doc)) return;
    if (doc.kind === "List" && Array.isArray(doc.items)) doc.items.forEach(visit);
    else if (POD_KINDS.has(String(doc.kind))) out.push(doc);
  };
  for (const d of parseAllDocuments(text)) visit(d.toJS());
  return out;
}

/**
 * A workload as the Pod its controller would create (fixture README, webhook leg): a Deployment's pod
 * is owned by a ReplicaSet `<name>-fake` with `pod-template-hash: fake`; other kinds own it directly.
 */
export function podFromWorkload(doc: JsonObject): { pod: JsonObject; namespace: string } {
  const meta = isObject(doc.metadata) ? doc.metadata : {};
  const namespace = typeof meta.namespace === "string" ? meta.namespace : "";
  if (doc.kind === "Pod") return { pod: structuredClone(doc), namespace };
  const name = String(meta.name ?? "");
  const spec = isObject(doc.spec) ? doc.spec : {};
  const template = (
    doc.kind === "CronJob" ? ((spec.jobTemplate as JsonObject)?.spec as JsonObject)?.template : spec.template
  ) as JsonObject;
  const tmeta = structuredClone((template?.metadata ?? {}) as JsonObject);
  const [group, kind, owner] =
    doc.kind === "Deployment"
      ? ["apps/v1", "ReplicaSet", `${name}-fake`]
      : [String(doc.apiVersion), String(doc.kind), name];
  tmeta.generateName = doc.kind === "Deployment" ? `${owner}-` : owner;
  tmeta.ownerReferences = [{ apiVersion: group, kind, name: owner, controller: true }];
  if (doc.kind === "Deployment")
    tmeta.labels = { ...((tmeta.labels as JsonObject) ?? {}), "pod-template-hash": "fake" };
  return {
    pod: { apiVersion: "v1", kind: "Pod", metadata: tmeta, spec: structuredClone(template?.spec ?? {}) },
    namespace,
  };
}
