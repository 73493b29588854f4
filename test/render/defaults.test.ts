import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { defaultMeshConfig, defaultValues, effectiveMesh, mergeValues } from "../../core/config/defaults.ts";
import { readShared, readSharedJson } from "../helpers/fixtures.ts";

describe("Istio defaults", () => {
  it("default values are the injector values of a default install", () => {
    expect(defaultValues).toEqual(readSharedJson("fixtures/istio/base-values.json"));
  });
  it("the default mesh config is what the chart writes into the istio ConfigMap", () => {
    expect(defaultMeshConfig).toEqual(parse(readShared("fixtures/istio/base-mesh.yaml")));
  });
  it("the effective mesh is that applied onto Istio's compiled-in defaults", () => {
    expect(effectiveMesh(defaultMeshConfig)).toEqual(
      parse(readShared("fixtures/istio/base-mesh.effective.yaml")),
    );
  });
});

describe("mergeValues (Helm semantics)", () => {
  it("deep-merges maps, replaces lists and scalars, and null deletes", () => {
    const base = {
      global: {
        proxy: { resources: { limits: { cpu: "2", memory: "1Gi" } }, image: "proxyv2" },
        list: [1, 2],
      },
    };
    const out = mergeValues(base, { global: { proxy: { resources: { limits: { cpu: null } } }, list: [3] } });
    expect(out).toEqual({
      global: { proxy: { resources: { limits: { memory: "1Gi" } }, image: "proxyv2" }, list: [3] },
    });
    expect(base.global.proxy.resources.limits.cpu).toBe("2");
  });
});

describe("effectiveMesh", () => {
  it("keeps ProxyConfig defaults under a partial defaultConfig and merges proxyMetadata by key", () => {
    const mesh = effectiveMesh({ defaultConfig: { proxyMetadata: { A: "1" }, concurrency: 2 } });
    expect(mesh.defaultConfig).toMatchObject({
      statusPort: 15020,
      concurrency: 2,
      proxyMetadata: { A: "1" },
    });
  });
  it("merges extension providers by name and unions trust domain aliases", () => {
    const mesh = effectiveMesh({
      extensionProviders: [
        { name: "envoy", envoyFileAccessLog: { path: "/dev/stderr" } },
        { name: "otel", opentelemetry: { port: 4317 } },
      ],
      trustDomainAliases: ["b", "a"],
    });
    expect(mesh.extensionProviders).toEqual([
      { name: "prometheus", prometheus: {} },
      { name: "stackdriver", stackdriver: {} },
      { name: "envoy", envoyFileAccessLog: { path: "/dev/stderr" } },
      { name: "otel", opentelemetry: { port: 4317 } },
    ]);
    expect(mesh.trustDomainAliases).toEqual(["a", "b"]);
  });
  it("an explicitly empty message stays empty", () => {
    expect(
      (effectiveMesh({ defaultConfig: { tracing: {} } }).defaultConfig as { tracing: unknown }).tracing,
    ).toEqual({});
  });
});
