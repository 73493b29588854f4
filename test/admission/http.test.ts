import { describe, expect, it } from "vitest";
import { admitHttp, MAX_BODY_BYTES } from "../../core/admission/http.ts";
import type { AdmissionReviewResponse } from "../../core/admission/review.ts";
import { defaultEngine, loadEngine } from "../../core/engine.ts";
import type { JsonObject } from "../../core/json.ts";
import { applyResponse, containerNames, reviewFor } from "../helpers/fixtures.ts";

const engine = defaultEngine();
const pod = (extra: JsonObject = {}): JsonObject => ({
  apiVersion: "v1",
  kind: "Pod",
  metadata: { name: "web", labels: { app: "web" }, ...extra },
  spec: { containers: [{ name: "web", image: "nginx" }] },
});

function post(body: unknown, contentType = "application/json", path = "/inject") {
  const text = typeof body === "string" ? body : JSON.stringify(body);
  return admitHttp({ path, contentType, body: text }, engine);
}

function answer(res: { status: number; body: string }): AdmissionReviewResponse {
  expect(res.status).toBe(200);
  return JSON.parse(res.body) as AdmissionReviewResponse;
}

describe("the AdmissionReview HTTP contract", () => {
  it("answers 400 for a body over 6 MiB", () => {
    const res = admitHttp(
      { path: "/inject", contentType: "application/json", body: "x".repeat(MAX_BODY_BYTES + 1) },
      engine,
    );
    expect(res.status).toBe(400);
    expect(res.body).toContain("6291456");
  });

  it("answers 400 for an empty body", () => {
    for (const body of ["", undefined, new Uint8Array()]) {
      const res = admitHttp({ path: "/inject", contentType: "application/json", body }, engine);
      expect(res.status).toBe(400);
      expect(res.body).toContain("no body found");
    }
  });

  it("answers 415 for any Content-Type but application/json, allowing charset=utf-8", () => {
    const review = reviewFor(pod());
    for (const ct of [
      "text/plain",
      "application/yaml",
      "",
      "application/jsonx",
      "application/json; charset=latin1",
    ]) {
      expect(post(review, ct).status).toBe(415);
    }
    expect(admitHttp({ path: "/inject", contentType: undefined, body: "{}" }, engine).status).toBe(415);
    for (const ct of [
      "application/json",
      "application/json; charset=utf-8",
      "Application/JSON;charset=UTF-8",
    ]) {
      expect(post(review, ct).status).toBe(200);
    }
  });

  it("answers allowed:false with a message for JSON that is not an AdmissionReview", () => {
    const cases: [unknown, string][] = [
      ["{not json", "could not decode body"],
      [[1, 2], "not an AdmissionReview"],
      [{ kind: "Pod", apiVersion: "v1" }, "not an AdmissionReview"],
      [{ kind: "AdmissionReview", apiVersion: "admission.k8s.io/v2" }, "not an AdmissionReview"],
      [{ kind: "AdmissionReview", apiVersion: "admission.k8s.io/v1" }, "has no request"],
      [{ kind: "AdmissionReview", apiVersion: "admission.k8s.io/v1", request: { object: pod() } }, "no uid"],
    ];
    for (const [body, message] of cases) {
      const review = answer(post(body));
      expect(review.response.allowed).toBe(false);
      expect(review.response.status?.message).toContain(message);
      expect(review.kind).toBe("AdmissionReview");
      expect(JSON.stringify(review)).not.toMatch(/at .*\.(ts|js):\d+/);
    }
  });

  it("answers allowed:false for an object that is not a Pod", () => {
    const deployment = { apiVersion: "apps/v1", kind: "Deployment", metadata: { name: "d" }, spec: {} };
    const review = answer(post(reviewFor(deployment, { uid: "u-dep" })));
    expect(review.response).toMatchObject({ uid: "u-dep", allowed: false });
    expect(review.response.status?.message).toContain("not a Pod");
    const broken = answer(post(reviewFor({ kind: "Pod", spec: { containers: "nope" } })));
    expect(broken.response.status?.message).toContain("spec.containers");
  });

  it("answers v1beta1 in v1beta1 and v1 in v1, echoing the uid and never the request", () => {
    for (const apiVersion of ["admission.k8s.io/v1", "admission.k8s.io/v1beta1"]) {
      const review = answer(post(reviewFor(pod(), { apiVersion, uid: "abc-123" })));
      expect(review.apiVersion).toBe(apiVersion);
      expect(review.kind).toBe("AdmissionReview");
      expect(review.response.uid).toBe("abc-123");
      expect(review).not.toHaveProperty("request");
    }
  });

  it("injects with a base64 JSONPatch, and skips with allowed:true and no patch", () => {
    const injected = answer(post(reviewFor(pod())));
    expect(injected.response).toMatchObject({ allowed: true, patchType: "JSONPatch" });
    expect(typeof injected.response.patch).toBe("string");
    const result = applyResponse(pod(), injected);
    expect([...containerNames(result), ...containerNames(result, "initContainers")]).toContain("istio-proxy");

    const skipped = answer(post(reviewFor(pod({ annotations: { "sidecar.istio.io/inject": "false" } }))));
    expect(skipped.response).toEqual({ uid: skipped.response.uid, allowed: true });
  });

  it("denies, with Istio's message shape, when injection is required but an annotation is invalid", () => {
    const bad = pod({ annotations: { "traffic.sidecar.istio.io/includeOutboundIPRanges": "10.0.0.0/33" } });
    const review = answer(post(reviewFor(bad)));
    expect(review.response.allowed).toBe(false);
    expect(review.response.status?.message).toMatch(
      /^invalid value '10\.0\.0\.0\/33' for annotation 'traffic\.sidecar\.istio\.io\/includeOutboundIPRanges': /,
    );
  });

  it("denies when the pod asks for a template that does not exist", () => {
    const review = answer(
      post(reviewFor(pod({ annotations: { "inject.istio.io/templates": "sidecar,nope" } }))),
    );
    expect(review.response.allowed).toBe(false);
    expect(review.response.status?.message).toMatch(/^requested template "nope" not found; have .*sidecar/);
  });

  it("denies with the template's error when a template fails to render", () => {
    // A template that renders for the config check's probe pods but fails for this pod (Sprig's
    // `fail`, reached only through the pod's own annotation): the pod is refused, nothing crashes.
    const custom = loadEngine(
      'templates:\n  picky: |\n    metadata:\n      labels:\n        a: "b"\n    {{- if index .ObjectMeta.Annotations "example.com/boom" }}{{ fail "boom asked for" }}{{ end }}\ndefaultTemplates: [picky]\n',
    );
    expect(custom.ok, custom.ok ? "" : custom.error).toBe(true);
    if (!custom.ok) return;
    const res = admitHttp(
      {
        path: "/inject",
        contentType: "application/json",
        body: JSON.stringify(reviewFor(pod({ annotations: { "example.com/boom": "yes" } }))),
      },
      custom.value,
    );
    const review = answer(res);
    expect(review.response.allowed).toBe(false);
    expect(review.response.status?.message).toContain('template "picky"');
    expect(review.response.status?.message).toContain("boom asked for");
  });
});
