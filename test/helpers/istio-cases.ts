import { parseAllDocuments, parse as parseYaml } from "yaml";
import { isObject, type JsonObject } from "../../core/json.ts";
import { readShared, readSharedJson } from "./fixtures.ts";

/**
 * Istio's golden corpus (shared/fixtures/istio; see its README), the one place its cases are read,
 * turned into Outrigger configs and split into Pods. Used by the tests, the parity harness
 * (./parity.ts), the render harness (test/render/golden.ts) and the benchmark (bench/corpus.ts, which
 * is bundled: nothing here may import vitest).
 */

export const ISTIO = "fixtures/istio";

/** One case of the corpus (cases.json). */
export interface IstioCase {
  id: string;
  input: string;
  golden: string;
  legs: string[];
  group: string;
  notes?: string[];
  needsCluster?: string;
  cluster?: {
    namespaces?: { name: string; annotations?: Record<string, string>; labels?: Record<string, string> }[];
  };
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
  return readSharedJson<IstioCase[]>(ISTIO, "cases.json");
}

export function istioCase(id: string): IstioCase {
  const c = istioCases().find((x) => x.id === id);
  if (!c) throw new Error(`no case ${id}`);
  return c;
}

/** A file of the corpus, by its path in cases.json (`inputs/x.yaml`, `golden/x.yaml.injected`). */
export function readIstio(file: string): string {
  return readShared(ISTIO, file);
}

// ---------------------------------------------------------------------------------------------------
// A case's settings → an Outrigger config document (never editing a fixture).

/**
 * Deep merge (objects merge, lists and scalars replace) where a null is kept, so Outrigger's own
 * values merge deletes that default (Helm semantics).
 */
export function mergeKeepingNulls(base: JsonObject, over: JsonObject): JsonObject {
  const out: JsonObject = structuredClone(base);
  for (const [k, v] of Object.entries(over)) {
    const cur = out[k];
    if (isObject(v) && isObject(cur)) out[k] = mergeKeepingNulls(cur, v);
    else out[k] = structuredClone(v);
  }
  return out;
}

/** The case's process switches as Outrigger `features` (ENABLE_NATIVE_SIDECARS is `nativeSidecars`). */
export function caseFeatures(c: IstioCase): Record<string, string> {
  const features: Record<string, string> = {};
  for (const [k, v] of Object.entries(c.settings.env ?? {}))
    if (k !== "ENABLE_NATIVE_SIDECARS") features[k] = v;
  return features;
}

/**
 * The Outrigger config for a case, as the fixture README says: values = case values on
 * base-values.json; meshConfig = case mesh on base-mesh.yaml; nativeSidecars; features from env;
 * the case's extra templates; and the Namespaces Istio's test reads from its fake cluster as
 * `namespaces` (OpenShift).
 */
export function caseConfig(c: IstioCase): JsonObject {
  const s = c.settings;
  const baseValues = readSharedJson<JsonObject>(ISTIO, "base-values.json");
  const baseMesh = (parseYaml(readIstio("base-mesh.yaml")) ?? {}) as JsonObject;
  const features = caseFeatures(c);
  const templates: Record<string, string> = {};
  for (const [name, file] of Object.entries(s.templates ?? {})) templates[name] = readIstio(file);
  const namespaces: JsonObject = {};
  for (const ns of c.cluster?.namespaces ?? []) {
    namespaces[ns.name] = {
      ...(ns.annotations ? { annotations: ns.annotations } : {}),
      ...(ns.labels ? { labels: ns.labels } : {}),
    };
  }
  const config: JsonObject = {
    values: mergeKeepingNulls(baseValues, s.values ?? {}),
    meshConfig: mergeKeepingNulls(baseMesh, s.meshConfig ?? {}),
    nativeSidecars: s.nativeSidecars ?? false,
  };
  if (Object.keys(features).length > 0) config.features = features;
  if (Object.keys(templates).length > 0) config.templates = templates;
  if (Object.keys(namespaces).length > 0) config.namespaces = namespaces;
  return config;
}

/** Where the case cannot be applied exactly as Istio's test applies it, and what stands in for it. */
export function caseAdaptations(c: IstioCase): string[] {
  const adaptations: string[] = [];
  const namespaces = (c.cluster?.namespaces ?? []).map((ns) => ns.name);
  if (namespaces.length > 0) {
    adaptations.push(
      `Istio reads Namespace ${namespaces.join(", ")} from the cluster; given here as config \`namespaces\``,
    );
  }
  if (c.needsCluster && /kubelet|Nodes/.test(c.needsCluster)) {
    adaptations.push(
      "Istio detects native sidecars from the cluster's Nodes; given here as config `nativeSidecars: false`",
    );
  }
  return adaptations;
}

// ---------------------------------------------------------------------------------------------------
// Documents and the Pod simulation of Istio's webhook test (fixture README, "webhook leg").

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
 * is owned by a ReplicaSet `<name>-fake` with `pod-template-hash: fake`; other kinds own it directly
 * (a CronJob through its job template). A Pod is used as is. `namespace` is the workload's, "" if none.
 */
export function podFromWorkload(doc: JsonObject): { pod: JsonObject; namespace: string } {
  const meta = isObject(doc.metadata) ? doc.metadata : {};
  const namespace = typeof meta.namespace === "string" ? meta.namespace : "";
  if (doc.kind === "Pod") return { pod: structuredClone(doc), namespace };
  const name = String(meta.name ?? "");
  const spec = isObject(doc.spec) ? doc.spec : {};
  const template = (
    doc.kind === "CronJob" ? ((spec.jobTemplate as JsonObject)?.spec as JsonObject)?.template : spec.template
  ) as JsonObject | undefined;
  const tmeta = structuredClone((template?.metadata ?? {}) as JsonObject);
  const deployment = doc.kind === "Deployment";
  const owner = deployment ? `${name}-fake` : name;
  tmeta.generateName = deployment ? `${owner}-` : owner;
  tmeta.ownerReferences = [
    {
      apiVersion: deployment ? "apps/v1" : String(doc.apiVersion),
      kind: deployment ? "ReplicaSet" : String(doc.kind),
      name: owner,
      controller: true,
    },
  ];
  if (deployment) tmeta.labels = { ...((tmeta.labels as JsonObject) ?? {}), "pod-template-hash": "fake" };
  return {
    pod: { apiVersion: "v1", kind: "Pod", metadata: tmeta, spec: structuredClone(template?.spec ?? {}) },
    namespace,
  };
}

// ---------------------------------------------------------------------------------------------------
// Input and golden pods side by side, for the tests of one injection step.

type ContainerField = "containers" | "initContainers";

export function podContainers(pod: JsonObject, field: ContainerField): JsonObject[] {
  const spec = isObject(pod.spec) ? pod.spec : {};
  const l = spec[field];
  return Array.isArray(l) ? l.filter(isObject) : [];
}

/** The pod's istio-proxy container and the list it is in. */
export function proxyOf(pod: JsonObject): { proxy: JsonObject; field: ContainerField } | undefined {
  for (const field of ["containers", "initContainers"] as const) {
    const proxy = podContainers(pod, field).find((c) => c.name === "istio-proxy");
    if (proxy) return { proxy, field };
  }
  return undefined;
}

/**
 * The pod-bearing documents of the input and of the golden, for every case with a golden and no
 * expected error whose files are here (the rest of the corpus is kept back for evaluation elsewhere).
 */
export function casesWithDocuments(): { c: IstioCase; inputs: JsonObject[]; goldens: JsonObject[] }[] {
  const out: { c: IstioCase; inputs: JsonObject[]; goldens: JsonObject[] }[] = [];
  for (const c of istioCases().filter((x) => x.golden && !x.settings.expectError)) {
    try {
      out.push({ c, inputs: podDocuments(readIstio(c.input)), goldens: podDocuments(readIstio(c.golden)) });
    } catch {
      // not here
    }
  }
  return out;
}

/**
 * The case's i-th input Pod with its i-th golden Pod, for the cases of casesWithDocuments with as
 * many pod parts each. The input pod gets an empty istio-proxy where the golden has one (enough for
 * a step that only needs somewhere to put the proxy's env).
 */
export function goldenPodPairs(): { c: IstioCase; i: number; pod: JsonObject; golden: JsonObject }[] {
  const out: { c: IstioCase; i: number; pod: JsonObject; golden: JsonObject }[] = [];
  for (const { c, inputs, goldens } of casesWithDocuments()) {
    if (inputs.length !== goldens.length) continue;
    inputs.forEach((doc, i) => {
      const pod = podFromWorkload(doc).pod;
      const golden = podFromWorkload(goldens[i] as JsonObject).pod;
      const want = proxyOf(golden);
      if (want && !proxyOf(pod))
        (pod.spec as JsonObject)[want.field] = [...podContainers(pod, want.field), { name: "istio-proxy" }];
      out.push({ c, i, pod, golden });
    });
  }
  return out;
}
