import { describe, expect, it } from "vitest";
import { admit } from "../../core/admission/admit.ts";
import { validateConfig } from "../../core/config/load.ts";
import { BUILTIN_TEMPLATE_NAMES, compileEngine } from "../../core/engine.ts";
import type { JsonObject } from "../../core/json.ts";
import { readSharedJson, reviewFor } from "../helpers/fixtures.ts";

interface DecisionCase {
  name: string;
  namespace: string;
  policy: string;
  neverInjectSelector: JsonObject[];
  alwaysInjectSelector: JsonObject[];
  podLabels: Record<string, string>;
  podAnnotations: Record<string, string>;
  hostNetwork: boolean;
  expected: boolean;
}

const files = ["seed004-truth-table.json", "istio-inject-required.json"];

function engineFor(c: DecisionCase) {
  // Invalid selectors are part of some cases (Istio skips them with a warning), so these cases are
  // built without the config validator that would refuse them at load.
  // Outrigger's own config refuses a policy that is not enabled/disabled; istiod loads it from its
  // ConfigMap and injects nothing by it, which is what these cases check.
  const loaded = validateConfig({}, BUILTIN_TEMPLATE_NAMES);
  if (!loaded.ok) throw new Error(loaded.error);
  loaded.value.config.policy = c.policy;
  loaded.value.config.neverInjectSelector = c.neverInjectSelector as never;
  loaded.value.config.alwaysInjectSelector = c.alwaysInjectSelector as never;
  const engine = compileEngine(loaded.value);
  if (!engine.ok) throw new Error(engine.error);
  return engine.value;
}

describe.each(files)("decision fixtures through whole AdmissionReviews: %s", (file) => {
  const cases = readSharedJson<DecisionCase[]>("fixtures/decisions", file);
  it.each(cases.map((c) => [c.name, c] as const))("%s", (_name, c) => {
    const pod: JsonObject = {
      apiVersion: "v1",
      kind: "Pod",
      // Pods from controllers carry no namespace of their own; the request's is used.
      metadata: { generateName: "app-", labels: c.podLabels, annotations: c.podAnnotations },
      spec: { hostNetwork: c.hostNetwork, containers: [{ name: "app", image: "app:1" }] },
    };
    const result = admit(reviewFor(pod, { namespace: c.namespace }), engineFor(c));
    expect(result.review.response.allowed).toBe(true);
    expect(result.review.response.patch !== undefined).toBe(c.expected);
    expect(result.log.outcome).toBe(c.expected ? "injected" : "skipped");
    expect(result.log.decision?.reasons.length).toBeGreaterThan(0);
  });
  it("has cases", () => expect(cases.length).toBeGreaterThan(10));
});
