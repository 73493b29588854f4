import { describe, expect, it } from "vitest";
import { defaultMeshConfig, defaultValues, effectiveMesh, mergeValues } from "../../core/config/defaults.ts";
import type { Config } from "../../core/config/types.ts";
import type { JsonObject } from "../../core/json.ts";
import { buildTemplateData, deployMetaFromPod, effectiveProxyConfig } from "../../core/render/data.ts";

function config(
  over: { values?: JsonObject; mesh?: JsonObject; features?: Record<string, string> } = {},
): Config {
  return {
    policy: "enabled",
    defaultTemplates: ["sidecar"],
    templates: {},
    templateSyntax: {},
    builtinTemplates: true,
    aliases: {},
    neverInjectSelector: [],
    alwaysInjectSelector: [],
    injectedAnnotations: {},
    nativeSidecars: true,
    values: mergeValues(defaultValues, over.values ?? {}),
    meshConfig: effectiveMesh(mergeValues(defaultMeshConfig, over.mesh ?? {})),
    features: over.features ?? {},
    namespaces: {},
  };
}

function pod(annotations: Record<string, string> = {}, meta: JsonObject = {}): JsonObject {
  return {
    metadata: { name: "p", namespace: "ns", annotations, ...meta },
    spec: { containers: [{ name: "app" }] },
  };
}

function data(p: JsonObject, c: Config = config()) {
  const d = buildTemplateData({ pod: p, config: c, pathEnvs: {} });
  if (!d.ok) throw new Error(d.error);
  return d.value;
}

describe("workload identity (GetDeployMetaFromPod)", () => {
  const ref = (kind: string, name: string, apiVersion = "apps/v1") => ({
    ownerReferences: [{ kind, name, apiVersion, controller: true }],
  });
  it("a Deployment behind its ReplicaSet", () => {
    const m = deployMetaFromPod(
      { generateName: "hello-fake-", ...ref("ReplicaSet", "hello-fake") },
      { "pod-template-hash": "fake" },
    );
    expect(m).toEqual({
      typeMeta: { kind: "Deployment", apiVersion: "apps/v1" },
      deployMeta: { name: "hello", namespace: "" },
    });
  });
  it("an Argo Rollout, a DeploymentConfig and a CronJob", () => {
    expect(
      deployMetaFromPod(
        { generateName: "r-", ...ref("ReplicaSet", "r-abc") },
        { "rollouts-pod-template-hash": "abc" },
      ).typeMeta,
    ).toEqual({
      kind: "Rollout",
      apiVersion: "v1alpha1",
    });
    const dc = deployMetaFromPod(
      { generateName: "x-", ...ref("ReplicationController", "dc-1", "v1") },
      { deploymentconfig: "dc" },
    );
    expect(dc).toEqual({
      typeMeta: { kind: "DeploymentConfig", apiVersion: "v1" },
      deployMeta: { name: "dc", namespace: "" },
    });
    const cron = deployMetaFromPod({ generateName: "x-", ...ref("Job", "nightly-27345678", "batch/v1") }, {});
    expect(cron).toEqual({
      typeMeta: { kind: "CronJob", apiVersion: "batch/v1" },
      deployMeta: { name: "nightly", namespace: "" },
    });
  });
  it("no owner inference without generateName; no controller keeps the pod name", () => {
    expect(deployMetaFromPod({ name: "solo", ...ref("ReplicaSet", "rs") }, {}).typeMeta.kind).toBe("Pod");
    expect(
      deployMetaFromPod({ generateName: "g-", ownerReferences: [{ kind: "ReplicaSet", name: "rs" }] }, {}),
    ).toEqual({
      typeMeta: { kind: "Pod", apiVersion: "v1" },
      deployMeta: { name: "", namespace: "" },
    });
  });
});

describe("proxy images (Istio's TestProxyImage)", () => {
  const image = (tag: unknown, hub: string, pcType?: string, annType?: string) => {
    const annotations: Record<string, string> = {};
    if (annType) annotations["sidecar.istio.io/proxyImageType"] = annType;
    const mesh: JsonObject = pcType ? { defaultConfig: { image: { imageType: pcType } } } : {};
    return data(pod(annotations), config({ values: { global: { hub, tag } as JsonObject }, mesh }))
      .ProxyImage;
  };
  const cases: [unknown, string, string | undefined, string | undefined, string][] = [
    [11, "registry.istio.io/release", undefined, undefined, "registry.istio.io/release/proxyv2:11"],
    [
      1.12,
      "registry.istio.io/release",
      "distroless",
      undefined,
      "registry.istio.io/release/proxyv2:1.12-distroless",
    ],
    [
      "1.11.2-asm.17",
      "gcr.io/gke-release/asm",
      undefined,
      "distroless",
      "gcr.io/gke-release/asm/proxyv2:1.11.2-asm.17-distroless",
    ],
    [
      "1.11.2-asm.17",
      "gcr.io/gke-release/asm",
      "distroless",
      "debug",
      "gcr.io/gke-release/asm/proxyv2:1.11.2-asm.17-debug",
    ],
    [
      "1.11.2-asm.17",
      "gcr.io/gke-release/asm",
      "debug",
      "default",
      "gcr.io/gke-release/asm/proxyv2:1.11.2-asm.17",
    ],
    [
      "1.11.2-asm.17-distroless",
      "gcr.io/gke-release/asm",
      "default",
      undefined,
      "gcr.io/gke-release/asm/proxyv2:1.11.2-asm.17",
    ],
    [
      "1.12-debug",
      "registry.istio.io/release",
      "distroless",
      undefined,
      "registry.istio.io/release/proxyv2:1.12-distroless",
    ],
    [
      "1.12-distroless",
      "registry.istio.io/release",
      undefined,
      "distroless",
      "registry.istio.io/release/proxyv2:1.12-distroless",
    ],
    [
      "1.12-this-is-unusual-tag",
      "private-repo/istio",
      undefined,
      undefined,
      "private-repo/istio/proxyv2:1.12-this-is-unusual-tag",
    ],
    [
      "1.12-this-is-unusual-tag-distroless",
      "private-repo/istio",
      "default",
      undefined,
      "private-repo/istio/proxyv2:1.12-this-is-unusual-tag",
    ],
  ];
  for (const [tag, hub, pcType, annType, want] of cases) {
    it(`${String(tag)} pc=${pcType} ann=${annType}`, () =>
      expect(image(tag, hub, pcType, annType)).toBe(want));
  }
  it("variant from values when nothing else sets a type; init image never takes the ProxyConfig type", () => {
    const d = data(
      pod(),
      config({
        values: { global: { variant: "distroless" } },
        mesh: { defaultConfig: { image: { imageType: "debug" } } },
      }),
    );
    expect(d.ProxyImage).toBe("registry.istio.io/testing/proxyv2:latest-debug");
    expect(d.ProxyInitImage).toBe("registry.istio.io/testing/proxyv2:latest-distroless");
  });
});

describe("effective ProxyConfig", () => {
  const mesh = config({
    mesh: { defaultConfig: { proxyMetadata: { A: "mesh", B: "mesh" }, concurrency: 2 } },
  }).meshConfig;
  it("fills Istio's defaults and the interception mode", () => {
    const pc = effectiveProxyConfig(config().meshConfig, {});
    expect(pc.ok && pc.value).toMatchObject({
      statusPort: 15020,
      drainDuration: "45s",
      interceptionMode: "REDIRECT",
    });
  });
  it("applies the annotation (YAML or JSON) over the mesh, merging proxyMetadata by key", () => {
    for (const text of [
      '{"proxyMetadata":{"B":"pod"},"holdApplicationUntilProxyStarts":true}',
      "proxyMetadata:\n  B: pod\nholdApplicationUntilProxyStarts: true\n",
    ]) {
      const pc = effectiveProxyConfig(mesh, { "proxy.istio.io/config": text });
      expect(pc.ok && pc.value).toMatchObject({
        proxyMetadata: { A: "mesh", B: "pod" },
        concurrency: 2,
        holdApplicationUntilProxyStarts: true,
      });
    }
  });
  it("accepts snake_case names and ignores unknown fields", () => {
    const pc = effectiveProxyConfig(mesh, {
      "proxy.istio.io/config": "discovery_address: foo:123\nnotAField: 1\n",
    });
    expect(pc.ok && pc.value.discoveryAddress).toBe("foo:123");
    expect(pc.ok && "notAField" in pc.value).toBe(false);
  });
  it("an annotation that does not parse is an error naming the annotation", () => {
    for (const bad of ["{ not yaml", "concurrency: lots", "- a list"]) {
      const pc = effectiveProxyConfig(mesh, { "proxy.istio.io/config": bad });
      expect(pc.ok).toBe(false);
      if (!pc.ok) expect(pc.error).toMatch(/^invalid value '.*' for annotation 'proxy.istio.io\/config': /s);
    }
    const d = buildTemplateData({
      pod: pod({ "proxy.istio.io/config": "concurrency: lots" }),
      config: config(),
      pathEnvs: {},
    });
    expect(d.ok).toBe(false);
  });
  it("an empty annotation changes nothing", () => {
    const pc = effectiveProxyConfig(mesh, { "proxy.istio.io/config": "" });
    expect(pc.ok && pc.value.concurrency).toBe(2);
  });
});

describe("other template data", () => {
  it("mirrors Istio's top-level names", () => {
    const d = data(
      pod(),
      config({
        mesh: { inboundTrafficPolicy: { mode: "LOCALHOST" } },
        features: { COMPLIANCE_POLICY: "fips-140-3" },
      }),
    );
    expect(d.TypeMeta).toEqual({ kind: "Pod", apiVersion: "v1" });
    expect(d.DeploymentMeta).toEqual({ name: "p", namespace: "ns" });
    expect(d.ObjectMeta.labels).toEqual({});
    expect(d.ProxyUID).toBe(1337);
    expect(d.ProxyGID).toBe(1337);
    expect(d.Revision).toBe("");
    expect(d.NativeSidecars).toBe(true);
    expect(d.InboundTrafficPolicyMode).toBe("localhost");
    expect(d.CompliancePolicy).toBe("fips-140-3");
    expect(d.MeshConfig.trustDomain).toBe("cluster.local");
  });
});
