import { type DecisionPolicy, decide, decisionInput, skipReason } from "../decide/decide.ts";
import type { Engine } from "../engine.ts";
import { injectPod } from "../inject/pod.ts";
import { STATUS_ANNOTATION } from "../inject/status.ts";
import { uninjectPod } from "../inject/uninject.ts";
import { isObject, type JsonObject, ok } from "../json.ts";
import type { PodStep } from "./rewrite.ts";
import type { WorkloadRef } from "./workloads.ts";

/**
 * Manual injection, as istioctl kube-inject does it: the user asked, so the policy and the
 * never/always selectors do not apply, but host networking, the system namespaces and an explicit
 * `sidecar.istio.io/inject: "false"` still skip the pod; only the `sidecar` template is used unless
 * the pod names its own, and there are no URL path envs or injectedAnnotations.
 */
export function manualInjection(engine: Engine): PodStep {
  return (pod, workload, created) => {
    const decision = decide(decisionInput(pod, workload.namespace), engine.config, { manual: true });
    if (!decision.inject) return ok({ skipped: skipReason(decision) });
    const optOut = createdPodOptsOut(pod, workload, created);
    if (optOut !== undefined) return ok({ skipped: optOut });
    const injected = injectPod(pod, {
      config: engine.config,
      templates: engine.templates,
      pathEnvs: {},
      manual: true,
    });
    return injected.ok ? ok({ pod: injected.value.pod }) : injected;
  };
}

const MANUAL_POLICY: DecisionPolicy = {
  policy: "enabled",
  neverInjectSelector: [],
  alwaysInjectSelector: [],
};

/**
 * Why the pod the controller creates must not get a sidecar, where istioctl's view of the workload
 * would inject it: a CronJob whose pod template says `sidecar.istio.io/inject: "false"`. istioctl reads
 * only `spec.jobTemplate.metadata` and injects it anyway; the webhook leaves such a pod alone, and a
 * sidecar that never exits would keep the Job from completing. Undefined when there is no such reason.
 */
export function createdPodOptsOut(
  pod: JsonObject,
  workload: WorkloadRef,
  created: JsonObject,
): string | undefined {
  if (created === pod) return undefined;
  const decision = decide(decisionInput(created, workload.namespace), MANUAL_POLICY, { manual: true });
  if (decision.inject) return undefined;
  return `has sidecar injection disabled in its pod template (${decision.reasons.at(-1)})`;
}

/** The injection the status annotation records, taken out again; a pod without one is left alone. */
export const uninjection: PodStep = (pod) => {
  const annotations =
    isObject(pod.metadata) && isObject(pod.metadata.annotations) ? pod.metadata.annotations : {};
  if (annotations[STATUS_ANNOTATION] === undefined) return ok({ skipped: "has no injected sidecar" });
  const removed = uninjectPod(pod);
  return removed.ok ? ok({ pod: removed.value }) : removed;
};
