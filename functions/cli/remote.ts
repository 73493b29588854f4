import { randomUUID } from "node:crypto";
import fastJsonPatch from "fast-json-patch";
import { clone, err, isObject, type JsonObject, ok, type Result } from "../../core/json.ts";
import type { PodStep } from "../../core/manifest/rewrite.ts";

const TIMEOUT_MS = 10_000;

/**
 * Injection by a deployed Outrigger: each pod goes to its URL as the API server would send it (an
 * AdmissionReview v1 for a pod CREATE) and the JSON Patch that comes back is applied here. So the
 * deployment decides with its own config, policy and selectors included. The token is put in the
 * path as the handlers expect it and never appears in a message.
 */
export function remoteInjection(url: string, token: string | undefined): Result<PodStep> {
  const target = endpoint(url, token);
  if (!target.ok) return target;
  const { href, shown } = target.value;
  const step: PodStep = async (pod, workload) => {
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
    let status: number;
    let body: string;
    try {
      const res = await fetch(href, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify(review),
        signal: AbortSignal.timeout(TIMEOUT_MS),
      });
      status = res.status;
      body = await res.text();
    } catch (e) {
      const cause =
        (e as Error).name === "TimeoutError" ? `no answer in ${TIMEOUT_MS / 1000} s` : (e as Error).message;
      return err(`${shown}: ${cause}`);
    }
    if (status !== 200)
      return err(`${shown} answered HTTP ${status}${status === 404 ? " (wrong URL or token?)" : ""}`);
    return applyAnswer(body, uid, pod, shown);
  };
  return ok(step);
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
  if (token === "" || /[/?#\s]/.test(token)) return err("--token: a token has no '/', '?', '#' or spaces");
  const m = /^(.*?\/inject)(\/.*)?$/.exec(u.pathname);
  if (!m) return err("--remote: with --token, the URL is the webhook's /inject URL");
  const withToken = (t: string) => {
    const v = new URL(u.href);
    v.pathname = `${m[1]}/t/${t}${m[2] ?? ""}`;
    return v.href;
  };
  return ok({ href: withToken(encodeURIComponent(token)), shown: withToken("***") });
}
