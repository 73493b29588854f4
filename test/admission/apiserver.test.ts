import { Pod } from "kubernetes-models/v1/Pod";
import { describe, expect, it } from "vitest";
import { admit } from "../../core/admission/admit.ts";
import { defaultEngine, loadEngine } from "../../core/engine.ts";
import type { JsonObject } from "../../core/json.ts";
import { applyResponse, containerNames, decodePatch, readSharedJson } from "../helpers/fixtures.ts";

// Real AdmissionReviews captured from a kube-apiserver (shared/fixtures/apiserver).
const captures = ["sample-admissionreview-v1.json", "sample-admissionreview-v1beta1.json"];

/** The pod the API server would store: kubernetes-models validates it against the Pod schema. */
function expectValidPod(pod: JsonObject): void {
  expect(() => new Pod(pod as never).validate()).not.toThrow();
}

describe.each([
  ["built-in config (native sidecars off)", defaultEngine()],
  [
    "nativeSidecars: true",
    (() => {
      const e = loadEngine("nativeSidecars: true\n");
      if (!e.ok) throw new Error(e.error);
      return e.value;
    })(),
  ],
])("captured API-server requests, %s", (_name, engine) => {
  it.each(captures)("%s gets a patch that applies and yields a valid Pod with the sidecar", (file) => {
    const review = readSharedJson<JsonObject>("fixtures/apiserver", file);
    const request = review.request as JsonObject;
    const result = admit(review, engine, "/inject");
    expect(result.review.apiVersion).toBe(review.apiVersion);
    expect(result.review.response.uid).toBe(request.uid);
    expect(result.review.response.allowed).toBe(true);
    expect(result.review.response.patchType).toBe("JSONPatch");

    const patch = decodePatch(result.review) as { path: string }[];
    expect(patch.some((op) => op.path.startsWith("/metadata/managedFields"))).toBe(false);

    const pod = applyResponse(request.object as JsonObject, result.review);
    expectValidPod(pod);
    const all = [...containerNames(pod), ...containerNames(pod, "initContainers")];
    expect(all).toContain("istio-proxy");
    expect(all).toContain("istio-init");
    expect(containerNames(pod)).toContain("app");
    const annotations = (pod.metadata as JsonObject).annotations as Record<string, string>;
    expect(JSON.parse(annotations["sidecar.istio.io/status"] ?? "{}")).toMatchObject({ revision: "default" });
    // The user's own annotation survives.
    expect(annotations["example.com/note"]).toBe("fixture");
  });

  it("re-injecting the stored, injected pod changes nothing", () => {
    const review = readSharedJson<JsonObject>("fixtures/apiserver", "sample-admissionreview-v1.json");
    const request = review.request as JsonObject;
    const first = applyResponse(request.object as JsonObject, admit(review, engine).review);
    const again = admit({ ...review, request: { ...request, object: first } }, engine);
    const second = applyResponse(first, again.review);
    expect(second).toEqual(first);
  });
});
