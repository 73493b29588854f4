import { isObject, type Json, type JsonObject } from "../json.ts";

/** The names Istio's injector gives its containers; post-processing finds them by these. */
export const PROXY = "istio-proxy";
export const INIT = "istio-init";
export const VALIDATION = "istio-validation";
export const CORE_DUMP = "enable-core-dump";

export type ContainerList = "containers" | "initContainers";

export function spec(pod: JsonObject): JsonObject {
  if (!isObject(pod.spec)) pod.spec = {};
  return pod.spec as JsonObject;
}

export function list(pod: JsonObject, field: ContainerList | "volumes" | "imagePullSecrets"): JsonObject[] {
  const value = isObject(pod.spec) ? pod.spec[field] : undefined;
  return Array.isArray(value) ? value.filter(isObject) : [];
}

export function find(pod: JsonObject, field: ContainerList, name: string): JsonObject | undefined {
  return list(pod, field).find((c) => c.name === name);
}

/** The proxy container wherever it is: a native sidecar lives in initContainers. */
export function findProxy(pod: JsonObject): JsonObject | undefined {
  return find(pod, "containers", PROXY) ?? find(pod, "initContainers", PROXY);
}

export function names(items: Json | undefined): string[] {
  return Array.isArray(items) ? items.filter(isObject).map((i) => String(i.name ?? "")) : [];
}

export type Move = "first" | "last" | "remove";

/** Moves (or removes) the named container within its list; a list without it is left as it is. */
export function moveContainer(pod: JsonObject, field: ContainerList, name: string, where: Move): void {
  const items = list(pod, field);
  const match = items.find((c) => c.name === name);
  if (!match) return;
  const rest = items.filter((c) => c !== match);
  if (where === "remove") setList(pod, field, rest);
  else setList(pod, field, where === "first" ? [match, ...rest] : [...rest, match]);
}

export function setList(pod: JsonObject, field: string, items: JsonObject[]): void {
  const s = spec(pod);
  if (items.length === 0 && s[field] === undefined) return;
  s[field] = items;
}

export function metadataMap(pod: JsonObject, field: "labels" | "annotations"): Record<string, string> {
  if (!isObject(pod.metadata)) pod.metadata = {};
  const meta = pod.metadata as JsonObject;
  if (!isObject(meta[field])) meta[field] = {};
  return meta[field] as Record<string, string>;
}

export function annotationsOf(pod: JsonObject): Record<string, string> {
  const meta = isObject(pod.metadata) ? pod.metadata : {};
  return isObject(meta.annotations) ? (meta.annotations as Record<string, string>) : {};
}

export function labelsOf(pod: JsonObject): Record<string, string> {
  const meta = isObject(pod.metadata) ? pod.metadata : {};
  return isObject(meta.labels) ? (meta.labels as Record<string, string>) : {};
}
