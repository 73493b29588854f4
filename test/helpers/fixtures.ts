import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { applyPatch } from "rfc6902";
import type { AdmissionReviewResponse } from "../../core/admission/review.ts";
import type { JsonObject } from "../../core/json.ts";

// __dirname, not import.meta: vitest provides it, and so does the CommonJS bench bundle (dist/bench),
// which is also two folders below the repository.
export const REPO = resolve(__dirname, "../..");
/** Shared fixtures are read in place, beside the repository, and never written. */
export const SHARED = resolve(REPO, "../shared");

export function sharedPath(...parts: string[]): string {
  return resolve(SHARED, ...parts);
}

export function readShared(...parts: string[]): string {
  return readFileSync(sharedPath(...parts), "utf8");
}

export function readSharedJson<T = unknown>(...parts: string[]): T {
  return JSON.parse(readShared(...parts)) as T;
}

let uidCounter = 0;

/** An AdmissionReview for a pod, shaped like the API server's (see shared/fixtures/apiserver). */
export function reviewFor(
  pod: JsonObject,
  opts: { namespace?: string; apiVersion?: string; uid?: string } = {},
): JsonObject {
  uidCounter += 1;
  return {
    apiVersion: opts.apiVersion ?? "admission.k8s.io/v1",
    kind: "AdmissionReview",
    request: {
      uid: opts.uid ?? `uid-${uidCounter}`,
      kind: { group: "", version: "v1", kind: "Pod" },
      resource: { group: "", version: "v1", resource: "pods" },
      namespace: opts.namespace ?? "default",
      operation: "CREATE",
      object: pod,
    },
  };
}

export function decodePatch(review: AdmissionReviewResponse): unknown[] {
  const patch = review.response.patch;
  if (patch === undefined) return [];
  return JSON.parse(Buffer.from(patch, "base64").toString("utf8")) as unknown[];
}

/**
 * Applies the response's patch with rfc6902, an implementation independent of the fast-json-patch
 * that made it, and fails loudly if any operation does not apply.
 */
export function applyResponse(pod: JsonObject, review: AdmissionReviewResponse): JsonObject {
  const doc = structuredClone(pod);
  const ops = decodePatch(review) as Parameters<typeof applyPatch>[1];
  const errors = applyPatch(doc, ops).filter((e) => e !== null);
  if (errors.length > 0) throw new Error(`patch does not apply: ${errors.map(String).join("; ")}`);
  return doc;
}

export function containerNames(
  pod: JsonObject,
  field: "containers" | "initContainers" = "containers",
): string[] {
  const spec = pod.spec as JsonObject | undefined;
  const list = (spec?.[field] ?? []) as JsonObject[];
  return list.map((c) => String(c.name));
}
