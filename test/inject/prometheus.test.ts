import { describe, expect, it } from "vitest";
import {
  applyPrometheusMerge,
  applySecurePrometheusAnnotation,
  parseScrapeTargets,
  prometheusContext,
  sanitizeLabelName,
  stripPrometheusAnnotations,
} from "../../core/inject/prometheus.ts";
import { isObject, type Json, type JsonObject } from "../../core/json.ts";
import { caseConfig, goldenPodPairs, podContainers as list, proxyOf } from "../helpers/istio-cases.ts";

const ENV = "ISTIO_PROMETHEUS_ANNOTATIONS";
const ctx = { meshStatusPort: 15020, meshMergeEnabled: true };

function envValues(container: JsonObject | undefined, name: string): string[] {
  const env = container?.env;
  if (!Array.isArray(env)) return [];
  return env.filter((x): x is JsonObject => isObject(x) && x.name === name).map((x) => String(x.value));
}

function annotations(pod: JsonObject): JsonObject {
  const m = isObject(pod.metadata) ? pod.metadata : {};
  return isObject(m.annotations) ? m.annotations : {};
}

/** The annotations this step owns: every Prometheus variant and the secure port. */
function prometheusAnnotations(pod: JsonObject): JsonObject {
  const out: JsonObject = {};
  for (const [k, v] of Object.entries(annotations(pod)))
    if (/^prometheus/.test(sanitizeLabelName(k))) out[k] = v;
  return out;
}

describe("golden corpus: Prometheus merge", () => {
  let withEnv = 0;
  for (const { c, i, pod, golden } of goldenPodPairs()) {
    it(`${c.id} #${i}`, () => {
      if (annotations(golden)["sidecar.istio.io/status"] === undefined) return; // not injected at all
      // Templates may write the toggle (custom-template sets merge-metrics "false"); Istio reads the
      // merged pod, so the input gets what the template would have added.
      const toggle = annotations(golden)["prometheus.istio.io/merge-metrics"];
      if (toggle !== undefined) {
        if (!isObject(pod.metadata)) pod.metadata = {};
        const m = pod.metadata as JsonObject;
        m.annotations = { ...annotations(pod), "prometheus.istio.io/merge-metrics": toggle };
      }
      const result = applyPrometheusMerge(pod, prometheusContext(caseConfig(c).meshConfig));
      expect(result).toEqual({ ok: true, value: undefined });
      applySecurePrometheusAnnotation(pod);
      expect(prometheusAnnotations(pod)).toEqual(prometheusAnnotations(golden));
      const wantEnv = envValues(proxyOf(golden)?.proxy, ENV);
      if (wantEnv.length > 0) withEnv++;
      expect(envValues(proxyOf(pod)?.proxy, ENV)).toEqual(wantEnv);
    });
  }
  it("covers a golden with ISTIO_PROMETHEUS_ANNOTATIONS (hello-multiport-metrics)", () => {
    expect(withEnv).toBeGreaterThan(0);
  });
});

function pod(annos: JsonObject, proxyEnv: Json[] = []): JsonObject {
  return {
    metadata: { annotations: annos },
    spec: { containers: [{ name: "app" }, { name: "istio-proxy", env: proxyEnv }] },
  };
}

const proxyEnv = (p: JsonObject, name = ENV) => envValues(proxyOf(p)?.proxy, name);

describe("applyPrometheusMerge", () => {
  it("moves the user's scrape config to the agent and points Prometheus at it", () => {
    const p = pod({
      "prometheus.io/scrape": "true",
      "prometheus.io/port": "8080",
      "prometheus.io/path": "/m",
      other: "x",
    });
    expect(applyPrometheusMerge(p, ctx).ok).toBe(true);
    expect(annotations(p)).toEqual({
      other: "x",
      "prometheus.io/port": "15020",
      "prometheus.io/path": "/stats/prometheus",
      "prometheus.io/scrape": "true",
    });
    expect(proxyEnv(p)).toEqual(['{"scrape":"true","path":"/m","port":"8080"}']);
  });

  it("clears every sanitised variant of the keys", () => {
    const p = pod({
      "prometheus.io.path": "/a",
      "prometheus-io/port": "9090",
      "prometheus.istio.io.scrape-targets": "9091",
    });
    expect(applyPrometheusMerge(p, ctx).ok).toBe(true);
    expect(Object.keys(annotations(p)).sort()).toEqual([
      "prometheus.io/path",
      "prometheus.io/port",
      "prometheus.io/scrape",
    ]);
    expect(proxyEnv(p)).toEqual([
      '{"scrape":"","path":"/metrics","port":"9091","targets":[{"port":"9091","path":"/metrics"}]}',
    ]);
  });

  it("writes no env when the user configured nothing, but still sets the annotations", () => {
    const p = pod({});
    expect(applyPrometheusMerge(p, ctx).ok).toBe(true);
    expect(proxyEnv(p)).toEqual([]);
    expect(annotations(p)["prometheus.io/port"]).toBe("15020");
  });

  it("respects a scrape opt-out in any variant, and an unparseable scrape value does not opt out", () => {
    for (const key of ["prometheus.io/scrape", "prometheus.io.scrape", "prometheus-io/scrape"]) {
      const p = pod({ [key]: "false" });
      const before = structuredClone(p);
      applyPrometheusMerge(p, ctx);
      expect(p).toEqual(before);
    }
    const p = pod({ "prometheus.io/scrape": "nope" });
    applyPrometheusMerge(p, ctx);
    expect(annotations(p)["prometheus.io/scrape"]).toBe("true");
  });

  it("takes the merge toggle from the annotation, then the mesh config, then defaults to on", () => {
    const on = pod({ "prometheus.istio.io/merge-metrics": "true" });
    applyPrometheusMerge(on, { meshStatusPort: 15020, meshMergeEnabled: false });
    expect(annotations(on)["prometheus.io/port"]).toBe("15020");

    const off = pod({ "prometheus.istio.io/merge-metrics": "false" });
    applyPrometheusMerge(off, ctx);
    expect(annotations(off)["prometheus.io/port"]).toBeUndefined();

    const mesh = pod({});
    applyPrometheusMerge(mesh, { meshConfig: { enablePrometheusMerge: false } });
    expect(annotations(mesh)["prometheus.io/port"]).toBeUndefined();

    expect(prometheusContext({})).toEqual({ meshStatusPort: 15020, meshMergeEnabled: true });
    expect(prometheusContext(undefined).meshMergeEnabled).toBe(true);
  });

  it("is a no-op when prometheus.io/port already is the agent port (re-injection)", () => {
    const p = pod({ "prometheus.io/scrape": "true", "prometheus.io/port": "15020" });
    const before = structuredClone(p);
    expect(applyPrometheusMerge(p, ctx)).toEqual({ ok: true, value: undefined });
    expect(p).toEqual(before);
  });

  it("uses the mesh status port", () => {
    const p = pod({ "prometheus.io/port": "8080" });
    applyPrometheusMerge(p, { meshConfig: { defaultConfig: { statusPort: 15555 } } });
    expect(annotations(p)["prometheus.io/port"]).toBe("15555");
  });

  it.each([
    [{ "prometheus.io/port": "abc" }, 'invalid prometheus scrape configuration: invalid port "abc"'],
    [{ "prometheus.io/port": "0" }, 'invalid prometheus scrape configuration: invalid port "0"'],
    [{ "prometheus.io/port": "70000" }, 'invalid prometheus scrape configuration: invalid port "70000"'],
    [
      { "prometheus.io/port": "015020" },
      "invalid prometheus scrape configuration: port 015020 conflicts with agent port",
    ],
    [
      { "prometheus.io/port": "15000" },
      "invalid prometheus scrape configuration: port 15000 is reserved for Istio (Envoy admin) and cannot be scraped",
    ],
    [
      { "prometheus.istio.io/scrape-targets": "8080:/metrics,15000:/metrics" },
      "invalid prometheus scrape targets: target port 15000 is reserved for Istio (Envoy admin) and cannot be scraped",
    ],
    [
      { "prometheus.istio.io/scrape-targets": "15020:/metrics" },
      "invalid prometheus scrape targets: target port 15020 conflicts with agent port",
    ],
    [
      { "prometheus.istio.io/scrape-targets": "x:/m" },
      'invalid prometheus scrape targets: invalid target port "x"',
    ],
  ])("refuses %o", (annos, message) => {
    const p = pod(annos as JsonObject);
    const before = structuredClone(p);
    expect(applyPrometheusMerge(p, ctx)).toEqual({ ok: false, error: message });
    expect(p).toEqual(before);
  });

  it("ignores a malformed scrape-targets list rather than failing", () => {
    const p = pod({ "prometheus.istio.io/scrape-targets": ":/metrics", "prometheus.io/port": "8080" });
    expect(applyPrometheusMerge(p, ctx).ok).toBe(true);
    expect(proxyEnv(p)).toEqual(['{"scrape":"","path":"","port":"8080"}']);
    expect(annotations(p)["prometheus.istio.io/scrape-targets"]).toBeUndefined();
  });

  it("never throws on hostile shapes", () => {
    const hostile: JsonObject[] = [
      {},
      { metadata: "x" },
      { metadata: { annotations: "x" }, spec: "x" },
      {
        metadata: { annotations: { "prometheus.io/port": 5, "prometheus.io/path": "/x" } },
        spec: { containers: [null, { name: "istio-proxy", env: "x" }] },
      },
      { spec: { initContainers: [{ name: "istio-proxy" }] } },
    ];
    for (const h of hostile) {
      expect(() => applySecurePrometheusAnnotation(structuredClone(h))).not.toThrow();
      expect(() => stripPrometheusAnnotations(structuredClone(h), 15020)).not.toThrow();
      expect(() => applyPrometheusMerge(h, ctx)).not.toThrow();
    }
    expect(annotations(hostile[0] as JsonObject)["prometheus.io/scrape"]).toBe("true");
    expect(proxyEnv(hostile[3] as JsonObject)).toEqual(['{"scrape":"","path":"/x","port":""}']);
    expect(envValues(list(hostile[4] as JsonObject, "initContainers")[0], ENV)).toEqual([]);
  });
});

describe("parseScrapeTargets", () => {
  it("trims, defaults the path, and fails on an empty port", () => {
    expect(parseScrapeTargets(" 8080:/metrics , 9100:/custom ")).toEqual([
      { port: "8080", path: "/metrics" },
      { port: "9100", path: "/custom" },
    ]);
    expect(parseScrapeTargets("8080,9100:,")).toEqual([
      { port: "8080", path: "/metrics" },
      { port: "9100", path: "/metrics" },
    ]);
    expect(parseScrapeTargets(":/metrics")).toBeUndefined();
    expect(parseScrapeTargets("8080:/a:b")).toEqual([{ port: "8080", path: "/a:b" }]);
  });
});

describe("applySecurePrometheusAnnotation (Istio TestApplySecurePrometheusAnnotation)", () => {
  const SECURE = "prometheus.istio.io/secure-port";
  it("sets it from ENVOY_SECURE_MERGED_METRICS_PORT", () => {
    const p = pod({}, [
      { name: "ENVOY_SECURE_METRICS_PORT", value: "15091" },
      { name: "ENVOY_SECURE_MERGED_METRICS_PORT", value: "15092" },
    ]);
    applySecurePrometheusAnnotation(p);
    expect(annotations(p)[SECURE]).toBe("15092");
  });
  it("keeps a user's value, in any variant", () => {
    for (const key of [SECURE, "prometheus.istio.io.secure-port"]) {
      const p = pod({ [key]: "19999" }, [{ name: "ENVOY_SECURE_MERGED_METRICS_PORT", value: "15092" }]);
      applySecurePrometheusAnnotation(p);
      expect(annotations(p)).toEqual({ [key]: "19999" });
    }
  });
  it("skips 0, empty and absent values, and pods without istio-proxy", () => {
    for (const e of [
      [{ name: "ENVOY_SECURE_MERGED_METRICS_PORT", value: "0" }],
      [{ name: "X", value: "1" }],
      [],
    ]) {
      const p = pod({}, e);
      applySecurePrometheusAnnotation(p);
      expect(annotations(p)[SECURE]).toBeUndefined();
    }
    const later = pod({}, [
      { name: "ENVOY_SECURE_MERGED_METRICS_PORT", value: "0" },
      { name: "ENVOY_SECURE_MERGED_METRICS_PORT", value: "15093" },
    ]);
    applySecurePrometheusAnnotation(later);
    expect(annotations(later)[SECURE]).toBe("15093");
    const noProxy: JsonObject = { metadata: { annotations: {} }, spec: { containers: [{ name: "app" }] } };
    applySecurePrometheusAnnotation(noProxy);
    expect(annotations(noProxy)).toEqual({});
  });
});

describe("stripPrometheusAnnotations", () => {
  it("clears Istio's own annotations only when the port is the agent's", () => {
    const ours = pod({
      "prometheus.io/port": "15020",
      "prometheus.io/path": "/stats/prometheus",
      "prometheus.io.scrape": "true",
      keep: "1",
    });
    stripPrometheusAnnotations(ours, 15020);
    expect(annotations(ours)).toEqual({ keep: "1" });
    const users = pod({ "prometheus.io/port": "8080", "prometheus.io/scrape": "true" });
    stripPrometheusAnnotations(users, 15020);
    expect(annotations(users)).toEqual({ "prometheus.io/port": "8080", "prometheus.io/scrape": "true" });
  });
});
