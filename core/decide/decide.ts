import type { LabelSelector } from "../config/types.ts";
import { isObject, type JsonObject, stringMap } from "../json.ts";
import { describeSelector, isEmptySelector, matchSelector } from "./selector.ts";

/**
 * Whether a pod that reached the webhook gets a sidecar: Istio's injectRequired, in Istio's order,
 * returning which rule decided and why instead of a bare boolean, for logs and `outrigger check`.
 */

export const INJECT_KEY = "sidecar.istio.io/inject";

/** System namespaces Istio never injects into, whatever the pod says. */
export const IGNORED_NAMESPACES: readonly string[] = [
  "kube-system",
  "kube-public",
  "kube-node-lease",
  "local-path-storage",
];

export interface DecisionInput {
  namespace: string;
  labels: Record<string, string>;
  annotations: Record<string, string>;
  hostNetwork: boolean;
}

export interface DecisionPolicy {
  policy: string;
  neverInjectSelector: readonly LabelSelector[];
  alwaysInjectSelector: readonly LabelSelector[];
}

export type Rule =
  | "hostNetwork"
  | "ignoredNamespace"
  | "label"
  | "annotation"
  | "neverInjectSelector"
  | "alwaysInjectSelector"
  | "policy"
  | "invalidPolicy";

export interface Decision {
  inject: boolean;
  rule: Rule;
  /** What was considered, in order, ending with what decided. */
  reasons: string[];
  warnings: string[];
}

export interface DecideOptions {
  /**
   * Manual injection (`outrigger inject`, like `istioctl kube-inject`): the user asked, so the policy
   * is taken as enabled and the selectors are not consulted; hostNetwork, the system namespaces and
   * an explicit `sidecar.istio.io/inject: "false"` still hold.
   */
  manual?: boolean;
}

/** The decision's view of an untrusted pod: anything of the wrong type reads as absent. */
export function decisionInput(pod: JsonObject, requestNamespace: string): DecisionInput {
  // The type says object; callers hand over whatever request.object held, so check anyway.
  const safe: JsonObject = isObject(pod) ? pod : {};
  const meta = isObject(safe.metadata) ? safe.metadata : {};
  const spec = isObject(safe.spec) ? safe.spec : {};
  const own = typeof meta.namespace === "string" ? meta.namespace : "";
  return {
    // Istio fills the namespace from the request only when the pod names none.
    namespace: own || (typeof requestNamespace === "string" ? requestNamespace : ""),
    labels: stringMap(meta.labels),
    annotations: stringMap(meta.annotations),
    hostNetwork: spec.hostNetwork === true,
  };
}

export function decide(input: DecisionInput, policy: DecisionPolicy, options: DecideOptions = {}): Decision {
  const reasons: string[] = [];
  const warnings: string[] = [];
  const done = (inject: boolean, rule: Rule, reason: string): Decision => {
    reasons.push(reason);
    return { inject, rule, reasons, warnings };
  };

  // The pod shares the node's network namespace: iptables rules would capture the node's traffic.
  if (input.hostNetwork) return done(false, "hostNetwork", "hostNetwork is true: never inject");
  if (IGNORED_NAMESPACES.includes(input.namespace)) {
    return done(
      false,
      "ignoredNamespace",
      `namespace ${JSON.stringify(input.namespace)} is a system namespace: never inject`,
    );
  }

  const effectivePolicy = options.manual ? "enabled" : policy.policy;
  const validPolicy = effectivePolicy === "enabled" || effectivePolicy === "disabled";
  if (!validPolicy)
    warnings.push(`policy "${effectivePolicy}" is neither enabled nor disabled: no pod is injected`);

  // The label is the current API; when its key is present, even empty or invalid, it replaces the annotation.
  const labelPresent = Object.hasOwn(input.labels, INJECT_KEY);
  const annotationPresent = Object.hasOwn(input.annotations, INJECT_KEY);
  const source: Rule = labelPresent ? "label" : "annotation";
  const value = labelPresent ? (input.labels[INJECT_KEY] as string) : (input.annotations[INJECT_KEY] ?? "");
  if (labelPresent && annotationPresent) {
    reasons.push(
      `label ${INJECT_KEY}=${JSON.stringify(value)} beats annotation ${JSON.stringify(input.annotations[INJECT_KEY])}`,
    );
  }

  if (value === "true" || value === "false") {
    const inject = value === "true";
    if (!validPolicy)
      return done(
        false,
        "invalidPolicy",
        `${source} ${INJECT_KEY}=${JSON.stringify(value)}, but policy "${effectivePolicy}" is invalid: never inject`,
      );
    return done(
      inject,
      source,
      `${source} ${INJECT_KEY}=${JSON.stringify(value)}: ${inject ? "inject" : "do not inject"}`,
    );
  }
  if (value !== "") {
    warnings.push(
      `invalid ${source} ${INJECT_KEY}=${JSON.stringify(value)}: only "true" and "false" count; falling back to the policy`,
    );
    reasons.push(`${source} ${INJECT_KEY}=${JSON.stringify(value)} is neither "true" nor "false": ignored`);
  } else if (labelPresent || annotationPresent) {
    reasons.push(`${source} ${INJECT_KEY} is empty: no explicit choice`);
  } else {
    reasons.push(`no ${INJECT_KEY} label or annotation: no explicit choice`);
  }

  if (!options.manual) {
    const never = firstMatch("neverInjectSelector", policy.neverInjectSelector, input.labels, warnings);
    if (never) {
      return validPolicy
        ? done(false, "neverInjectSelector", `${never}: do not inject`)
        : done(false, "invalidPolicy", `${never}, but policy "${effectivePolicy}" is invalid: never inject`);
    }
    const always = firstMatch("alwaysInjectSelector", policy.alwaysInjectSelector, input.labels, warnings);
    if (always) {
      return validPolicy
        ? done(true, "alwaysInjectSelector", `${always}: inject`)
        : done(false, "invalidPolicy", `${always}, but policy "${effectivePolicy}" is invalid: never inject`);
    }
    const count = policy.neverInjectSelector.length + policy.alwaysInjectSelector.length;
    if (count > 0) reasons.push(`no neverInjectSelector or alwaysInjectSelector matched`);
  }

  if (!validPolicy)
    return done(false, "invalidPolicy", `policy "${effectivePolicy}" is invalid: never inject`);
  const inject = effectivePolicy === "enabled";
  const why = options.manual ? "manual injection" : `policy "${effectivePolicy}"`;
  return done(inject, "policy", `${why}: no explicit choice, ${inject ? "inject" : "do not inject"}`);
}

/** The first selector of the list that matches, described; empty and invalid selectors are skipped. */
function firstMatch(
  name: string,
  selectors: readonly LabelSelector[],
  labels: Record<string, string>,
  warnings: string[],
): string | undefined {
  for (const [i, sel] of selectors.entries()) {
    // An empty selector would match every pod; Istio treats it as saying nothing.
    if (isEmptySelector(sel)) continue;
    const m = matchSelector(sel, labels, `${name}[${i}]`);
    if (!m.ok) {
      warnings.push(`invalid selector skipped: ${m.error}`);
      continue;
    }
    if (m.matches) return `${name}[${i}] matched (${describeSelector(sel)})`;
  }
  return undefined;
}

/**
 * The end of `Skipping injection because <Kind> "<ns>/<name>" <reason>`, as istioctl kube-inject
 * prints it. Istio has only the first two texts; the rest say what actually decided.
 */
export function skipReason(decision: Decision): string {
  switch (decision.rule) {
    case "hostNetwork":
      return "has host networking enabled";
    case "ignoredNamespace":
      return "is in a system namespace, where sidecars are never injected";
    case "neverInjectSelector":
      return "matches neverInjectSelector";
    case "invalidPolicy":
      return "cannot be injected: the injection policy is neither enabled nor disabled";
    default:
      return "has sidecar injection disabled";
  }
}
