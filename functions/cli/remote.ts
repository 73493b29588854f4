import { randomUUID } from "node:crypto";
import { request as httpRequest } from "node:http";
import { request as httpsRequest } from "node:https";
import fastJsonPatch from "fast-json-patch";
import { clone, err, isObject, type JsonObject, ok, type Result } from "../../core/json.ts";
import type { PodStep } from "../../core/manifest/rewrite.ts";
import { createdPodOptsOut } from "../../core/manifest/steps.ts";

const TIMEOUT_MS = 10_000;
/** More than any AdmissionReview answer; a server that sends more is not an Outrigger. */
const MAX_ANSWER_BYTES = 16 * 1024 * 1024;

export interface RemoteOptions {
  token?: string;
  /** PEM of the CA(s) that signed the deployment's certificate, for a private CA. */
  ca?: string;
}

/**
 * Injection by a deployed Outrigger: each pod goes to its URL as the API server would send it (an
 * AdmissionReview v1 for a pod CREATE) and the JSON Patch that comes back is applied here. So the
 * deployment decides with its own config, policy and selectors included. The token is put in the
 * path as the handlers expect it and never appears in a message.
 */
export function remoteInjection(url: string, options: RemoteOptions = {}): Result<PodStep> {
  const target = endpoint(url, options.token);
  if (!target.ok) return target;
  const { href, shown } = target.value;
  const step: PodStep = async (pod, workload, created) => {
    const optOut = createdPodOptsOut(pod, workload, created);
    if (optOut !== undefined) return ok({ skipped: optOut });
    const uid = randomUUID();
    const review = {
      apiVersion: "admission.k8s.io/v1",
      kind: "AdmissionReview",
      request: {
        uid,
        kind: { group: "", version: "v1", kind: "Pod" },
        resource: { group: "", version: "v1", resource: "pods" },
        namespace: workload.namespace || "default",
        operation: "CREATE",
        userInfo: { username: "outrigger-cli" },
        object: pod,
        dryRun: true,
      },
    };
    const answer = await post(href, JSON.stringify(review), options.ca);
    if (!answer.ok) return err(`${shown}: ${answer.error}`);
    const { status, body } = answer.value;
    if (status !== 200) return err(`${shown} answered HTTP ${status}${httpHint(status, body)}`);
    return applyAnswer(body, uid, pod, shown);
  };
  return ok(step);
}

function httpHint(status: number, body: string): string {
  if (status === 404) return " (wrong URL or token?)";
  if (status === 401 || status === 403) return " (the token is missing or wrong?)";
  const first = body.trim().split("\n")[0]?.slice(0, 200) ?? "";
  return first ? `: ${first}` : "";
}

/** One POST, with the failures a user can do something about said in words. */
function post(
  href: string,
  body: string,
  ca: string | undefined,
): Promise<Result<{ status: number; body: string }>> {
  const u = new URL(href);
  const request = u.protocol === "https:" ? httpsRequest : httpRequest;
  return new Promise((resolve) => {
    const req = request(
      u,
      {
        method: "POST",
        headers: { "content-type": "application/json", "content-length": Buffer.byteLength(body) },
        timeout: TIMEOUT_MS,
        ...(ca !== undefined && u.protocol === "https:" ? { ca } : {}),
      },
      (res) => {
        const chunks: Buffer[] = [];
        let size = 0;
        res.on("data", (c: Buffer) => {
          size += c.length;
          if (size > MAX_ANSWER_BYTES) {
            req.destroy();
            resolve(err(`the answer is larger than ${MAX_ANSWER_BYTES / 1024 / 1024} MiB`));
          } else chunks.push(c);
        });
        res.on("end", () =>
          resolve(ok({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString("utf8") })),
        );
        res.on("error", (e) => resolve(err(connectionProblem(e))));
      },
    );
    req.on("timeout", () => {
      req.destroy();
      resolve(err(`no answer in ${TIMEOUT_MS / 1000} s`));
    });
    req.on("error", (e) => resolve(err(connectionProblem(e))));
    req.end(body);
  });
}

const TLS_CA_CODES = new Set([
  "UNABLE_TO_VERIFY_LEAF_SIGNATURE",
  "UNABLE_TO_GET_ISSUER_CERT",
  "UNABLE_TO_GET_ISSUER_CERT_LOCALLY",
  "SELF_SIGNED_CERT_IN_CHAIN",
  "DEPTH_ZERO_SELF_SIGNED_CERT",
]);

/** Node's network and TLS error codes, as a sentence with what to do about them. */
export function connectionProblem(e: Error): string {
  const code = (e as NodeJS.ErrnoException).code ?? "";
  if (code === "ECONNREFUSED")
    return "connection refused (is the URL's host and port right, and is it serving?)";
  if (code === "ENOTFOUND" || code === "EAI_AGAIN") return "the host name does not resolve";
  if (code === "ECONNRESET") return "the connection was closed by the other side";
  if (code === "ETIMEDOUT" || code === "ENETUNREACH" || code === "EHOSTUNREACH")
    return "the host cannot be reached";
  if (TLS_CA_CODES.has(code))
    return "TLS: the server's certificate is not signed by a trusted CA (give its CA with --ca-file)";
  if (code === "CERT_HAS_EXPIRED") return "TLS: the server's certificate has expired";
  if (code === "ERR_TLS_CERT_ALTNAME_INVALID")
    return "TLS: the server's certificate is not for this host name";
  if (code === "EPROTO" || code.startsWith("ERR_SSL") || code.startsWith("ERR_TLS"))
    return `TLS handshake failed (${code}); is the URL https on a TLS port?`;
  return code ? `${code}: ${e.message}` : e.message;
}

function applyAnswer(body: string, uid: string, pod: JsonObject, shown: string): ReturnType<PodStep> {
  let answer: unknown;
  try {
    answer = JSON.parse(body);
  } catch {
    return err(`${shown} did not answer with JSON`);
  }
  const response = isObject(answer) && isObject(answer.response) ? answer.response : undefined;
  if (!response || response.uid !== uid)
    return err(`${shown} did not answer with an AdmissionReview for this pod`);
  if (response.allowed !== true) {
    const message = isObject(response.status) ? String(response.status.message ?? "") : "";
    return err(`the webhook refused the pod: ${message || "no reason given"}`);
  }
  if (typeof response.patch !== "string") return ok({ skipped: "was not injected by the webhook" });
  try {
    const ops = JSON.parse(Buffer.from(response.patch, "base64").toString("utf8"));
    const patched = fastJsonPatch.applyPatch(clone(pod), ops, true, false).newDocument as JsonObject;
    return ok({ pod: patched });
  } catch (e) {
    return err(`${shown} answered with a patch that does not apply: ${(e as Error).message}`);
  }
}

/** The URL to call, with the token in the path where the handlers read it, and the same URL for messages. */
function endpoint(url: string, token: string | undefined): Result<{ href: string; shown: string }> {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return err(`--remote ${JSON.stringify(url)}: not a URL`);
  }
  if (u.protocol !== "https:" && u.protocol !== "http:") return err("--remote: an http or https URL");
  if (token === undefined) return ok({ href: u.href, shown: u.href });
  if (token === "" || /[/?#\s]/.test(token)) return err("token: a token has no '/', '?', '#' or spaces");
  const m = /^(.*?\/inject)(\/.*)?$/.exec(u.pathname);
  if (!m) return err("--remote: with a token, the URL is the webhook's /inject URL");
  const withToken = (t: string) => {
    const v = new URL(u.href);
    v.pathname = `${m[1]}/t/${t}${m[2] ?? ""}`;
    return v.href;
  };
  return ok({ href: withToken(encodeURIComponent(token)), shown: withToken("***") });
}
