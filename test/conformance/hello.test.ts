import { describe, expect, it } from "vitest";
import { admit } from "../../core/admission/admit.ts";
import { loadEngine } from "../../core/engine.ts";
import { isObject, type JsonObject } from "../../core/json.ts";
import { applyResponse, readShared, reviewFor } from "../helpers/fixtures.ts";
import { caseConfig, istioCase, podDocuments, podFromWorkload } from "../helpers/istio-cases.ts";

// Issue 3's bar for the built-in template: case `hello` through the webhook leg gives the golden's
// containers, init containers, volumes and status annotation. Full parity is the conformance suite's.
const names = (list: unknown) => (Array.isArray(list) ? list.map((x) => (x as JsonObject).name) : []);

describe("Istio golden case hello, webhook leg", () => {
  const c = istioCase("hello");
  const engine = loadEngine(JSON.stringify(caseConfig(c)));
  if (!engine.ok) throw new Error(engine.error);
  const [workload] = podDocuments(readShared("fixtures/istio", c.input));
  const [golden] = podDocuments(readShared("fixtures/istio", c.golden));
  const { pod, namespace } = podFromWorkload(workload as JsonObject);
  const expected = podFromWorkload(golden as JsonObject).pod;
  const result = admit(reviewFor(pod, { namespace }), engine.value);
  const injected = applyResponse(pod, result.review);
  const spec = injected.spec as JsonObject;
  const want = expected.spec as JsonObject;

  it("is injected", () => expect(result.log.outcome).toBe("injected"));
  it("has the golden's containers, init containers and volumes, in order", () => {
    expect(names(spec.containers)).toEqual(names(want.containers));
    expect(names(spec.initContainers)).toEqual(names(want.initContainers));
    expect(names(spec.volumes)).toEqual(names(want.volumes));
  });
  it("has the golden's status annotation", () => {
    const annotations = (m: JsonObject) =>
      ((m.metadata as JsonObject).annotations ?? {}) as Record<string, string>;
    expect(annotations(injected)["sidecar.istio.io/status"]).toBe(
      annotations(expected)["sidecar.istio.io/status"],
    );
  });
  it("has the golden's labels and annotations", () => {
    const meta = (m: JsonObject) => m.metadata as JsonObject;
    expect(meta(injected).labels).toEqual(meta(expected).labels);
    expect(meta(injected).annotations).toEqual(meta(expected).annotations);
  });
  it("has the golden's volumes, exactly", () => {
    expect(spec.volumes).toEqual(want.volumes);
  });
  it("keeps every init container field of the golden (quantities aside)", () => {
    const strip = (c: JsonObject) => {
      const { resources: _r, ...rest } = c;
      return rest;
    };
    const got = (spec.initContainers as JsonObject[]).map(strip);
    const exp = (want.initContainers as JsonObject[]).map(strip);
    expect(got.map((x) => (isObject(x) ? Object.keys(x).sort() : []))).toEqual(
      exp.map((x) => Object.keys(x).sort()),
    );
  });
});
