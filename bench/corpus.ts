// The webhook leg over Istio's whole golden corpus (shared/fixtures/istio): every case's pods through
// admit() with the case's own config, as the conformance suite runs them, timed warm. bench/index.ts
// prints the rows. Parity is the tests' business; this only measures (and fails loudly if a case is
// not answered, so a broken corpus cannot pass for a fast one).
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { parse, parseAllDocuments } from "yaml";
import { admit } from "../core/admission/admit.ts";
import { type Engine, loadEngine } from "../core/engine.ts";
import { isObject, type Json, type JsonObject } from "../core/json.ts";

export interface CorpusStats {
  median: number;
  p99: number;
  n: number;
}

interface CorpusCase {
  id: string;
  input: string;
  legs: string[];
  cluster?: {
    namespaces?: { name: string; annotations?: Record<string, string>; labels?: Record<string, string> }[];
  };
  settings: {
    values?: JsonObject;
    meshConfig?: JsonObject;
    nativeSidecars?: boolean;
    env?: Record<string, string>;
    templates?: Record<string, string>;
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

function merge(base: JsonObject, over: JsonObject): JsonObject {
  const out: JsonObject = structuredClone(base);
  for (const [k, v] of Object.entries(over)) {
    const cur = out[k];
    out[k] = isObject(v) && isObject(cur) ? merge(cur, v) : structuredClone(v);
  }
  return out;
}

/** The case's settings as an Outrigger config (the fixture README's rules; see test/helpers/parity.ts). */
function caseConfig(dir: string, c: CorpusCase): JsonObject {
  const values = JSON.parse(readFileSync(resolve(dir, "base-values.json"), "utf8")) as JsonObject;
  const mesh = (parse(readFileSync(resolve(dir, "base-mesh.yaml"), "utf8")) ?? {}) as JsonObject;
  const s = c.settings;
  const features = Object.fromEntries(
    Object.entries(s.env ?? {}).filter(([k]) => k !== "ENABLE_NATIVE_SIDECARS"),
  );
  const templates = Object.fromEntries(
    Object.entries(s.templates ?? {}).map(([name, file]) => [name, readFileSync(resolve(dir, file), "utf8")]),
  );
  const namespaces = Object.fromEntries(
    (c.cluster?.namespaces ?? []).map((ns) => [
      ns.name,
      { annotations: ns.annotations ?? {}, labels: ns.labels ?? {} },
    ]),
  );
  return {
    values: merge(values, s.values ?? {}),
    meshConfig: merge(mesh, s.meshConfig ?? {}),
    nativeSidecars: s.nativeSidecars ?? false,
    features,
    templates,
    namespaces,
  };
}

/** The Pods of a file, each as its controller would create it (fixture README, webhook leg). */
function pods(text: string): { pod: JsonObject; namespace: string }[] {
  const docs: JsonObject[] = [];
  const visit = (d: unknown) => {
    if (!isObject(d)) return;
    if (d.kind === "List" && Array.isArray(d.items)) d.items.forEach(visit);
    else if (POD_KINDS.has(String(d.kind))) docs.push(d);
  };
  for (const d of parseAllDocuments(text)) visit(d.toJS());
  return docs.map((doc) => {
    const meta = isObject(doc.metadata) ? doc.metadata : {};
    const namespace = typeof meta.namespace === "string" ? meta.namespace : "";
    if (doc.kind === "Pod") return { pod: doc, namespace };
    const name = String(meta.name ?? "");
    const spec = isObject(doc.spec) ? doc.spec : {};
    const template = (
      doc.kind === "CronJob"
        ? ((spec.jobTemplate as JsonObject)?.spec as JsonObject)?.template
        : spec.template
    ) as JsonObject | undefined;
    const tmeta: JsonObject = structuredClone((template?.metadata ?? {}) as JsonObject);
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
      pod: { apiVersion: "v1", kind: "Pod", metadata: tmeta, spec: (template?.spec ?? {}) as Json },
      namespace,
    };
  });
}

function review(pod: JsonObject, namespace: string, uid: string): JsonObject {
  return {
    apiVersion: "admission.k8s.io/v1",
    kind: "AdmissionReview",
    request: {
      uid,
      kind: { group: "", version: "v1", kind: "Pod" },
      namespace,
      operation: "CREATE",
      object: pod,
    },
  };
}

function stats(times: number[]): CorpusStats {
  const sorted = [...times].sort((a, b) => a - b);
  return {
    median: sorted[Math.floor(sorted.length / 2)] ?? 0,
    p99: sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * 0.99))] ?? 0,
    n: sorted.length,
  };
}

/**
 * Times the webhook leg over every case of the corpus: each case's pods admitted `runs` times (after
 * a warm-up), the case's median kept. Rows: the median and p99 over the cases of those per-case
 * medians, and the slowest case. Milliseconds.
 */
export function corpusRows(shared: string, runs = 50): [string, CorpusStats][] {
  const dir = resolve(shared, "fixtures/istio");
  const cases = (JSON.parse(readFileSync(resolve(dir, "cases.json"), "utf8")) as CorpusCase[]).filter((c) =>
    c.legs.includes("webhook"),
  );
  const perCase: { id: string; median: number }[] = [];
  for (const c of cases) {
    const loaded = loadEngine(JSON.stringify(caseConfig(dir, c)));
    if (!loaded.ok) throw new Error(`corpus case ${c.id}: config does not load: ${loaded.error}`);
    const engine: Engine = loaded.value;
    const parts = pods(readFileSync(resolve(dir, c.input), "utf8"));
    const run = (i: number) => {
      for (const [j, { pod, namespace }] of parts.entries()) {
        const res = admit(review(pod, namespace, `u${i}-${j}`), engine).review.response;
        if (!res.allowed) throw new Error(`corpus case ${c.id}: denied: ${res.status?.message}`);
      }
    };
    for (let i = 0; i < Math.min(10, runs); i++) run(i);
    const times: number[] = [];
    for (let i = 0; i < runs; i++) {
      const t0 = process.hrtime.bigint();
      run(i);
      times.push(Number(process.hrtime.bigint() - t0) / 1e6);
    }
    perCase.push({ id: c.id, median: stats(times).median });
  }
  const medians = perCase.map((p) => p.median);
  const slowest = perCase.reduce((a, b) => (b.median > a.median ? b : a), { id: "", median: 0 });
  const overall = stats(medians);
  return [
    [`istio corpus, webhook leg: median per case over ${perCase.length} cases`, overall],
    [`istio corpus, slowest case (${slowest.id})`, { median: slowest.median, p99: slowest.median, n: runs }],
  ];
}
