import type { Engine } from "../engine.ts";
import { type AdmissionLog, type AdmitResult, admit } from "./admit.ts";
import { denied, reviewJson } from "./response.ts";
import { REVIEW_VERSIONS } from "./review.ts";

/**
 * The HTTP side of the webhook contract, with no server in it: every front end (Cloud Function,
 * Lambda, local server, the CLI's `review`) hands over method-less facts of a request and writes
 * back what comes out. Transport errors are HTTP statuses; anything that parses is answered 200 with
 * an AdmissionReview, allowed or not, because that is what the API server acts on.
 */

/** The API server's own limit on a request body (and Istio's): bigger is not a pod. */
export const MAX_BODY_BYTES = 6 * 1024 * 1024;

export interface HttpAdmissionRequest {
  path: string;
  contentType: string | undefined;
  /** `Content-Encoding`: anything but identity is refused, never inflated (a 200 KB gzip body can hold GBs). */
  contentEncoding?: string | undefined;
  body: Uint8Array | string | undefined;
}

export interface HttpAdmissionResponse {
  status: number;
  contentType: "application/json" | "text/plain; charset=utf-8";
  body: string;
  log: AdmissionLog;
}

export function admitHttp(req: HttpAdmissionRequest, engine: Engine): HttpAdmissionResponse {
  return answerHttp(req, (body, path) => admit(body, engine, path, { remember: true }));
}

/**
 * The HTTP rules around any way of answering a parsed body: the webhook with an engine, or the
 * failure-mode answer when no valid config is loaded.
 */
export function answerHttp(
  req: HttpAdmissionRequest,
  answer: (body: unknown, path: string) => AdmitResult,
): HttpAdmissionResponse {
  const size =
    req.body === undefined
      ? 0
      : typeof req.body === "string"
        ? Buffer.byteLength(req.body)
        : req.body.byteLength;
  const early = headError({ contentEncoding: req.contentEncoding, contentLength: size });
  if (early) return early;
  if (size === 0) return text(400, "no body found");
  if (!isJson(req.contentType)) {
    return text(415, `invalid Content-Type ${JSON.stringify(req.contentType ?? "")}, want application/json`);
  }
  const raw = typeof req.body === "string" ? req.body : utf8(req.body as Uint8Array);
  let body: unknown;
  try {
    body = JSON.parse(raw);
  } catch (e) {
    const reason = e instanceof RangeError ? "nested too deeply" : "not valid JSON";
    const review = denied(REVIEW_VERSIONS[0], "", `could not decode body: ${reason}`);
    return {
      status: 200,
      contentType: "application/json",
      body: JSON.stringify(review),
      log: failure(reason),
    };
  }
  const result = answer(body, req.path);
  return {
    status: 200,
    contentType: "application/json",
    body: reviewJson(result.review),
    log: result.log,
  };
}

/**
 * What can be refused from the request's headers alone, before a byte of the body is read: a
 * compressed body, or one whose declared length is over the limit. Front ends that stream the body
 * call this first; `answerHttp` calls it again, so every front end gives the same answer.
 */
export function headError(head: {
  contentEncoding?: string | undefined;
  contentLength?: number | undefined;
}): HttpAdmissionResponse | undefined {
  const encoding = head.contentEncoding?.trim().toLowerCase();
  if (encoding && encoding !== "identity") {
    return text(
      415,
      `unsupported Content-Encoding ${JSON.stringify(head.contentEncoding?.slice(0, 40))}: send the body uncompressed`,
    );
  }
  if (head.contentLength !== undefined && head.contentLength > MAX_BODY_BYTES)
    return tooLarge(head.contentLength);
  return undefined;
}

/** The answer for a body over the limit; `size` when it is known (a streamed body is cut off at the limit). */
export function tooLarge(size?: number): HttpAdmissionResponse {
  const got = size === undefined ? `more than ${MAX_BODY_BYTES} bytes` : `${size} bytes`;
  return text(400, `request entity too large: ${got}; the limit is ${MAX_BODY_BYTES}`);
}

/** The body as text, decoded in place (Buffer.from(Uint8Array) would copy it first). */
function utf8(bytes: Uint8Array): string {
  const buf = Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  return buf.toString("utf8");
}

/** `application/json`, optionally with `charset=utf-8` (Istio refuses the parameter; real clients send it). */
function isJson(contentType: string | undefined): boolean {
  if (!contentType) return false;
  const [type, ...params] = contentType.split(";").map((p) => p.trim().toLowerCase());
  if (type !== "application/json") return false;
  return params.every((p) => p === "" || p === "charset=utf-8");
}

function text(status: number, message: string): HttpAdmissionResponse {
  return { status, contentType: "text/plain; charset=utf-8", body: `${message}\n`, log: failure(message) };
}

function failure(message: string): AdmissionLog {
  return { uid: "", outcome: "denied", message, warnings: [] };
}
