import { describe, expect, it } from "vitest";
import {
  cleanProxyConfig,
  durationJSON,
  floatJSON,
  marshalJSON,
  parseDuration,
  protoJSON,
  quoteJSON,
} from "../../../core/render/go/gojson.ts";
import { kubeType } from "../../../core/render/go/kube-types.ts";
import { MESH_CONFIG, PROXY_CONFIG } from "../../../core/render/go/proto-types.ts";
import { type GoValue, STRING_MAP, Typed } from "../../../core/render/go/values.ts";

const json = (v: GoValue): string => {
  const r = marshalJSON(v);
  if (!r.ok) throw new Error(r.error);
  return r.value;
};
const kube = (name: string, raw: unknown) => new Typed(kubeType(name), raw);
const pc = (raw: unknown) => {
  const r = protoJSON(cleanProxyConfig(new Typed(PROXY_CONFIG, raw)));
  if (!r.ok) throw new Error(r.error);
  return r.value;
};

describe("encoding/json", () => {
  it.each([
    ["nil", null, "null"],
    ["missing", undefined, "null"],
    ["bool", true, "true"],
    ["float64 int", 15020, "15020"],
    ["float64 million", 1e6, "1000000"],
    ["float64 fraction", 0.5, "0.5"],
    ["tiny float", 1e-7, "1e-7"],
    ["huge float", 1e21, "1e+21"],
    ["just below 1e21", 1e20, "100000000000000000000"],
    ["bigint", 42n, "42"],
    ["map sorted by bytes", { b: 1, a: 2, B: 3 }, '{"B":3,"a":2,"b":1}'],
    ["list", [1, "two", null], '[1,"two",null]'],
    ["HTML escaped", "<a&b>", '"\\u003ca\\u0026b\\u003e"'],
    ["line separators", "\u2028\u2029", '"\\u2028\\u2029"'],
    ["controls", '\b\f\n\r\t\x01"\\', '"\\b\\f\\n\\r\\t\\u0001\\"\\\\"'],
    ["lone surrogate", "a\ud800b", '"a\ufffdb"'],
    ["astral kept", "😀", '"😀"'],
  ] as [string, GoValue, string][])("%s", (_n, v, want) => {
    expect(json(v)).toBe(want);
  });

  it("refuses NaN and infinities as Go does", () => {
    expect(marshalJSON(Number.NaN)).toEqual({ ok: false, error: "json: unsupported value: NaN" });
    expect(marshalJSON({ a: Number.POSITIVE_INFINITY }).ok).toBe(false);
    expect(() => floatJSON(Number.NEGATIVE_INFINITY)).toThrow("-Inf");
  });

  it("writes ContainerPort in Go field order with omitempty", () => {
    expect(json(kube("v1.ContainerPort", { containerPort: 80 }))).toBe('{"containerPort":80}');
    expect(json(kube("v1.ContainerPort", { protocol: "TCP", containerPort: 80, name: "http" }))).toBe(
      '{"name":"http","containerPort":80,"protocol":"TCP"}',
    );
    expect(json(kube("v1.ContainerPort", { hostIP: "1.2.3.4", hostPort: 8080, containerPort: 80 }))).toBe(
      '{"hostPort":8080,"containerPort":80,"hostIP":"1.2.3.4"}',
    );
    // A zero containerPort has no omitempty: it stays.
    expect(json(kube("v1.ContainerPort", {}))).toBe('{"containerPort":0}');
  });

  it("inlines embedded structs and marshals opaque scalars", () => {
    const probe = kube("v1.Probe", { periodSeconds: 5, httpGet: { path: "/ready", port: 15021 } });
    expect(json(probe)).toBe('{"httpGet":{"path":"/ready","port":15021},"periodSeconds":5}');
    const named = kube("v1.Probe", { httpGet: { port: "http-envoy" } });
    expect(json(named)).toBe('{"httpGet":{"port":"http-envoy"}}');
    // metav1.Time is a struct: never omitted, a zero one is null.
    expect(json(kube("metav1.ObjectMeta", { name: "p" }))).toBe('{"name":"p","creationTimestamp":null}');
    const res = kube("v1.ResourceRequirements", { limits: { memory: "1Gi", cpu: "2" } });
    expect(json(res)).toBe('{"limits":{"cpu":"2","memory":"1Gi"}}');
  });

  it("writes nil slices and maps as null, empty ones as [] and {}", () => {
    const spec = kubeType("v1.PodSpec");
    if (spec.kind !== "struct") throw new Error("PodSpec is a struct");
    const containers = spec.fields.find((f) => f.go === "Containers")?.type;
    if (!containers) throw new Error("no Containers field");
    expect(json(new Typed(containers, null))).toBe("null");
    expect(json(new Typed(containers, []))).toBe("[]");
    expect(json(new Typed(STRING_MAP, null))).toBe("null");
    expect(json(new Typed(STRING_MAP, { z: "1", a: "2" }))).toBe('{"a":"2","z":"1"}');
  });

  it("quotes keys like values", () => {
    expect(quoteJSON("<")).toBe('"\\u003c"');
  });
});

describe("jsonpb (protoToJSON)", () => {
  it("is {} for the code defaults and for nil", () => {
    expect(
      pc({
        configPath: "./etc/istio/proxy",
        binaryPath: "/usr/local/bin/envoy",
        serviceCluster: "istio-proxy",
        drainDuration: "45.000s",
        discoveryAddress: "istiod.istio-system.svc:15012",
        proxyAdminPort: 15000,
        controlPlaneAuthPolicy: "MUTUAL_TLS",
        statNameLength: 189,
        statusPort: 15020,
        terminationDrainDuration: "5s",
        interceptionMode: "REDIRECT",
        proxyMetadata: {},
      }),
    ).toBe("{}");
    expect(protoJSON(new Typed(PROXY_CONFIG, null))).toEqual({ ok: true, value: "{}" });
  });

  it("keeps set wrappers at zero and messages even when empty", () => {
    expect(pc({ concurrency: 0, holdApplicationUntilProxyStarts: false })).toBe(
      '{"concurrency":0,"holdApplicationUntilProxyStarts":false}',
    );
    expect(pc({ tracing: {} })).toBe('{"tracing":{}}');
  });

  it("writes fields in .proto declaration order, enums by name, maps sorted", () => {
    expect(
      pc({
        proxyMetadata: { ZED: "1", FOO: "bar" },
        concurrency: 2,
        discoveryAddress: "foo:123",
        interceptionMode: "TPROXY",
      }),
    ).toBe(
      '{"discoveryAddress":"foo:123","concurrency":2,"interceptionMode":"TPROXY","proxyMetadata":{"FOO":"bar","ZED":"1"}}',
    );
  });

  it("keeps non-default values of cleaned fields and formats durations as jsonpb", () => {
    expect(pc({ statusPort: 15021, drainDuration: "1.5s", terminationDrainDuration: "0.000001s" })).toBe(
      '{"drainDuration":"1.500s","statusPort":15021,"terminationDrainDuration":"0.000001s"}',
    );
  });

  it("writes a oneof member even at its zero value", () => {
    expect(pc({ tracingServiceName: "APP_LABEL_AND_NAMESPACE" })).toBe(
      '{"tracingServiceName":"APP_LABEL_AND_NAMESPACE"}',
    );
  });

  it("writes nested messages and int64 as strings", () => {
    const mesh = new Typed(MESH_CONFIG, {
      trustDomain: "cluster.local",
      proxyListenPort: 15001,
      enableTracing: false,
      defaultConfig: { statusPort: 15020, tracing: { sampling: 1.5, zipkin: { address: "z:9411" } } },
    });
    const r = protoJSON(mesh);
    expect(r.ok && JSON.parse(r.value)).toEqual({
      proxyListenPort: 15001,
      defaultConfig: { statusPort: 15020, tracing: { zipkin: { address: "z:9411" }, sampling: 1.5 } },
      trustDomain: "cluster.local",
    });
  });

  it("refuses what is not a proto message", () => {
    expect(protoJSON("x").ok).toBe(false);
  });

  it("parses and writes durations", () => {
    expect(parseDuration("90s")).toEqual({ seconds: 90n, nanos: 0 });
    expect(parseDuration("-1.5s")).toEqual({ seconds: -1n, nanos: -500000000 });
    expect(durationJSON({ seconds: 45n, nanos: 0 })).toBe('"45s"');
    expect(durationJSON({ seconds: 1n, nanos: 500000000 })).toBe('"1.500s"');
    expect(durationJSON({ seconds: 0n, nanos: 1000 })).toBe('"0.000001s"');
    expect(durationJSON({ seconds: -1n, nanos: -1 })).toBe('"-1.000000001s"');
  });
});
