import { isObject, type JsonObject, MAX_DEPTH, tooDeep } from "../json.ts";

/** The two AdmissionReview versions an API server may send; the answer uses the one it came in. */
export const REVIEW_VERSIONS = ["admission.k8s.io/v1", "admission.k8s.io/v1beta1"] as const;
export type ReviewVersion = (typeof REVIEW_VERSIONS)[number];

export interface AdmissionResponse {
  uid: string;
  allowed: boolean;
  patchType?: "JSONPatch";
  patch?: string;
  status?: { message: string };
}

export interface AdmissionReviewResponse {
  apiVersion: ReviewVersion;
  kind: "AdmissionReview";
  response: AdmissionResponse;
}

/** Kubernetes UIDs are 36-character UUIDs; anything far longer is not from an API server. */
export const MAX_UID_LENGTH = 256;

/** What the pipeline needs from a request, checked; everything else in the review is ignored. */
export interface DecodedRequest {
  apiVersion: ReviewVersion;
  uid: string;
  /** request.namespace: the pod's namespace when the pod itself has none (pods from controllers). */
  namespace: string;
  pod: JsonObject;
}

export type Decoded =
  | { ok: true; request: DecodedRequest }
  | { ok: false; apiVersion: ReviewVersion; uid: string; message: string };

/**
 * Checks an AdmissionReview that has already been parsed from JSON. Anything that is not a review of a
 * Pod is refused with a message saying what was wrong; nothing here throws, whatever the shape.
 */
export function decodeReview(body: unknown): Decoded {
  const fail = (message: string, apiVersion: ReviewVersion = REVIEW_VERSIONS[0], uid = "") =>
    ({ ok: false, apiVersion, uid, message }) as const;
  if (!isObject(body)) return fail("body is not an AdmissionReview: expected a JSON object");
  const { apiVersion, kind, request } = body;
  if (kind !== "AdmissionReview" || !REVIEW_VERSIONS.includes(apiVersion as ReviewVersion)) {
    return fail(
      `body is not an AdmissionReview: want kind AdmissionReview and apiVersion ${REVIEW_VERSIONS.join(" or ")}, got kind ${show(kind)} and apiVersion ${show(apiVersion)}`,
    );
  }
  const version = apiVersion as ReviewVersion;
  if (!isObject(request)) return fail("AdmissionReview has no request", version);
  const uid = typeof request.uid === "string" ? request.uid : "";
  if (uid === "") return fail("AdmissionReview request has no uid", version);
  // The answer echoes the uid, so it is bounded like everything else the answer carries.
  if (uid.length > MAX_UID_LENGTH)
    return fail(
      `request.uid is longer than ${MAX_UID_LENGTH} characters; an API server's is a UUID`,
      version,
    );
  // After the uid, so that even this refusal goes back to the request it answers.
  if (tooDeep(body)) return fail(`body is nested deeper than ${MAX_DEPTH} levels; no Pod is`, version, uid);
  const namespace = typeof request.namespace === "string" ? request.namespace : "";

  const requestKind = request.kind;
  if (isObject(requestKind) && requestKind.kind !== undefined && requestKind.kind !== "Pod") {
    return fail(
      `request is for a ${show(requestKind.kind)}, not a Pod: only pods are injected`,
      version,
      uid,
    );
  }
  const pod = request.object;
  if (!isObject(pod)) return fail("request.object is missing or is not a JSON object", version, uid);
  if (pod.kind !== undefined && pod.kind !== "Pod") {
    return fail(`request.object is a ${show(pod.kind)}, not a Pod: only pods are injected`, version, uid);
  }
  const shapeError = podShapeError(pod);
  if (shapeError) return fail(`request.object is not a valid Pod: ${shapeError}`, version, uid);
  return { ok: true, request: { apiVersion: version, uid, namespace, pod } };
}

/**
 * The fields the injector reads must have their Kubernetes types; a pod that the API server would
 * never send (but a hostile caller could) is refused here rather than half-injected later.
 */
function podShapeError(pod: JsonObject): string | undefined {
  const meta = pod.metadata;
  if (meta !== undefined && !isObject(meta)) return "metadata must be an object";
  if (isObject(meta)) {
    for (const field of ["labels", "annotations"]) {
      const map = meta[field];
      if (map === undefined || map === null) continue;
      if (!isObject(map) || !Object.values(map).every((v) => typeof v === "string")) {
        return `metadata.${field} must map strings to strings`;
      }
    }
    for (const field of ["name", "generateName", "namespace"]) {
      if (meta[field] !== undefined && meta[field] !== null && typeof meta[field] !== "string") {
        return `metadata.${field} must be a string`;
      }
    }
  }
  const spec = pod.spec;
  if (!isObject(spec)) return "spec must be an object";
  for (const field of ["containers", "initContainers", "volumes", "imagePullSecrets"]) {
    const list = spec[field];
    if (list === undefined || list === null) continue;
    if (!Array.isArray(list) || !list.every(isObject)) return `spec.${field} must be a list of objects`;
  }
  if (!Array.isArray(spec.containers)) return "spec.containers is required";
  for (const field of ["containers", "initContainers"]) {
    const list = spec[field];
    if (Array.isArray(list) && !list.every((c) => isObject(c) && typeof c.name === "string")) {
      return `every entry of spec.${field} needs a name`;
    }
  }
  return undefined;
}

function show(v: unknown): string {
  if (v === undefined) return "(none)";
  const s = JSON.stringify(v) ?? String(v);
  return s.length > 60 ? `${s.slice(0, 57)}...` : s;
}
