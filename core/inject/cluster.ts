import { isObject, type JsonObject } from "../json.ts";
import { findProxy } from "./containers.ts";

export const CLUSTER_ENV = "ISTIO_META_CLUSTER_ID";
export const NETWORK_ENV = "ISTIO_META_NETWORK";
export const NETWORK_LABEL = "topology.istio.io/network";

/**
 * Cluster and network for the proxy: values first, the webhook URL's path over them (one Outrigger
 * serves many clusters and the URL is all that tells them apart), and the pod's network label over all.
 */
export function clusterEnvs(
  pathEnvs: Record<string, string>,
  values: JsonObject,
  podLabels: Record<string, string>,
): Record<string, string> {
  const global = isObject(values.global) ? values.global : {};
  const multiCluster = isObject(global.multiCluster) ? global.multiCluster : {};
  const envs = { ...pathEnvs };
  const cluster = pathEnvs[CLUSTER_ENV] || str(multiCluster.clusterName);
  let network = pathEnvs[NETWORK_ENV] || str(global.network);
  if (NETWORK_LABEL in podLabels) network = podLabels[NETWORK_LABEL] ?? "";
  if (cluster) envs[CLUSTER_ENV] = cluster;
  if (network) envs[NETWORK_ENV] = network;
  return envs;
}

/** Forces the cluster envs onto istio-proxy, replacing the template's, in sorted order at the end. */
export function overwriteClusterEnvs(pod: JsonObject, envs: Record<string, string>): void {
  const proxy = findProxy(pod);
  const keys = Object.keys(envs).sort();
  if (!proxy || keys.length === 0) return;
  const kept = (Array.isArray(proxy.env) ? proxy.env : []).filter(
    (e) => !(isObject(e) && String(e.name) in envs),
  );
  proxy.env = [...kept, ...keys.map((name) => ({ name, value: envs[name] ?? "" }))];
}

function str(v: unknown): string {
  return typeof v === "string" ? v : "";
}
