import { clone, err, isObject, type JsonObject, ok, type Result } from "../json.ts";

/**
 * The kinds whose pods Outrigger injects in a manifest, and where each keeps its pod: the set
 * istioctl kube-inject registers. Any other kind is not Outrigger's to touch.
 */
const TEMPLATE_PATHS: Record<string, readonly string[]> = {
  Pod: [],
  Deployment: ["spec", "template"],
  DaemonSet: ["spec", "template"],
  StatefulSet: ["spec", "template"],
  ReplicaSet: ["spec", "template"],
  ReplicationController: ["spec", "template"],
  Job: ["spec", "template"],
  CronJob: ["spec", "jobTemplate", "spec", "template"],
  DeploymentConfig: ["spec", "template"],
};

export const WORKLOAD_KINDS: readonly string[] = Object.keys(TEMPLATE_PATHS);

export function isWorkloadKind(kind: unknown): kind is string {
  return typeof kind === "string" && Object.hasOwn(TEMPLATE_PATHS, kind);
}

/** Where a workload of this kind keeps its pod spec (`spec` itself for a Pod); undefined for other kinds. */
export function podSpecPath(kind: string): string[] | undefined {
  const template = Object.hasOwn(TEMPLATE_PATHS, kind) ? TEMPLATE_PATHS[kind] : undefined;
  return template && [...template, "spec"];
}

export type PodView = "istioctl" | "controller";

/** Whether istioctl's view of this kind's pod differs from the pod its controller creates. */
export function viewsDiffer(kind: string): boolean {
  return kind === "CronJob";
}

/** Who a pod belongs to, as messages name it: `Deployment "ns/name"`. */
export interface WorkloadRef {
  kind: string;
  apiVersion: string;
  name: string;
  namespace: string;
}

export function workloadRef(doc: JsonObject): WorkloadRef {
  const meta = isObject(doc.metadata) ? doc.metadata : {};
  return {
    kind: String(doc.kind),
    apiVersion: typeof doc.apiVersion === "string" ? doc.apiVersion : "",
    name: typeof meta.name === "string" ? meta.name : "",
    namespace: typeof meta.namespace === "string" ? meta.namespace : "",
  };
}

/**
 * The Pod the workload's controller would create, as the API server would show it to the webhook:
 * the template's metadata and spec, in the workload's namespace, with a name still to be generated
 * and the workload as its controller. That is what lets the injector name the workload (its
 * `ISTIO_META_OWNER` and `ISTIO_META_WORKLOAD_NAME`) the same way for the CLI as in the cluster.
 *
 * `view` says whose pod: "istioctl" (the default) gives a CronJob's pod the metadata of
 * `spec.jobTemplate.metadata`, as istioctl kube-inject does, so its output matches istioctl's;
 * "controller" gives it the pod template's own metadata, which is what the Job controller puts on the
 * pods it creates and so what the webhook sees. For every other kind the two are the same pod.
 */
export function podOfWorkload(doc: JsonObject, view: PodView = "istioctl"): Result<JsonObject> {
  const ref = workloadRef(doc);
  if (ref.kind === "Pod") return ok(clone(doc));
  const path = TEMPLATE_PATHS[ref.kind] as readonly string[];
  const template = at(doc, path);
  if (!isObject(template)) return err(`${path.join(".")} is required for a ${ref.kind}`);
  const metaPath = view === "controller" ? [...path, "metadata"] : metadataPath(ref.kind);
  const metaSource = at(doc, metaPath);
  if (metaSource !== undefined && !isObject(metaSource))
    return err(`${metaPath.join(".")} must be an object`);
  if (template.spec !== undefined && !isObject(template.spec))
    return err(`${[...path, "spec"].join(".")} must be an object`);
  const meta: JsonObject = clone(metaSource ?? {});
  if (meta.namespace === undefined && ref.namespace) meta.namespace = ref.namespace;
  meta.generateName ??= `${ref.name}-`;
  meta.ownerReferences ??= [{ apiVersion: ref.apiVersion, kind: ref.kind, name: ref.name, controller: true }];
  return ok({ apiVersion: "v1", kind: "Pod", metadata: meta, spec: clone(template.spec ?? {}) });
}

/**
 * The workload with `pod` (injected or uninjected) as its pod: the inverse of podOfWorkload, which
 * drops again what podOfWorkload added for the controller's sake. The document given is not modified.
 */
export function withPod(doc: JsonObject, pod: JsonObject): JsonObject {
  const ref = workloadRef(doc);
  if (ref.kind === "Pod") return pod;
  const out = clone(doc);
  const path = TEMPLATE_PATHS[ref.kind] as readonly string[];
  const template = at(out, path) as JsonObject;
  const before = (ref.kind === "CronJob" ? at(doc, metadataPath(ref.kind)) : template.metadata) ?? {};
  const meta: JsonObject = isObject(pod.metadata) ? { ...pod.metadata } : {};
  for (const key of ["namespace", "generateName", "ownerReferences"]) {
    if (isObject(before) && before[key] !== undefined) meta[key] = before[key];
    else delete meta[key];
  }
  const metaParent = at(out, metadataPath(ref.kind).slice(0, -1)) as JsonObject;
  metaParent.metadata = meta;
  template.spec = isObject(pod.spec) ? pod.spec : {};
  return out;
}

function metadataPath(kind: string): string[] {
  if (kind === "CronJob") return ["spec", "jobTemplate", "metadata"];
  return [...(TEMPLATE_PATHS[kind] ?? []), "metadata"];
}

/** The value at a path of keys, undefined where any step is missing. */
export function at(doc: JsonObject, path: readonly string[]): unknown {
  let v: unknown = doc;
  for (const key of path) v = isObject(v) && Object.hasOwn(v, key) ? v[key] : undefined;
  return v;
}
