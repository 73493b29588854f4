import type { Engine } from "../../core/engine.ts";
import { isObject } from "../../core/json.ts";

/**
 * What the built-in config injects, said once where it is used without being asked for: Istio's test
 * image and the cluster id `Kubernetes` are right for no real cluster. `how` says how to give a config
 * where the notice is shown (`give --config`, `set OUTRIGGER_CONFIG or OUTRIGGER_CONFIG_URL`).
 */
export function builtinConfigNotice(engine: Pick<Engine, "config">, how: string): string {
  const values = engine.config.values;
  const global = isObject(values.global) ? values.global : {};
  const proxy = isObject(global.proxy) ? global.proxy : {};
  const multiCluster = isObject(global.multiCluster) ? global.multiCluster : {};
  const image = [global.hub, proxy.image].filter((p) => typeof p === "string" && p !== "").join("/");
  const cluster = typeof multiCluster.clusterName === "string" ? multiCluster.clusterName : "";
  return `no config given: the built-in config injects ${image}:${String(global.tag ?? "")} with cluster id ${cluster || "Kubernetes"}; ${how} with your cluster's Istio ConfigMaps (README "Use your cluster's Istio")`;
}
