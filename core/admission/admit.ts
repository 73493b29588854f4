import { type Decision, decide, decisionInput } from "../decide/decide.ts";
import { engineForRevision } from "../deployment.ts";
import type { Engine } from "../engine.ts";
import { injectPod } from "../inject/pod.ts";
import { err, isObject, type JsonObject } from "../json.ts";
import { createPatch, encodeJson } from "../patch/patch.ts";
import { parsePathEnvs } from "./path-envs.ts";
import { type Answer, answerKey, recallAnswer, rememberAnswer } from "./repeat.ts";
import { allowed, denied, patched } from "./response.ts";
import { type AdmissionReviewResponse, decodeReview } from "./review.ts";

/** What happened to one admission, for the handler's structured log line. Carries no pod content. */
export interface AdmissionLog {
  uid: string;
  /** `<namespace>/<name>`, or `<namespace>/<generateName>*****` for pods a controller has not named yet. */
  pod?: string;
  outcome: "injected" | "skipped" | "denied" | "unchanged";
  /** The Istio revision that answered, or the one the path asked for when there is none of that name. */
  revision?: string;
  decision?: Pick<Decision, "rule" | "reasons">;
  templates?: string[];
  patchOps?: number;
  message?: string;
  warnings: string[];
}

export interface AdmitResult {
  review: AdmissionReviewResponse;
  log: AdmissionLog;
  /**
   * The injected pod, when one was made (the CLI and tests use it; handlers do not). An answer
   * recalled under `remember` has none.
   */
  pod?: JsonObject;
}

export interface AdmitOptions {
  /**
   * Answer a repeat of an injection already answered with the same patch (core/admission/repeat.ts):
   * the handlers, which see a workload's replicas one after another. Only pods without a name of
   * their own are remembered (see `repeats`). One-off callers (the CLI's `review`) leave it off.
   */
  remember?: boolean;
}

/**
 * One AdmissionReview (already parsed from JSON) → its answer. `path` is the request path the API
 * server called, which carries the cluster identity (`/inject/cluster/<id>/net/<net>`) and the
 * revision (`/inject/rev/<revision>`; none: the default revision). `deployment` is the engine the
 * config loaded to; the revision's engine answers. Never throws: whatever the input, the answer is a
 * well-formed AdmissionReview.
 */
export function admit(
  body: unknown,
  deployment: Engine,
  path = "/inject",
  options: AdmitOptions = {},
): AdmitResult {
  const decoded = decodeReview(body);
  if (!decoded.ok) {
    return {
      review: denied(decoded.apiVersion, decoded.uid, decoded.message),
      log: { uid: decoded.uid, outcome: "denied", message: decoded.message, warnings: [] },
    };
  }
  const { apiVersion, uid, namespace } = decoded.request;
  const original = withoutManagedFields(decoded.request.pod);
  const input = decisionInput(original, namespace);
  const log: AdmissionLog = { uid, pod: podRef(original, input.namespace), outcome: "skipped", warnings: [] };

  const pathEnvs = parsePathEnvs(path);
  const asked = [...new Set(pathEnvs.revisions ?? [])];
  const chosen =
    asked.length > 1
      ? err(`Outrigger: the webhook URL names several revisions (${asked.join(", ")}); it must name one`)
      : engineForRevision(deployment, asked[0]);
  if (!chosen.ok) {
    const message = chosen.error;
    return {
      review: denied(apiVersion, uid, message),
      log: { ...log, revision: asked.join(","), outcome: "denied", message },
    };
  }
  const engine = chosen.value;
  if (engine.revision !== undefined) log.revision = engine.revision;

  const decision = decide(input, engine.config);
  log.decision = { rule: decision.rule, reasons: decision.reasons };
  log.warnings.push(...decision.warnings);
  if (!decision.inject) return { review: allowed(apiVersion, uid), log };

  log.warnings.push(...pathEnvs.warnings);
  const key =
    options.remember && repeats(original) ? answerKey(original, input.namespace, pathEnvs.envs) : undefined;
  const recalled = key === undefined ? undefined : recallAnswer(engine, key);
  if (recalled) return { review: patched(apiVersion, uid, recalled.patch), log: answeredLog(log, recalled) };

  const injected = injectPod(withNamespace(original, input.namespace), {
    config: engine.config,
    templates: engine.templates,
    broken: engine.broken,
    pathEnvs: pathEnvs.envs,
  });
  if (!injected.ok) {
    return {
      review: denied(apiVersion, uid, injected.error),
      log: { ...log, outcome: "denied", message: injected.error },
    };
  }
  const ops = createPatch(original, withoutFilledNamespace(injected.value.pod, original));
  const json = ops.length > 0 ? JSON.stringify(ops) : undefined;
  const answer: Answer = {
    patch: json === undefined ? undefined : encodeJson(json),
    ops: ops.length,
    templates: injected.value.templates,
  };
  if (key !== undefined) rememberAnswer(engine, key, json, answer);
  return {
    review: patched(apiVersion, uid, answer.patch),
    log: answeredLog(log, answer),
    pod: injected.value.pod,
  };
}

function answeredLog(log: AdmissionLog, answer: Answer): AdmissionLog {
  return {
    ...log,
    outcome: answer.ops > 0 ? "injected" : "unchanged",
    templates: answer.templates,
    patchOps: answer.ops,
  };
}

/**
 * The answer when no valid config is loaded: `deny` refuses every pod with a message that says why
 * in general terms (the reason itself is logged, not sent: it may name the config's location);
 * `allow` lets pods through uninjected, for clusters that prefer availability to the sidecar.
 */
export function admitWithoutConfig(body: unknown, mode: "deny" | "allow"): AdmitResult {
  const decoded = decodeReview(body);
  const apiVersion = decoded.ok ? decoded.request.apiVersion : decoded.apiVersion;
  const uid = decoded.ok ? decoded.request.uid : decoded.uid;
  if (mode === "allow") {
    return {
      review: allowed(apiVersion, uid),
      log: { uid, outcome: "skipped", message: "no valid config; failure mode allow", warnings: [] },
    };
  }
  const message = "Outrigger has no valid configuration loaded, so it cannot inject; its logs say why";
  return { review: denied(apiVersion, uid, message), log: { uid, outcome: "denied", message, warnings: [] } };
}

/**
 * The diff's left side is the pod as received minus managedFields: huge, irrelevant, and absent from
 * both sides so it yields no operation.
 */
function withoutManagedFields(pod: JsonObject): JsonObject {
  if (!isObject(pod.metadata) || !("managedFields" in pod.metadata)) return pod;
  const { managedFields: _, ...meta } = pod.metadata;
  return { ...pod, metadata: meta };
}

/** Templates see the namespace the pod will live in; pods from controllers arrive without one. */
function withNamespace(pod: JsonObject, namespace: string): JsonObject {
  const meta = isObject(pod.metadata) ? pod.metadata : {};
  if (meta.namespace || !namespace) return pod;
  return { ...pod, metadata: { ...meta, namespace } };
}

/** The API server fills the namespace itself; the patch does not restate it (Istio's does not either). */
function withoutFilledNamespace(pod: JsonObject, original: JsonObject): JsonObject {
  const had = isObject(original.metadata) && original.metadata.namespace !== undefined;
  if (had || !isObject(pod.metadata)) return pod;
  const { namespace: _, ...meta } = pod.metadata;
  return { ...pod, metadata: meta };
}

/**
 * Whether the pod may come again as it is: the pods a controller creates by `generateName` (the API
 * server names them after admission) do, one per replica. A pod with its own name is unique in its
 * namespace, so remembering its answer would only push out a replica set's.
 */
function repeats(pod: JsonObject): boolean {
  return !(isObject(pod.metadata) && typeof pod.metadata.name === "string" && pod.metadata.name !== "");
}

function podRef(pod: JsonObject, namespace: string): string {
  const meta = isObject(pod.metadata) ? pod.metadata : {};
  if (typeof meta.name === "string" && meta.name) return `${namespace}/${meta.name}`;
  return `${namespace}/${typeof meta.generateName === "string" ? meta.generateName : ""}*****`;
}
