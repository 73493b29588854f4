import { readFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { loadConfig } from "../../core/config/load.ts";
import { layoutOf } from "../../core/deployment.ts";
import { BUILTIN_TEMPLATE_NAMES } from "../../core/engine.ts";
import { yamlText } from "../../core/manifest/kube-yaml.ts";
import { deploymentRegistrations, type RegistrationLayout } from "../../core/registration/revisions.ts";
import { mutatingWebhookConfiguration } from "../../core/registration/webhook.ts";
import { type Command, EXIT_CODES, InputError, UsageError } from "./usage.ts";

export const webhookConfig: Command = {
  summary: "print the MutatingWebhookConfiguration that registers a deployed Outrigger",
  help: `Usage: outrigger webhook-config --url URL [--config FILE [--tag TAG=REV]...] [--revision REV]
       [--namespaces-by-default]
       [--failure-policy Fail|Ignore] [--timeout SECONDS] [--ca-bundle FILE] [--name NAME] [-o yaml|json]

Prints an admissionregistration.k8s.io/v1 MutatingWebhookConfiguration with Istio's selectors
(namespace label istio-injection=enabled or istio.io/rev, pod label sidecar.istio.io/inject, the
revision variants), pod CREATE rules, sideEffects None, admissionReviewVersions v1 and v1beta1,
and the system namespaces excluded. Apply it with kubectl. The object carries no istio.io/* label
and its entries are named *.sidecar-injector.outrigger, so istiod never rewrites its caBundle and
istioctl's tag commands leave it alone; turn istiod's own injector webhook off (README "Living
beside istiod").

With --config (Istio's ConfigMaps of every revision the cluster runs, and the Outrigger document
beside them with \`tags\`), it prints one configuration per revision (outrigger-sidecar-injector-REV)
and one per tag (outrigger-revision-tag-TAG), with the selectors Istio renders for revisions and
tags, each pointing at its revision's URL: URL plus /rev/REV (README "Revisions and tags"). The
\`default\` tag's (or the revision named default's) also carry the istio-injection=enabled entries.

Flags:
      --url URL                 the deployed webhook, https, no query string, an Outrigger route
                                (/inject/t/TOKEN[/path envs], after the stage on API Gateway):
                                https://HOST/inject/t/TOKEN/cluster/CLUSTER (required)
      --config FILE             the config the function serves: register every revision and tag in it
      --tag TAG=REV             a tag for REV (repeatable), over the config's \`tags\` (with --config)
      --revision REV            register for the istio.io/rev=REV label only (Istio's revision entries);
                                with --config: only REV's configuration and its tags'
                                (URL is then the base; REV's route is added)
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
  outrigger webhook-config --url "https://HOST/inject/t/$TOKEN" --config istio-configmaps.yaml --tag prod=1-31

${EXIT_CODES}
`,
  run(args, out) {
    const { values: v } = parseArgs({
      args,
      options: {
        url: { type: "string" },
        revision: { type: "string" },
        config: { type: "string" },
        tag: { type: "string", multiple: true },
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
    const common = {
      url: v.url,
      namespacesByDefault: v["namespaces-by-default"],
      failurePolicy: policy as "Fail" | "Ignore" | undefined,
      timeoutSeconds: timeout,
      caBundle: v["ca-bundle"] === undefined ? undefined : caBundle(v["ca-bundle"]),
    };
    if (v.config !== undefined) {
      if (v.name !== undefined)
        throw new UsageError("--name: with --config each configuration has its own name");
      const layout = withTags(configLayout(v.config), v.tag ?? []);
      const all = deploymentRegistrations({ ...common, layout, only: v.revision });
      if (!all.ok) throw new UsageError(all.error);
      const configs = all.value.map((r) => r.config);
      out(
        v.output === "json"
          ? `${JSON.stringify({ apiVersion: "v1", kind: "List", items: configs }, null, 2)}\n`
          : configs.map((c) => yamlText(c)).join("---\n"),
      );
      return 0;
    }
    if (v.tag !== undefined) throw new UsageError("--tag needs --config (the revisions it may point at)");
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

/** The revisions, tags and default revision of the config file, which must load as the function loads it. */
function configLayout(path: string): RegistrationLayout {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (e) {
    throw new InputError(
      `cannot read --config ${path}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`,
    );
  }
  const loaded = loadConfig(text, BUILTIN_TEMPLATE_NAMES);
  if (!loaded.ok) throw new InputError(`${path}: ${loaded.error}`);
  return layoutOf(loaded.value);
}

/** `--tag TAG=REV` over the config's tags, checked as the config's are. */
function withTags(layout: RegistrationLayout, flags: readonly string[]): RegistrationLayout {
  const tags = { ...layout.tags };
  for (const flag of flags) {
    const eq = flag.indexOf("=");
    const tag = flag.slice(0, eq);
    const revision = flag.slice(eq + 1);
    if (eq <= 0 || revision === "") throw new UsageError(`--tag ${flag}: want TAG=REVISION, e.g. prod=1-31`);
    if (!layout.revisions.includes(revision))
      throw new UsageError(
        `--tag ${flag}: no revision "${revision}" in the config; it holds ${layout.revisions.join(", ")}`,
      );
    if (layout.revisions.includes(tag))
      throw new UsageError(`--tag ${flag}: "${tag}" is a revision, not a tag name`);
    if (!/^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/.test(tag))
      throw new UsageError(`--tag ${flag}: a tag name is a DNS label (lower-case letters, digits and '-')`);
    tags[tag] = revision;
  }
  return { ...layout, tags };
}

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
