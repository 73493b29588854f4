import { readFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { yamlText } from "../../core/manifest/kube-yaml.ts";
import { mutatingWebhookConfiguration } from "../../core/registration/webhook.ts";
import { type Command, EXIT_CODES, InputError, UsageError } from "./usage.ts";

export const webhookConfig: Command = {
  summary: "print the MutatingWebhookConfiguration that registers a deployed Outrigger",
  help: `Usage: outrigger webhook-config --url URL [--revision REV] [--namespaces-by-default]
       [--failure-policy Fail|Ignore] [--timeout SECONDS] [--ca-bundle FILE] [--name NAME] [-o yaml|json]

Prints an admissionregistration.k8s.io/v1 MutatingWebhookConfiguration with Istio's selectors
(namespace label istio-injection=enabled or istio.io/rev, pod label sidecar.istio.io/inject, the
revision variants), pod CREATE rules, sideEffects None, admissionReviewVersions v1 and v1beta1,
and the system namespaces excluded. Apply it with kubectl. The object carries no istio.io/* label
and its entries are named *.sidecar-injector.outrigger, so istiod never rewrites its caBundle and
istioctl's tag commands leave it alone; turn istiod's own injector webhook off (README "Living
beside istiod").

Flags:
      --url URL                 the deployed webhook, https, no query string, an Outrigger route
                                (/inject/t/TOKEN[/path envs], after the stage on API Gateway):
                                https://HOST/inject/t/TOKEN/cluster/CLUSTER (required)
      --revision REV            register for the istio.io/rev=REV label only (Istio's revision entries)
      --namespaces-by-default   also inject pods in namespaces without any injection label
      --failure-policy P        Fail (default: a pod is not created while the webhook is down) or Ignore
      --timeout SECONDS         how long the API server waits, 1 to 30 (API server default: 10)
      --ca-bundle FILE          PEM CA for a URL whose certificate public roots do not sign
      --name NAME               the object's name, a DNS subdomain (default outrigger-sidecar-injector[-REV])
  -o, --output FORMAT           yaml (default) or json

Examples:
  outrigger webhook-config --url "https://europe-west1-proj.cloudfunctions.net/inject/t/$TOKEN" | kubectl apply -f -
  outrigger webhook-config --url "https://abc.execute-api.eu-west-1.amazonaws.com/inject/t/$TOKEN/cluster/eks-1" \\
    --revision canary --failure-policy Ignore --timeout 5

${EXIT_CODES}
`,
  run(args, out) {
    const { values: v } = parseArgs({
      args,
      options: {
        url: { type: "string" },
        revision: { type: "string" },
        "namespaces-by-default": { type: "boolean" },
        "failure-policy": { type: "string" },
        timeout: { type: "string" },
        "ca-bundle": { type: "string" },
        name: { type: "string" },
        output: { type: "string", short: "o", default: "yaml" },
      },
      strict: true,
    });
    if (v.url === undefined) throw new UsageError("--url is required");
    const policy = v["failure-policy"];
    if (policy !== undefined && policy !== "Fail" && policy !== "Ignore")
      throw new UsageError(`--failure-policy ${policy}: Fail or Ignore`);
    if (v.output !== "yaml" && v.output !== "json") throw new UsageError(`-o ${v.output}: yaml or json`);
    const timeout = v.timeout === undefined ? undefined : Number(v.timeout);
    const config = mutatingWebhookConfiguration({
      url: v.url,
      revision: v.revision,
      namespacesByDefault: v["namespaces-by-default"],
      failurePolicy: policy,
      timeoutSeconds: timeout,
      caBundle: v["ca-bundle"] === undefined ? undefined : caBundle(v["ca-bundle"]),
      name: v.name,
    });
    if (!config.ok) throw new UsageError(config.error);
    out(v.output === "json" ? `${JSON.stringify(config.value, null, 2)}\n` : yamlText(config.value));
    return 0;
  },
};

/** clientConfig.caBundle is the PEM itself, base64-encoded. */
function caBundle(path: string): string {
  let pem: string;
  try {
    pem = readFileSync(path, "utf8");
  } catch (e) {
    throw new InputError(
      `cannot read --ca-bundle ${path}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`,
    );
  }
  if (!pem.includes("-----BEGIN CERTIFICATE-----")) throw new InputError(`${path}: not a PEM certificate`);
  return Buffer.from(pem).toString("base64");
}
