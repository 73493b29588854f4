import { describeSelector, matchSelector } from "../decide/selector.ts";
import { isObject, type Json, type JsonObject } from "../json.ts";

/** Whether the API server would send a pod CREATE to one webhook of a registration, and why. */
export interface WebhookMatch {
  webhook: string;
  called: boolean;
  reason: string;
}

/**
 * The first layer of injection, which happens before Outrigger sees anything: the API server calls a
 * webhook only when its rules cover pod CREATE, its namespaceSelector matches the namespace's labels
 * and its objectSelector the pod's. An absent selector matches everything, as in Kubernetes.
 */
export function matchWebhooks(
  registration: JsonObject,
  namespaceLabels: Record<string, string>,
  podLabels: Record<string, string>,
): WebhookMatch[] {
  const webhooks = Array.isArray(registration.webhooks) ? registration.webhooks.filter(isObject) : [];
  return webhooks.map((w) => {
    const webhook = typeof w.name === "string" ? w.name : "(unnamed)";
    if (!coversPodCreate(w.rules))
      return { webhook, called: false, reason: "its rules do not cover pod CREATE" };
    const ns = firstFailing(w.namespaceSelector, namespaceLabels, "namespaceSelector");
    if (ns) return { webhook, called: false, reason: ns };
    const obj = firstFailing(w.objectSelector, podLabels, "objectSelector");
    if (obj) return { webhook, called: false, reason: obj };
    return {
      webhook,
      called: true,
      reason: `namespaceSelector and objectSelector match`,
    };
  });
}

/** The first requirement of a selector the labels fail, described; undefined when all hold. */
function firstFailing(
  selector: Json | undefined,
  labels: Record<string, string>,
  path: string,
): string | undefined {
  if (selector === undefined || selector === null) return undefined;
  const whole = matchSelector(selector, labels, path);
  if (!whole.ok) return `${path} is invalid: ${whole.error}`;
  if (whole.matches) return undefined;
  const sel = selector as JsonObject;
  const single: JsonObject[] = [
    ...Object.entries(isObject(sel.matchLabels) ? sel.matchLabels : {}).map(([k, v]) => ({
      matchLabels: { [k]: v },
    })),
    ...(Array.isArray(sel.matchExpressions) ? sel.matchExpressions : []).map((e) => ({
      matchExpressions: [e],
    })),
  ];
  const failing = single.find((s) => {
    const m = matchSelector(s, labels, path);
    return m.ok && !m.matches;
  });
  return `${path} needs ${describeSelector(failing ?? selector)}`;
}

function coversPodCreate(rules: Json | undefined): boolean {
  if (!Array.isArray(rules)) return false;
  const has = (list: Json | undefined, value: string) =>
    Array.isArray(list) && (list.includes(value) || list.includes("*"));
  return rules.some(
    (r) =>
      isObject(r) &&
      has(r.operations, "CREATE") &&
      has(r.apiGroups, "") &&
      has(r.apiVersions, "v1") &&
      has(r.resources, "pods"),
  );
}
