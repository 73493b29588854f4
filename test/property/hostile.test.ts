import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { admit } from "../../core/admission/admit.ts";
import { admitHttp } from "../../core/admission/http.ts";
import { defaultEngine, loadEngine } from "../../core/engine.ts";
import { isObject, type JsonObject } from "../../core/json.ts";
import { applyResponse, reviewFor } from "../helpers/fixtures.ts";

// Property tests over the core: 10,000 generated cases in all (annotation values and malformed reviews).
const classic = defaultEngine();
const nativeEngine = (() => {
  const e = loadEngine("nativeSidecars: true\n");
  if (!e.ok) throw new Error(e.error);
  return e.value;
})();

/** Annotations the built-in template and post-processing read; every one is a way in. */
const KEYS = [
  "sidecar.istio.io/proxyCPU",
  "sidecar.istio.io/proxyMemory",
  "sidecar.istio.io/proxyCPULimit",
  "sidecar.istio.io/proxyMemoryLimit",
  "sidecar.istio.io/interceptionMode",
  "sidecar.istio.io/proxyImage",
  "sidecar.istio.io/proxyImageType",
  "sidecar.istio.io/logLevel",
  "sidecar.istio.io/componentLogLevel",
  "sidecar.istio.io/agentLogLevel",
  "sidecar.istio.io/bootstrapOverride",
  "sidecar.istio.io/nativeSidecar",
  "sidecar.istio.io/rewriteAppHTTPProbers",
  "sidecar.istio.io/capNetBindService",
  "status.sidecar.istio.io/port",
  "readiness.status.sidecar.istio.io/initialDelaySeconds",
  "readiness.status.sidecar.istio.io/periodSeconds",
  "readiness.status.sidecar.istio.io/failureThreshold",
  "traffic.sidecar.istio.io/includeOutboundIPRanges",
  "traffic.sidecar.istio.io/excludeOutboundIPRanges",
  "traffic.sidecar.istio.io/includeInboundPorts",
  "traffic.sidecar.istio.io/excludeInboundPorts",
  "traffic.sidecar.istio.io/includeOutboundPorts",
  "traffic.sidecar.istio.io/excludeOutboundPorts",
  "traffic.sidecar.istio.io/excludeInterfaces",
  "traffic.sidecar.istio.io/kubevirtInterfaces",
  "istio.io/reroute-virtual-interfaces",
  "prometheus.istio.io/merge-metrics",
  "prometheus.io/scrape",
  "prometheus.io/port",
  "prometheus.io/path",
  "proxy.istio.io/config",
  "sidecar.istio.io/status",
  "proxy.istio.io/overrides",
  "kubectl.kubernetes.io/default-container",
  "k8s.v1.cni.cncf.io/networks",
];

/** Values built to break out of a YAML scalar, plus arbitrary unicode. */
const payload = fc.oneof(
  fc.string({ unit: "binary", maxLength: 80 }),
  fc.constantFrom(
    '100m"\n  - name: injected\n    image: "busybox',
    "x\n- name: injected\n  image: busybox",
    "'\n  containers: [{name: injected, image: busybox}]",
    "}\n,{name: injected, image: busybox}",
    "{{ProxyImage}}",
    "{{{Values}}}",
    "*",
    "",
    "15020",
    "0",
    '{"name":"injected"}',
    "REDIRECT\n      privileged: true",
    "&a [*a, *a]",
    "\u2028- name: injected",
  ),
  fc
    .tuple(
      fc.constantFrom("", "1", "TPROXY", "10.0.0.0/8"),
      fc.constantFrom("\n", "\r\n", '"', "'", ": ", "#", "\u0085"),
      fc.string({ maxLength: 20 }),
    )
    .map(([a, b, c]) => `${a}${b}- name: injected${c}`),
);

function basePod(annotations: Record<string, string>): JsonObject {
  return {
    apiVersion: "v1",
    kind: "Pod",
    metadata: { generateName: "app-", labels: { app: "app" }, annotations },
    spec: { containers: [{ name: "app", image: "app:1", ports: [{ containerPort: 8080 }] }] },
  };
}

const ALLOWED_CONTAINERS = new Set(["app", "istio-proxy", "istio-init", "istio-validation"]);

function names(pod: JsonObject, field: string): string[] {
  const spec = isObject(pod.spec) ? pod.spec : {};
  const list = Array.isArray(spec[field]) ? (spec[field] as JsonObject[]) : [];
  return list.map((c) => String(c.name));
}

describe("hostile annotation values", () => {
  it("never crash, never add a container, and every patch applies", () => {
    fc.assert(
      fc.property(
        fc.dictionary(fc.constantFrom(...KEYS), payload, { minKeys: 1, maxKeys: 4 }),
        fc.boolean(),
        (annotations, native) => {
          const pod = basePod(annotations);
          const result = admit(reviewFor(pod, { uid: "u" }), native ? nativeEngine : classic);
          const res = result.review.response;
          expect(res.uid).toBe("u");
          if (!res.allowed) {
            expect(typeof res.status?.message).toBe("string");
            return;
          }
          const out = applyResponse(pod, result.review);
          for (const name of [...names(out, "containers"), ...names(out, "initContainers")]) {
            expect(ALLOWED_CONTAINERS.has(name)).toBe(true);
          }
          const containers = [
            ...((out.spec as JsonObject).containers as JsonObject[]),
            ...(((out.spec as JsonObject).initContainers ?? []) as JsonObject[]),
          ];
          for (const c of containers) {
            const sc = isObject(c.securityContext) ? c.securityContext : {};
            expect(sc.privileged === true).toBe(false);
            const caps =
              isObject(sc.capabilities) && Array.isArray(sc.capabilities.add) ? sc.capabilities.add : [];
            for (const cap of caps) expect(["NET_ADMIN", "NET_RAW", "NET_BIND_SERVICE"]).toContain(cap);
          }
          const volumes = names(out, "volumes");
          expect(volumes.includes("injected")).toBe(false);
        },
      ),
      { numRuns: 5000, seed: 20261123 },
    );
  });
});

/** A valid review, then one field somewhere replaced by an arbitrary JSON value. */
const mutatedReview = fc
  .tuple(
    fc.constantFrom(
      [],
      ["request"],
      ["request", "uid"],
      ["request", "object"],
      ["request", "object", "metadata"],
      ["request", "object", "metadata", "annotations"],
      ["request", "object", "metadata", "labels"],
      ["request", "object", "metadata", "namespace"],
      ["request", "object", "spec"],
      ["request", "object", "spec", "containers"],
      ["request", "object", "spec", "hostNetwork"],
      ["request", "namespace"],
      ["request", "kind"],
      ["apiVersion"],
      ["kind"],
    ),
    fc.jsonValue({ maxDepth: 4 }),
  )
  .map(([path, value]) => {
    const review = reviewFor(basePod({}), { uid: "m" }) as JsonObject;
    if (path.length === 0) return value;
    let node: JsonObject = review;
    for (const key of path.slice(0, -1)) node = node[key] as JsonObject;
    node[path[path.length - 1] as string] = value as never;
    return review;
  });

describe("malformed reviews", () => {
  it("always get a well-formed AdmissionReview answer over the HTTP contract", () => {
    fc.assert(
      fc.property(mutatedReview, (body) => {
        const res = admitHttp(
          { path: "/inject", contentType: "application/json", body: JSON.stringify(body) ?? "null" },
          classic,
        );
        expect(res.status).toBe(200);
        const review = JSON.parse(res.body);
        expect(review.kind).toBe("AdmissionReview");
        expect(typeof review.response.allowed).toBe("boolean");
        expect(typeof review.response.uid).toBe("string");
        expect(res.body).not.toMatch(/\n\s+at /);
        if (review.response.patch) {
          const request = (body as JsonObject).request as JsonObject;
          applyResponse(request.object as JsonObject, review);
        }
      }),
      { numRuns: 5000, seed: 20261124 },
    );
  });
});
