import type { AdmissionResponse, AdmissionReviewResponse, ReviewVersion } from "./review.ts";

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

/**
 * A denial's message is cut at this many characters: it quotes values from the pod, and the API
 * server copies it into the error the user sees (and its own logs).
 */
export const MAX_MESSAGE_LENGTH = 4096;

export function denied(apiVersion: ReviewVersion, uid: string, message: string): AdmissionReviewResponse {
  return review(apiVersion, {
    uid,
    allowed: false,
    status: { message: cutText(message, MAX_MESSAGE_LENGTH) },
  });
}

/** `text` cut to at most about `max` characters, with a marker saying how much went. */
export function cutText(text: string, max: number): string {
  if (text.length <= max) return text;
  const kept = Math.max(0, max - 32);
  return `${text.slice(0, kept)}...[cut ${text.length - kept} characters]`;
}

/**
 * `patch` is encodePatch's base64 of the operations (a remembered answer's, or one just made);
 * undefined, no operations, is no patch: the response then says allowed and nothing else.
 */
export function patched(
  apiVersion: ReviewVersion,
  uid: string,
  patch: string | undefined,
): AdmissionReviewResponse {
  if (patch === undefined) return allowed(apiVersion, uid);
  const response: AdmissionResponse = { uid, allowed: true, patchType: "JSONPatch", patch };
  base64Patches.set(response, patch);
  return review(apiVersion, response);
}

/** The patch each response was given by `patched`: base64 from encodePatch, so nothing in it needs escaping. */
const base64Patches = new WeakMap<AdmissionResponse, string>();

/**
 * An answer's JSON text, exactly as JSON.stringify writes it. The patch (base64, several KB for an
 * injection) is pasted in rather than scanned for characters to escape, which is most of what
 * JSON.stringify would spend on the answer; anything but a response from `patched`, untouched since,
 * goes through JSON.stringify as it is.
 */
export function reviewJson(answer: AdmissionReviewResponse): string {
  const response = answer.response;
  const patch = response.patch;
  if (
    patch === undefined ||
    base64Patches.get(response) !== patch ||
    !lastKeyIs(answer, "response") ||
    !lastKeyIs(response, "patch")
  ) {
    return JSON.stringify(answer);
  }
  const { patch: _, ...rest } = response;
  if (Object.keys(rest).length === 0) return JSON.stringify(answer);
  const head = JSON.stringify({ ...answer, response: rest });
  // `head` ends with the response's closing brace and the review's; the patch goes before them.
  return `${head.slice(0, -2)},"patch":"${patch}"}}`;
}

function lastKeyIs(obj: object, key: string): boolean {
  const keys = Object.keys(obj);
  return keys[keys.length - 1] === key;
}
