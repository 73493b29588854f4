import { IGNORED_NAMESPACES } from "../decide/decide.ts";
import { err, type JsonObject, ok, type Result } from "../json.ts";

/**
 * The MutatingWebhookConfiguration that registers Outrigger on a cluster: Istio's webhook entries
 * (istio-injector reference §1.1) with Outrigger's URL. The single source of truth for the
 * registration: the Terraform webhook module is tested against it (test/infra).
 */
export interface WebhookOptions {
  url: string;
  revision?: string;
  namespacesByDefault?: boolean;
  failurePolicy?: "Fail" | "Ignore";
  timeoutSeconds?: number;
  caBundle?: string;
  name?: string;
  reinvocationPolicy?: "Never" | "IfNeeded";
}

type Expr = { key: string; operator: "In" | "NotIn" | "Exists" | "DoesNotExist"; values?: string[] };
const is = (key: string, ...values: string[]): Expr => ({ key, operator: "In", values });
const isNot = (key: string, ...values: string[]): Expr => ({ key, operator: "NotIn", values });
const absent = (key: string): Expr => ({ key, operator: "DoesNotExist" });

const INJECT = "sidecar.istio.io/inject";
const REV = "istio.io/rev";
const LEGACY = "istio-injection";
/** The system namespaces are never sent to the webhook (it would skip them anyway). */
const SYSTEM = isNot("kubernetes.io/metadata.name", ...IGNORED_NAMESPACES);

export function mutatingWebhookConfiguration(opts: WebhookOptions): Result<JsonObject> {
  let url: URL;
  try {
    url = new URL(opts.url);
  } catch {
    return err(`--url ${JSON.stringify(opts.url)}: not a URL`);
  }
  if (url.protocol !== "https:") return err("--url: the API server only calls https URLs");
  if (url.search !== "" || opts.url.includes("?"))
    return err("--url: the API server refuses URLs with a query string");
  if (
    opts.timeoutSeconds !== undefined &&
    !(Number.isInteger(opts.timeoutSeconds) && opts.timeoutSeconds >= 1 && opts.timeoutSeconds <= 30)
  ) {
    return err("--timeout: must be a whole number of seconds from 1 to 30");
  }
  const rev = opts.revision || "default";
  const entry = (name: string, ns: Expr[], obj: Expr[]): JsonObject => ({
    name,
    clientConfig: { url: opts.url, ...(opts.caBundle ? { caBundle: opts.caBundle } : {}) },
    rules: [{ operations: ["CREATE"], apiGroups: [""], apiVersions: ["v1"], resources: ["pods"] }],
    failurePolicy: opts.failurePolicy ?? "Fail",
    sideEffects: "None",
    admissionReviewVersions: ["v1", "v1beta1"],
    reinvocationPolicy: opts.reinvocationPolicy ?? "Never",
    ...(opts.timeoutSeconds ? { timeoutSeconds: opts.timeoutSeconds } : {}),
    namespaceSelector: { matchExpressions: [...ns, SYSTEM] },
    objectSelector: { matchExpressions: obj },
  });
  const webhooks = [
    entry(
      "rev.namespace.sidecar-injector.istio.io",
      [is(REV, rev), absent(LEGACY)],
      [isNot(INJECT, "false")],
    ),
    entry(
      "rev.object.sidecar-injector.istio.io",
      [absent(REV), absent(LEGACY)],
      [isNot(INJECT, "false"), is(REV, rev)],
    ),
  ];
  if (!opts.revision) {
    webhooks.push(
      entry("namespace.sidecar-injector.istio.io", [is(LEGACY, "enabled")], [isNot(INJECT, "false")]),
    );
    webhooks.push(
      entry(
        "object.sidecar-injector.istio.io",
        [absent(LEGACY), absent(REV)],
        [is(INJECT, "true"), absent(REV)],
      ),
    );
    if (opts.namespacesByDefault) {
      webhooks.push(
        entry("auto.sidecar-injector.istio.io", [absent(LEGACY), absent(REV)], [absent(INJECT), absent(REV)]),
      );
    }
  }
  return ok({
    apiVersion: "admissionregistration.k8s.io/v1",
    kind: "MutatingWebhookConfiguration",
    metadata: {
      name:
        opts.name ??
        (opts.revision ? `outrigger-sidecar-injector-${opts.revision}` : "outrigger-sidecar-injector"),
      labels: { [REV]: rev, app: "sidecar-injector" },
    },
    webhooks,
  });
}
