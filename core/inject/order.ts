import type { JsonObject } from "../json.ts";
import { CORE_DUMP, find, INIT, moveContainer, PROXY, VALIDATION } from "./containers.ts";

/**
 * Container order after merging, as Istio leaves it. The proxy goes last so `kubectl exec` and logs
 * default to the app, or first when the app must wait for it. As a native sidecar the proxy and the
 * iptables setup come before the user's init containers, so those run inside the mesh; otherwise
 * iptables goes last so it cannot blackhole the user's init containers, and validation first.
 */
export function reorderContainers(pod: JsonObject, holdApplication: boolean): void {
  moveContainer(pod, "containers", PROXY, holdApplication ? "first" : "last");
  if (find(pod, "initContainers", PROXY)) {
    for (const name of [CORE_DUMP, PROXY, VALIDATION, INIT])
      moveContainer(pod, "initContainers", name, "first");
  } else {
    moveContainer(pod, "initContainers", VALIDATION, "first");
    moveContainer(pod, "initContainers", INIT, "last");
    moveContainer(pod, "initContainers", CORE_DUMP, "last");
  }
}
