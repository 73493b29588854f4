import { parseDocument } from "../document/yaml.ts";
import { err, isObject, type Json, type JsonObject, ok, type Result } from "../json.ts";
import { parseProblem, splitDocuments } from "./documents.ts";
import { kubeYaml } from "./kube-yaml.ts";
import {
  isWorkloadKind,
  podOfWorkload,
  viewsDiffer,
  type WorkloadRef,
  withPod,
  workloadRef,
} from "./workloads.ts";

/**
 * What happens to one pod of a manifest: a new pod, or left as it is with the sentence that says why
 * (`has host networking enabled`). Injection and uninjection, local or through a deployed webhook,
 * are each one of these; the walk over documents, kinds and Lists is the same for all of them.
 * `pod` is the pod as istioctl sees it, which the step's result replaces; `created` is the pod the
 * workload's controller creates, which the webhook sees (the same object except for a CronJob, whose
 * istioctl pod takes `spec.jobTemplate.metadata` while the Job controller uses the pod template's).
 */
export type PodStep = (
  pod: JsonObject,
  workload: WorkloadRef,
  created: JsonObject,
) => Result<PodOutcome> | Promise<Result<PodOutcome>>;
export type PodOutcome = { pod: JsonObject } | { skipped: string };

export interface RewrittenDocument {
  index: number;
  line: number;
  /** The document as it was written. */
  before: string;
  /**
   * The document as output: `before` itself when nothing in it changed, or its typed form when istioctl
   * would print that (see UnchangedDocuments).
   */
  after: string;
  /** Whether a pod of it changed; a document only printed again in the typed form has not. */
  changed: boolean;
  /** The document as read, when it changed: printed the way `after` is, it diffs to the change alone. */
  original?: JsonObject;
}

/**
 * How a document is output when none of its pods changed. "istioctl": a document of a kind istioctl
 * kube-inject decodes (the workload kinds and `List`) is printed in its typed form whatever became of
 * its pods, since istioctl decodes every such document into its Go type and encodes it again, skipped
 * or not (pkg/kube/inject IntoResourceFile); only kinds it does not know pass through as written.
 * "as-written": the document is given back byte for byte (uninjection, and walks that only look).
 */
export type UnchangedDocuments = "istioctl" | "as-written";

export interface Rewritten {
  documents: RewrittenDocument[];
  /** One line per pod left alone: `Skipping injection because Deployment "ns/name" has ...`. */
  skipped: string[];
}

/**
 * Every pod-bearing document of a multi-document YAML or JSON manifest through `step`: the kinds of
 * workloads.ts, and `List` items recursively. Documents of any other kind are given back byte for
 * byte, comments and key order with them; changed ones are printed as istioctl prints them, and so are
 * those whose pods were all left alone unless `unchanged` is "as-written". The first document that
 * cannot be read or handled stops the walk with an error naming it (document index, line, workload
 * and field), so no output is half-made.
 */
export async function rewriteManifest(
  text: string,
  step: PodStep,
  skipVerb = "injection",
  unchanged: UnchangedDocuments = "istioctl",
): Promise<Result<Rewritten>> {
  const out: Rewritten = { documents: [], skipped: [] };
  for (const raw of splitDocuments(text)) {
    const where = `document ${raw.index} (line ${raw.line})`;
    const parsed = parseDocument(raw.text);
    if (!parsed.ok) {
      const problem = parseProblem(raw.text, parsed.error);
      const line = raw.line + (problem.line ?? 1) - 1;
      return err(`document ${raw.index} (line ${line}): ${problem.message}`);
    }
    const doc = parsed.value;
    const same = { index: raw.index, line: raw.line, before: raw.text, after: raw.text, changed: false };
    // A document of comments only is kept as written.
    if (doc === null) {
      out.documents.push(same);
      continue;
    }
    if (!isObject(doc))
      return err(`${where}: not a Kubernetes object (a ${Array.isArray(doc) ? "list" : typeof doc})`);
    const walked = await walk(doc, step, skipVerb, out.skipped, "");
    if (!walked.ok) return err(`${where}: ${walked.error}`);
    if (walked.value !== undefined)
      out.documents.push({ ...same, after: kubeYaml(walked.value), changed: true, original: doc });
    else if (unchanged === "istioctl" && (doc.kind === "List" || isWorkloadKind(doc.kind)))
      out.documents.push({ ...same, after: kubeYaml(doc) });
    else out.documents.push(same);
  }
  return ok(out);
}

/** The document with its pods stepped, or undefined when it does not change. */
async function walk(
  doc: JsonObject,
  step: PodStep,
  skipVerb: string,
  skipped: string[],
  field: string,
): Promise<Result<JsonObject | undefined>> {
  const kind = doc.kind;
  if (typeof kind !== "string" || kind === "")
    return err(`${field}kind: missing; every Kubernetes object names its kind`);
  if (kind === "List") {
    if (!Array.isArray(doc.items)) return ok(undefined);
    let changed = false;
    const items: Json[] = [];
    for (const [i, item] of doc.items.entries()) {
      if (!isObject(item)) {
        items.push(item);
        continue;
      }
      const next = await walk(item, step, skipVerb, skipped, `${field}items[${i}].`);
      if (!next.ok) return next;
      changed ||= next.value !== undefined;
      items.push(next.value ?? item);
    }
    return ok(changed ? { ...doc, items } : undefined);
  }
  if (!isWorkloadKind(kind)) return ok(undefined);
  const ref = workloadRef(doc);
  const label = `${ref.kind} "${ref.namespace}/${ref.name}"`;
  const pod = podOfWorkload(doc);
  if (!pod.ok) return err(`${label}: ${field}${pod.error}`);
  const created = viewsDiffer(ref.kind) ? podOfWorkload(doc, "controller") : pod;
  if (!created.ok) return err(`${label}: ${field}${created.error}`);
  const outcome = await step(pod.value, ref, created.value);
  if (!outcome.ok) return err(`${label}: ${outcome.error}`);
  if ("skipped" in outcome.value) {
    skipped.push(`Skipping ${skipVerb} because ${label} ${outcome.value.skipped}`);
    return ok(undefined);
  }
  return ok(withPod(doc, outcome.value.pod));
}
