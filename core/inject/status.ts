import { clone, isObject, type JsonObject } from "../json.ts";
import { annotationsOf, moveContainer, names } from "./containers.ts";

export const STATUS_ANNOTATION = "sidecar.istio.io/status";

export interface InjectionStatus {
  initContainers: string[];
  containers: string[];
  volumes: string[];
  imagePullSecrets: string[];
  revision: string;
}

/**
 * Reads `sidecar.istio.io/status` as Istio does: null lists are empty, an old `version` key is
 * ignored, and a value that is not JSON counts as no status at all (the pod is injected afresh).
 */
export function parseStatus(value: string | undefined): InjectionStatus | undefined {
  if (value === undefined) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(value);
  } catch {
    return undefined;
  }
  if (!isObject(parsed)) return undefined;
  const strings = (v: unknown) =>
    Array.isArray(v) ? v.filter((s): s is string => typeof s === "string") : [];
  return {
    initContainers: strings(parsed.initContainers),
    containers: strings(parsed.containers),
    volumes: strings(parsed.volumes),
    imagePullSecrets: strings(parsed.imagePullSecrets),
    revision: typeof parsed.revision === "string" ? parsed.revision : "",
  };
}

/**
 * The status annotation's value: what the templates added, by name, in the exact key order and
 * compact form Istio writes (tools parse it, users diff it). Empty lists are null, as in Go's JSON.
 */
export function statusAnnotation(templatePod: JsonObject, revision: string): string {
  const spec = isObject(templatePod.spec) ? templatePod.spec : {};
  const orNull = (xs: string[]) => (xs.length > 0 ? xs : null);
  return JSON.stringify({
    initContainers: orNull(names(spec.initContainers)),
    containers: orNull(names(spec.containers)),
    volumes: orNull(names(spec.volumes)),
    imagePullSecrets: orNull(names(spec.imagePullSecrets)),
    revision: revision || "default",
  });
}

/**
 * The pod the templates see on re-injection: the containers a previous injection added (by its status
 * annotation) are taken out, so rendering gives the same result as the first time.
 */
export function stripInjected(pod: JsonObject, clearPrometheus: (pod: JsonObject) => void): JsonObject {
  const status = parseStatus(annotationsOf(pod)[STATUS_ANNOTATION]);
  if (!status) return pod;
  const stripped = clone(pod);
  for (const name of status.containers) moveContainer(stripped, "containers", name, "remove");
  for (const name of status.initContainers) moveContainer(stripped, "initContainers", name, "remove");
  clearPrometheus(stripped);
  delete annotationsOf(stripped)[STATUS_ANNOTATION];
  return stripped;
}
