import { describe, expect, it } from "vitest";
import { admit } from "../../core/admission/admit.ts";
import { defaultEngine, type Engine, loadEngine } from "../../core/engine.ts";
import { annotationsOf, PROXY } from "../../core/inject/containers.ts";
import { OVERRIDES_ANNOTATION } from "../../core/inject/overrides.ts";
import { STATUS_ANNOTATION } from "../../core/inject/status.ts";
import { uninjectPod } from "../../core/inject/uninject.ts";
import type { JsonObject } from "../../core/json.ts";
import { applyResponse, containerNames, reviewFor } from "../helpers/fixtures.ts";
import { caseConfig, casesWithDocuments, type IstioCase, podFromWorkload } from "../helpers/istio-cases.ts";
import { normalizeTyped } from "../helpers/parity.ts";

/** A pod through the webhook leg (fixture README): admit, then its patch applied. */
function inject(pod: JsonObject, engine: Engine, namespace = "default"): JsonObject {
  const result = admit(reviewFor(pod, { namespace }), engine, "/inject");
  if (!result.review.response.allowed) throw new Error(result.review.response.status?.message);
  return applyResponse(pod, result.review);
}

function uninject(pod: JsonObject): JsonObject {
  const result = uninjectPod(pod);
  if (!result.ok) throw new Error(result.error);
  return result.value;
}

function container(pod: JsonObject, name: string): JsonObject {
  const spec = pod.spec as JsonObject;
  const all = [
    ...((spec.containers ?? []) as JsonObject[]),
    ...((spec.initContainers ?? []) as JsonObject[]),
  ];
  const found = all.find((c) => c.name === name);
  if (!found) throw new Error(`no container ${name}`);
  return found;
}

/**
 * Cases where uninject(inject(pod)) cannot be the pod: why, and the pod it must give instead, which
 * spells out exactly what is lost.
 */
const NOT_ROUND_TRIP: Record<string, { why: string; expected: (pod: JsonObject) => JsonObject }> = {
  "merge-probers": {
    why:
      "the input is itself an injected pod, so the result is the pod from before that injection, " +
      "uninject(input); and the new container's probe on 8008, the number of its port `http`, comes back by name",
    expected: (pod) => {
      const before = structuredClone(uninject(pod));
      ((container(before, "new").livenessProbe as JsonObject).httpGet as JsonObject).port = "http";
      return before;
    },
  },
  "custom-template": {
    why: "the custom template writes annotations that nothing on the pod records",
    expected: (pod) => {
      const out = structuredClone(pod);
      Object.assign((out.metadata as JsonObject).annotations as JsonObject, {
        foo: "bar",
        "prometheus.istio.io/merge-metrics": "false",
        "sidecar.istio.io/rewriteAppHTTPProbers": "false",
      });
      return out;
    },
  },
  "proxy-override": {
    why: "the override is saved as Go's typed Container, with quantities in canonical form",
    expected: (pod) => {
      const out = structuredClone(pod);
      ((container(out, "istio-proxy").resources as JsonObject).limits as JsonObject).cpu = "3";
      return out;
    },
  },
  "hello-openshift-custom-injection": {
    why:
      "on OpenShift the proxy's runAsUser equal to the app's is the platform's and is dropped before the " +
      "override is saved, whose typed form cannot tell the user's `resources: {}` from none",
    expected: (pod) => {
      const out = structuredClone(pod);
      const proxy = container(out, "istio-proxy");
      delete proxy.resources;
      delete (proxy.securityContext as JsonObject).runAsUser;
      return out;
    },
  },
};

interface Part {
  c: IstioCase;
  i: number;
  pod: JsonObject;
  namespace: string;
  golden: JsonObject | undefined;
}

/** Every pod-bearing document of every case with a golden and no expected error whose files are here. */
function corpus(): Part[] {
  return casesWithDocuments().flatMap(({ c, inputs, goldens }) =>
    inputs.map((doc, i) => {
      const { pod, namespace } = podFromWorkload(doc);
      const golden = inputs.length === goldens.length ? goldens[i] : undefined;
      return { c, i, pod, namespace, golden: golden && goldenPod(golden) };
    }),
  );
}

/**
 * istioctl writes a CronJob's injected labels and annotations on its jobTemplate, not on the pod
 * template (Istio's kube-inject picks the first ObjectMeta it meets), so they are taken from there.
 */
function goldenPod(doc: JsonObject): JsonObject {
  const pod = podFromWorkload(doc).pod;
  if (doc.kind !== "CronJob") return pod;
  const job = ((doc.spec as JsonObject).jobTemplate as JsonObject).metadata as JsonObject | undefined;
  Object.assign(pod.metadata as JsonObject, { labels: job?.labels, annotations: job?.annotations });
  return pod;
}

function engineOf(config: JsonObject): Engine {
  const loaded = loadEngine(JSON.stringify(config));
  if (!loaded.ok) throw new Error(loaded.error);
  return loaded.value;
}

const engines = new Map<string, Engine>();
function engineFor(c: IstioCase): Engine {
  const engine = engines.get(c.id) ?? engineOf(caseConfig(c));
  engines.set(c.id, engine);
  return engine;
}

const parts = corpus();
const rows = parts.map((p) => ({ ...p, name: `${p.c.id} part ${p.i}` }));

describe("Istio's corpus: uninject(inject(pod)) is the pod", () => {
  it("covers the corpus, and every case said not to round-trip is in it", () => {
    expect(rows.length).toBeGreaterThan(90);
    for (const id of Object.keys(NOT_ROUND_TRIP)) expect(rows.map((r) => r.c.id)).toContain(id);
  });

  it.each(rows.filter((r) => !NOT_ROUND_TRIP[r.c.id]))("$name", ({ c, pod, namespace }) => {
    const injected = inject(pod, engineFor(c), namespace);
    expect(uninject(injected)).toEqual(pod);
  });

  const exceptions = rows.flatMap((r) => {
    const exception = NOT_ROUND_TRIP[r.c.id];
    return exception ? [{ ...r, ...exception }] : [];
  });
  it.each(exceptions)("$name gives what it can: $why", ({ c, pod, namespace, expected }) => {
    expect(uninject(inject(pod, engineFor(c), namespace))).toEqual(expected(pod));
  });
});

// istioctl's output went through Go's typed objects (`creationTimestamp: null`, `resources: {}`,
// canonical quantities), which is not the injection's doing, so both sides lose those artefacts.
describe("Istio's corpus: uninject(golden) is the input pod", () => {
  it.each(rows.filter((r) => r.golden))("$name", ({ c, pod, golden }) => {
    const expected = NOT_ROUND_TRIP[c.id]?.expected(pod) ?? pod;
    expect(normalizeTyped(uninject(golden as JsonObject))).toEqual(normalizeTyped(expected));
  });
});

describe("uninjectPod", () => {
  const app = { name: "app", image: "example/app:1", ports: [{ name: "http", containerPort: 8080 }] };

  it("gives back a pod without a status annotation as it is", () => {
    const pod = {
      apiVersion: "v1",
      kind: "Pod",
      metadata: { labels: { app: "a" } },
      spec: { containers: [app] },
    };
    const result = uninjectPod(pod);
    expect(result).toEqual({ ok: true, value: pod });
  });

  it.each([
    ["text that is not JSON", "{not json"],
    ["JSON that is not an object", '["istio-proxy"]'],
    ["a list that is not names", '{"containers":"istio-proxy"}'],
  ])("refuses a status annotation with %s, naming the annotation", (_, value) => {
    const pod = { metadata: { annotations: { [STATUS_ANNOTATION]: value } }, spec: { containers: [app] } };
    const result = uninjectPod(pod);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.error).toContain(STATUS_ANNOTATION);
  });

  describe.each([
    ["classic sidecars", false],
    ["native sidecars", true],
  ])("a pod with the user's own istio-proxy, %s", (_, nativeSidecars) => {
    const engine = nativeSidecars ? engineOf({ nativeSidecars }) : defaultEngine();
    const pod: JsonObject = {
      apiVersion: "v1",
      kind: "Pod",
      metadata: { name: "p", labels: { app: "a" } },
      spec: {
        containers: [
          app,
          {
            name: PROXY,
            image: "auto",
            resources: { requests: { cpu: "250m" } },
            env: [{ name: "EXTRA", value: "1" }],
            securityContext: { runAsUser: 1234 },
          },
        ],
      },
    };

    it("comes back as written, leaving the injected pod as it was", () => {
      const injected = inject(pod, engine);
      expect(containerNames(injected, nativeSidecars ? "initContainers" : "containers")).toContain(PROXY);
      expect(annotationsOf(injected)).toHaveProperty([OVERRIDES_ANNOTATION]);
      const before = structuredClone(injected);
      expect(uninject(injected)).toEqual(pod);
      expect(injected).toEqual(before);
    });

    it("comes back as written after a second injection", () => {
      expect(uninject(inject(inject(pod, engine), engine))).toEqual(pod);
    });
  });
});
