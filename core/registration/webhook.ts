import { IGNORED_NAMESPACES } from "../decide/decide.ts";
import { err, type JsonObject, ok, type Result } from "../json.ts";
import { OUTRIGGER_ENTRY_SUFFIX, OUTRIGGER_LABEL } from "./istiod.ts";

/**
 * The MutatingWebhookConfiguration that registers Outrigger on a cluster: Istio's webhook entries
 * (istio-injector reference §1.1) with Outrigger's URL. The single source of truth for the
 * registration: the Terraform webhook module is tested against it (test/infra).
 *
 * The selectors are Istio's, so the same namespaces and pods are sent; the object itself is not
 * Istio's. istiod rewrites caBundle on every configuration labelled with its revision whose entries
 * end with sidecar-injector.istio.io, and istioctl's tag commands select by istio.io/rev and
 * istio.io/tag (istiod.ts lists every such rule). So: no istio.io/* label, no `app:
 * sidecar-injector`, and entries named *.sidecar-injector.outrigger.
 */
export interface WebhookOptions {
  url: string;
  revision?: string;
  /**
   * Render a revision tag's entries instead (Istio's revision-tags-mwc.yaml): keyed on the tag name,
   * with the legacy `istio-injection` entries when the tag is `default`. `url` is then the tagged
   * revision's.
   */
  tag?: string;
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
  const route = routeError(url);
  if (route) return err(`--url: ${route}`);
  if (opts.name !== undefined && !isDnsSubdomain(opts.name))
    return err(
      `--name ${JSON.stringify(opts.name)}: a MutatingWebhookConfiguration name is a DNS subdomain (lower-case letters, digits, '-' and '.', at most 253)`,
    );
  // istiod's default revision watcher and istioctl's tag commands own these names.
  if (opts.name?.startsWith("istio-revision-tag-"))
    return err(`--name ${opts.name}: istio-revision-tag-* names are Istio's revision tags`);
  if (
    opts.timeoutSeconds !== undefined &&
    !(Number.isInteger(opts.timeoutSeconds) && opts.timeoutSeconds >= 1 && opts.timeoutSeconds <= 30)
  ) {
    return err("--timeout: must be a whole number of seconds from 1 to 30");
  }
  // Istio's chart: a revision's (or tag's) entries select its name; the default revision's, and the
  // `default` tag's, also carry the legacy istio-injection ones.
  const rev = opts.tag || opts.revision || "default";
  const legacy = opts.tag ? opts.tag === "default" : !opts.revision;
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
      `rev.namespace.${OUTRIGGER_ENTRY_SUFFIX}`,
      [is(REV, rev), absent(LEGACY)],
      [isNot(INJECT, "false")],
    ),
    entry(
      `rev.object.${OUTRIGGER_ENTRY_SUFFIX}`,
      [absent(REV), absent(LEGACY)],
      [isNot(INJECT, "false"), is(REV, rev)],
    ),
  ];
  if (legacy) {
    webhooks.push(
      entry(`namespace.${OUTRIGGER_ENTRY_SUFFIX}`, [is(LEGACY, "enabled")], [isNot(INJECT, "false")]),
    );
    webhooks.push(
      entry(
        `object.${OUTRIGGER_ENTRY_SUFFIX}`,
        [absent(LEGACY), absent(REV)],
        [is(INJECT, "true"), absent(REV)],
      ),
    );
    if (opts.namespacesByDefault) {
      webhooks.push(
        entry(`auto.${OUTRIGGER_ENTRY_SUFFIX}`, [absent(LEGACY), absent(REV)], [absent(INJECT), absent(REV)]),
      );
    }
  }
  return ok({
    apiVersion: "admissionregistration.k8s.io/v1",
    kind: "MutatingWebhookConfiguration",
    metadata: {
      name:
        opts.name ??
        (opts.tag
          ? `outrigger-revision-tag-${opts.tag}`
          : opts.revision
            ? `outrigger-sidecar-injector-${opts.revision}`
            : "outrigger-sidecar-injector"),
      labels: {
        [OUTRIGGER_LABEL.key]: OUTRIGGER_LABEL.value,
        "app.kubernetes.io/component": "sidecar-injector",
      },
    },
    webhooks,
  });
}

/**
 * The handlers answer only /inject[/t/<token>][/<path envs>] (functions/shared/router.ts): any
 * other path gets 404, so every pod would be refused (Fail) or silently left out (Ignore). An
 * API Gateway URL may carry its stage first; the AWS handler strips it.
 */
function routeError(url: URL): string | undefined {
  const segments = url.pathname.split("/").slice(1);
  const stage = url.hostname.includes(".execute-api.") ? 1 : 0;
  const at = segments[0] === "inject" ? 0 : stage && segments[1] === "inject" ? 1 : -1;
  if (at < 0)
    return `path ${JSON.stringify(url.pathname)} is not an Outrigger route: the webhook answers /inject/t/TOKEN[/path envs] (after the stage on API Gateway) and 404 to anything else`;
  if (segments[at + 1] === "t" && !segments[at + 2])
    return `path ${JSON.stringify(url.pathname)} has no token after /inject/t/: every call would get 404`;
  return undefined;
}

function isDnsSubdomain(name: string): boolean {
  return name.length <= 253 && /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/.test(name);
}
