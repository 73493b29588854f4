import { decide, decisionInput, skipReason } from "../decide/decide.ts";
import type { Engine } from "../engine.ts";
import { injectPod } from "../inject/pod.ts";
import { STATUS_ANNOTATION } from "../inject/status.ts";
import { uninjectPod } from "../inject/uninject.ts";
import { isObject, ok } from "../json.ts";
import type { PodStep } from "./rewrite.ts";

/**
 * Manual injection, as istioctl kube-inject does it: the user asked, so the policy and the
 * never/always selectors do not apply, but host networking, the system namespaces and an explicit
 * `sidecar.istio.io/inject: "false"` still skip the pod; only the `sidecar` template is used unless
 * the pod names its own, and there are no URL path envs or injectedAnnotations.
 */
export function manualInjection(engine: Engine): PodStep {
  return (pod, workload) => {
    const decision = decide(decisionInput(pod, workload.namespace), engine.config, { manual: true });
    if (!decision.inject) return ok({ skipped: skipReason(decision) });
    const injected = injectPod(pod, {
      config: engine.config,
      templates: engine.templates,
      pathEnvs: {},
      manual: true,
    });
    return injected.ok ? ok({ pod: injected.value.pod }) : injected;
  };
}

/** The injection the status annotation records, taken out again; a pod without one is left alone. */
export const uninjection: PodStep = (pod) => {
  const annotations =
    isObject(pod.metadata) && isObject(pod.metadata.annotations) ? pod.metadata.annotations : {};
  if (annotations[STATUS_ANNOTATION] === undefined) return ok({ skipped: "has no injected sidecar" });
  const removed = uninjectPod(pod);
  return removed.ok ? ok({ pod: removed.value }) : removed;
};
