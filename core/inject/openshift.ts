import type { Config } from "../config/types.ts";
import { isObject, type JsonObject } from "../json.ts";
import { INIT, list, PROXY, VALIDATION } from "./containers.ts";

/**
 * OpenShift (istiod's PLATFORM=openshift). OpenShift gives every namespace a range of uids its pods
 * must run as, and records it on the Namespace. istiod reads that Namespace from the cluster; a
 * serverless Outrigger is told it in config (`namespaces.<ns>.annotations`). The proxy then runs as
 * the top of the uid range, and its group as the top of the first supplemental-groups block, so the
 * iptables rules (`-u`) can tell the proxy's traffic from the app's.
 */

export const UID_RANGE = "openshift.io/sa.scc.uid-range";
export const SUPPLEMENTAL_GROUPS = "openshift.io/sa.scc.supplemental-groups";
export const DEFAULT_PROXY_ID = 1337;

export function isOpenShift(config: Config): boolean {
  return config.features.PLATFORM === "openshift";
}

const MAX_UINT32 = 0xffffffff;

/** `<start>/<size>` or `<start>-<end>` (OpenShift's block notation) → [start, end]; undefined if invalid. */
export function parseBlock(text: string): [number, number] | undefined {
  const m = /^\s*(\d+)\s*([/-])\s*(\d+)/.exec(text);
  if (!m) return undefined;
  const a = Number(m[1]);
  const b = Number(m[3]);
  if (a > MAX_UINT32 || b > MAX_UINT32) return undefined;
  if (m[2] === "/") return [a, (a + b - 1) >>> 0];
  return [a, b];
}

/** The proxy's uid and gid for a pod in this namespace (1337 each unless OpenShift says otherwise). */
export function proxyIds(config: Config, namespace: string): { uid: number; gid: number } {
  const ids = { uid: DEFAULT_PROXY_ID, gid: DEFAULT_PROXY_ID };
  if (!isOpenShift(config)) return ids;
  const annotations = config.namespaces[namespace]?.annotations;
  if (!annotations) return ids;
  const uidRange = annotations[UID_RANGE];
  const uidBlock = uidRange ? parseBlock(uidRange) : undefined;
  if (uidBlock) ids.uid = uidBlock[1];
  const groups = annotations[SUPPLEMENTAL_GROUPS] ?? uidRange;
  if (groups) {
    const blocks = groups.split(",").map(parseBlock);
    // Istio takes the first block, and only when every block parses.
    if (blocks.length > 0 && blocks.every((b) => b !== undefined))
      ids.gid = (blocks[0] as [number, number])[1];
  }
  return ids;
}

function runAsUser(c: JsonObject): number | undefined {
  const sc = isObject(c.securityContext) ? c.securityContext : undefined;
  return typeof sc?.runAsUser === "number" ? sc.runAsUser : undefined;
}

/**
 * OpenShift stamps the same runAsUser on every container of a pod, the user's `istio-proxy`
 * customisation included; a proxy running as the app's uid would defeat traffic capture. As istiod
 * does, a proxy runAsUser (and runAsGroup) equal to the app's is dropped, so the namespace's proxy
 * uid applies; a different, deliberately chosen uid is kept. Returns the pod to inject (a copy when
 * changed).
 */
export function resetProxyUserMatchingApp(pod: JsonObject): JsonObject {
  const all = [...list(pod, "containers"), ...list(pod, "initContainers")];
  const proxy = all.find((c) => c.name === PROXY);
  if (!proxy || !isObject(proxy.securityContext)) return pod;
  // As istiod: the last app container with a runAsUser gives the app's uid; unset counts as 0.
  let appUser = 0;
  for (const c of all) {
    if (c.name === PROXY || c.name === INIT || c.name === VALIDATION) continue;
    appUser = runAsUser(c) ?? appUser;
  }
  if ((runAsUser(proxy) ?? 0) !== appUser) return pod;
  const out = structuredClone(pod);
  for (const field of ["containers", "initContainers"] as const) {
    for (const c of list(out, field)) {
      if (c.name !== PROXY || !isObject(c.securityContext)) continue;
      delete c.securityContext.runAsUser;
      delete c.securityContext.runAsGroup;
    }
  }
  return out;
}
