import type { Engine } from "../engine.ts";
import type { JsonObject } from "../json.ts";
import { probePods } from "../render/probe-pods.ts";
import { admitHttp } from "./http.ts";

/**
 * A cold instance answers its first admission in its interpreter: every function on the data path
 * is compiled on its first call, and none has type feedback yet (10 to 14 ms on Node 22 for the
 * built-in config, against 0.3 ms warm; BENCHMARKS.md). Where no V8 code cache is taken (arm64
 * Lambda, a Node patch the build did not see, Lambda's heap flags), that lands on the first pod a
 * cluster creates. So the handlers answer one admission of their own at start-up, while the
 * platform still starts the instance: the probe pod every config's render check uses, as a
 * ReplicaSet creates it, asking for injection, through the same HTTP path and answer memory as a
 * request. The answer goes nowhere; the memory it leaves is that pod's own, right for any request
 * that repeats it.
 */
export function primeReview(): string {
  const probe = probePods()[0] as { pod: JsonObject };
  const pod = structuredClone(probe.pod);
  const meta = pod.metadata as JsonObject;
  meta.labels = { ...(meta.labels as JsonObject), "sidecar.istio.io/inject": "true" };
  return reviewOf(pod);
}

/** An AdmissionReview of a pod CREATE as a ReplicaSet controller sends it. */
export function reviewOf(pod: JsonObject): string {
  const meta = pod.metadata as JsonObject;
  return JSON.stringify({
    apiVersion: "admission.k8s.io/v1",
    kind: "AdmissionReview",
    request: {
      uid: "00000000-0000-0000-0000-000000000000",
      kind: { group: "", version: "v1", kind: "Pod" },
      resource: { group: "", version: "v1", resource: "pods" },
      requestKind: { group: "", version: "v1", kind: "Pod" },
      requestResource: { group: "", version: "v1", resource: "pods" },
      namespace: meta.namespace,
      operation: "CREATE",
      userInfo: { username: "system:serviceaccount:kube-system:replicaset-controller" },
      object: pod,
      oldObject: null,
      dryRun: false,
      options: { apiVersion: "meta.k8s.io/v1", kind: "CreateOptions" },
    },
  });
}

/** Answers the primer admission on `engine`; whether it was injected (false: not warmed as far). */
export function prime(engine: Engine): boolean {
  const res = admitHttp({ path: "/inject", contentType: "application/json", body: primeReview() }, engine);
  return res.log.outcome === "injected";
}
