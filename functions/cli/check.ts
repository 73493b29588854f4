import { parseArgs } from "node:util";
import { type Decision, decide, decisionInput } from "../../core/decide/decide.ts";
import { deploymentOf, engineForRevision, layoutOf } from "../../core/deployment.ts";
import { parseDocument } from "../../core/document/yaml.ts";
import type { Engine } from "../../core/engine.ts";
import { err, isObject, type Json, type JsonObject, ok, stringMap } from "../../core/json.ts";
import { parseProblem, splitDocuments } from "../../core/manifest/documents.ts";
import { rewriteManifest } from "../../core/manifest/rewrite.ts";
import type { WorkloadRef } from "../../core/manifest/workloads.ts";
import { istiodInjectorsAlongside } from "../../core/registration/istiod.ts";
import type { WebhookMatch } from "../../core/registration/match.ts";
import {
  deploymentRegistrations,
  handlingOf,
  type Registration,
  registrationsOf,
} from "../../core/registration/revisions.ts";
import { engineFromFiles } from "../shared/engine-file.ts";
import { printWarnings, readInput } from "./io.ts";
import { type Command, EXIT_CODES, InputError, UsageError } from "./usage.ts";

/** The namespace label the API server sets on every namespace, which registrations select on. */
const NAME_LABEL = "kubernetes.io/metadata.name";

interface Verdict {
  workload: WorkloadRef;
  namespace: string;
  /** Every entry of every registration, each with the registration (MutatingWebhookConfiguration) it is in. */
  webhooks: (WebhookMatch & { registration: string })[];
  /** The revision (and tag) whose registration selects the pod, and why; none when none does. */
  revision?: string;
  tag?: string;
  handling: string;
  decision: Pick<Decision, "inject" | "rule" | "reasons" | "warnings">;
  injected: boolean;
}

export const check: Command = {
  summary: "explain whether each pod of a manifest would get a sidecar, and why",
  help: `Usage: outrigger check -f FILE|- [--namespace NAME] [--namespace-labels k=v,...]
       [--webhook-config FILE] [--config FILE] [-o text|json]

Explains both layers of injection for each pod or workload in the manifest:
  1. would the API server call the webhook? The registration's namespaceSelector against the
     namespace's labels and its objectSelector against the pod's labels, entry by entry;
  2. what Outrigger then decides: the rules in Istio's order (hostNetwork, system namespaces, the
     sidecar.istio.io/inject label and annotation, neverInjectSelector, alwaysInjectSelector, policy),
     each with what it saw, by the config of the revision whose registration selects the pod.
The revision (and tag) that would handle the pod is named with why: which registration's entry
selects it. A pod or namespace labelled istio.io/dataplane-mode=ambient gets no sidecar unless a
sidecar label selects it too; then the sidecar takes precedence, as in Istio.
Each pod is the one its controller creates (a CronJob's has its pod template's metadata).
Exits 0 whatever the verdict.

Flags:
  -f, --filename FILE          manifest to explain, - for standard input (required)
      --namespace NAME         namespace of pods whose manifest names none (default "default"); a
                               manifest that names another namespace is refused, as kubectl does
      --namespace-labels LABELS  the namespace's labels, KEY=VALUE,... (e.g. istio-injection=enabled)
                               or the JSON that kubectl's jsonpath prints (below); the API server's
                               kubernetes.io/metadata.name=NAME is added
      --webhook-config FILE    the MutatingWebhookConfiguration(s) on the cluster, one or several;
                               each one's revision is the one its URL routes to (/rev/REV)
                               (default: the ones \`outrigger webhook-config --config\` prints)
      --config FILE            the config the webhook runs with: Outrigger's, or Istio's ConfigMaps
                               of every revision and the tags beside them (default: the built-in)
  -o, --output FORMAT          text (default: a table, then each pod's reasons) or json

Examples:
  outrigger check -f deployment.yaml --namespace-labels istio-injection=enabled
  outrigger check -f app.yaml --namespace-labels "$(kubectl get namespace shop -o jsonpath='{.metadata.labels}')"
  outrigger check -f app.yaml --namespace shop --webhook-config mwc.yaml --config outrigger.yaml -o json

${EXIT_CODES}
`,
  async run(args, out) {
    const { values: v } = parseArgs({
      args,
      options: {
        filename: { type: "string", short: "f" },
        namespace: { type: "string" },
        "namespace-labels": { type: "string" },
        "webhook-config": { type: "string" },
        config: { type: "string" },
        output: { type: "string", short: "o", default: "text" },
      },
      strict: true,
    });
    if (!v.filename) throw new UsageError("-f FILE is required (-f - reads standard input)");
    if (v.output !== "text" && v.output !== "json") throw new UsageError(`-o ${v.output}: text or json`);
    const labels = parseLabels(v["namespace-labels"] ?? "");
    const engine = engineFromFiles({ config: v.config }, process.env);
    if (!engine.ok) throw new InputError(engine.error);
    printWarnings("check", engine.value.warnings);
    const registrations = loadRegistrations(v["webhook-config"], engine.value);

    const verdicts: Verdict[] = [];
    const source = v.filename === "-" ? "standard input" : v.filename;
    // The manifest walk of inject, with a step that only looks.
    // The pod the webhook sees is the one the controller creates (for a CronJob, the pod template's
    // metadata, not jobTemplate.metadata). A namespace flag that contradicts the manifest is refused, as
    // kubectl refuses it: one pod, one namespace, one answer.
    const walked = await rewriteManifest(
      readInput(v.filename),
      (_pod, workload, pod) => {
        const own = podNamespace(pod) || workload.namespace;
        if (v.namespace !== undefined && own && own !== v.namespace)
          return err(
            `the manifest says namespace "${own}" and --namespace says "${v.namespace}"; drop --namespace or make them agree`,
          );
        const namespace = v.namespace ?? (own || "default");
        const podLabels = stringMap(isObject(pod.metadata) ? pod.metadata.labels : undefined);
        const handling = handlingOf(registrations, { ...labels, [NAME_LABEL]: namespace }, podLabels);
        // The revision that would answer decides; with none called, the default one says what it would do.
        const revised = engineForRevision(engine.value, handling.revision);
        if (!revised.ok) return err(revised.error.replace(/^Outrigger: /, ""));
        const d = decide(decisionInput(pod, namespace), revised.value.config);
        const decision = { inject: d.inject, rule: d.rule, reasons: d.reasons, warnings: d.warnings };
        verdicts.push({
          workload,
          namespace,
          webhooks: handling.matches,
          ...(handling.revision !== undefined ? { revision: handling.revision } : {}),
          ...(handling.tag !== undefined ? { tag: handling.tag } : {}),
          handling: handling.reason,
          decision,
          injected: d.inject && handling.revision !== undefined,
        });
        return ok({ skipped: "" });
      },
      "injection",
      "as-written",
    );
    if (!walked.ok) throw new InputError(`${source}: ${walked.error}`);
    out(v.output === "json" ? `${JSON.stringify(verdicts, null, 2)}\n` : textReport(verdicts));
    return 0;
  },
};

function textReport(verdicts: Verdict[]): string {
  if (verdicts.length === 0) return "No pods or workloads in the manifest.\n";
  const rows = verdicts.map((v) => {
    const called = v.webhooks.filter((w) => w.called).map((w) => w.webhook);
    return [
      `${v.workload.kind}/${v.workload.name}`,
      v.namespace,
      called.length > 0 ? called.join(",") : "none",
      v.revision === undefined ? "-" : v.tag === undefined ? v.revision : `${v.revision} (tag ${v.tag})`,
      v.injected ? "yes" : "no",
      called.length === 0 ? "no webhook entry selects the pod" : (v.decision.reasons.at(-1) ?? ""),
    ];
  });
  const header = ["WORKLOAD", "NAMESPACE", "WEBHOOK CALLED", "REVISION", "INJECTED", "REASON"];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] as string).length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i] as number)))
      .join("  ")
      .trimEnd();
  const table = [line(header), ...rows.map(line)].join("\n");
  const details = verdicts.map((v) => {
    const called = v.webhooks.filter((w) => w.called).length;
    // One registration: its entries' names say enough; several repeat them, so each is named by its own.
    const several = new Set(v.webhooks.map((w) => w.registration)).size > 1;
    const lines = [`${v.workload.kind} "${v.namespace}/${v.workload.name}":`];
    for (const w of v.webhooks)
      lines.push(
        `  webhook ${several ? `${w.registration}/` : ""}${w.webhook}: ${w.called ? "called" : "not called"}: ${w.reason}`,
      );
    if (called > 1)
      lines.push("  warning: several webhook entries select the pod; it would be injected more than once");
    lines.push(`  revision: ${v.handling}`);
    lines.push(
      `  Outrigger ${v.decision.inject ? "injects" : "does not inject"} (rule: ${v.decision.rule}):`,
    );
    for (const r of v.decision.reasons) lines.push(`    - ${r}`);
    for (const w of v.decision.warnings) lines.push(`    warning: ${w}`);
    return lines.join("\n");
  });
  return `${table}\n\n${details.join("\n\n")}\n`;
}

function podNamespace(pod: JsonObject): string {
  const ns = isObject(pod.metadata) ? pod.metadata.namespace : undefined;
  return typeof ns === "string" ? ns : "";
}

/**
 * `KEY=VALUE,...`, or the JSON object `kubectl get namespace NAME -o jsonpath='{.metadata.labels}'`
 * prints, so its output can be passed as it is.
 */
export function parseLabels(text: string): Record<string, string> {
  if (text.trim().startsWith("{")) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      throw new UsageError("--namespace-labels: not a JSON object of labels, nor KEY=VALUE,...");
    }
    if (!isObject(parsed)) throw new UsageError("--namespace-labels: not a JSON object of labels");
    for (const [k, val] of Object.entries(parsed))
      if (typeof val !== "string")
        throw new UsageError(`--namespace-labels: the value of ${JSON.stringify(k)} is not a string`);
    return stringMap(parsed);
  }
  const labels: Record<string, string> = {};
  for (const part of text.split(",").filter((p) => p.trim() !== "")) {
    const eq = part.indexOf("=");
    if (eq <= 0) throw new UsageError(`--namespace-labels: "${part}" is not KEY=VALUE`);
    labels[part.slice(0, eq).trim()] = part.slice(eq + 1).trim();
  }
  return labels;
}

/**
 * The registrations the API server would call: the file's, or the ones `webhook-config` renders for
 * the config (one per revision and per tag of its ConfigMaps; one for a config without revisions).
 */
function loadRegistrations(path: string | undefined, engine: Engine): Registration[] {
  const layout = layoutOf(engine);
  if (path === undefined) {
    const rendered = deploymentRegistrations({ url: "https://outrigger.invalid/inject", layout });
    if (!rendered.ok) throw new Error(rendered.error);
    return rendered.value;
  }
  // Several documents (`---`), and the List `kubectl get mutatingwebhookconfigurations -o yaml`
  // gives: their entries are taken together, as the API server calls every registration.
  const items: Json[] = [];
  for (const raw of splitDocuments(readInput(path))) {
    const parsed = parseDocument(raw.text);
    if (!parsed.ok) {
      const problem = parseProblem(raw.text, parsed.error);
      throw new InputError(`${path}: line ${raw.line + (problem.line ?? 1) - 1}: ${problem.message}`);
    }
    const doc = parsed.value;
    items.push(...(isObject(doc) && doc.kind === "List" && Array.isArray(doc.items) ? doc.items : [doc]));
  }
  const configs = items.filter(
    (i): i is JsonObject => isObject(i) && i.kind === "MutatingWebhookConfiguration",
  );
  if (configs.length === 0) throw new InputError(`${path}: kind: not a MutatingWebhookConfiguration`);
  for (const w of istiodInjectorsAlongside(configs)) process.stderr.write(`outrigger check: warning: ${w}\n`);
  return registrationsOf(configs, deploymentOf(engine).default);
}
