import { encodePatch, type PatchOperation } from "../patch/patch.ts";
import type { AdmissionReviewResponse, ReviewVersion } from "./review.ts";

/**
 * Every way out of the webhook, named, so "how do we say yes, no or here is the patch" lives in one
 * place and always echoes the uid and the request's apiVersion.
 */
function review(
  apiVersion: ReviewVersion,
  response: AdmissionReviewResponse["response"],
): AdmissionReviewResponse {
  return { apiVersion, kind: "AdmissionReview", response };
}

export function allowed(apiVersion: ReviewVersion, uid: string): AdmissionReviewResponse {
  return review(apiVersion, { uid, allowed: true });
}

export function denied(apiVersion: ReviewVersion, uid: string, message: string): AdmissionReviewResponse {
  return review(apiVersion, { uid, allowed: false, status: { message } });
}

/** An empty patch is no patch: the response then says allowed and nothing else. */
export function patched(
  apiVersion: ReviewVersion,
  uid: string,
  ops: PatchOperation[],
): AdmissionReviewResponse {
  if (ops.length === 0) return allowed(apiVersion, uid);
  return review(apiVersion, { uid, allowed: true, patchType: "JSONPatch", patch: encodePatch(ops) });
}
