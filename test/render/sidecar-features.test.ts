import { describe, expect, it } from "vitest";
import type { JsonObject } from "../../core/json.ts";
import { caseById, configFor, dataFor, findContainer, inputPods, metaMap, renderSidecar } from "./golden.ts";

/**
 * Template features the shared goldens do not show (the held-back part of the corpus does), checked
 * against what Istio's template does for them.
 */

const hello = caseById("hello");

function render(
  annotations: Record<string, string> = {},
  opts: {
    values?: JsonObject;
    mesh?: JsonObject;
    native?: boolean;
    labels?: Record<string, string>;
    features?: Record<string, string>;
  } = {},
): JsonObject {
  const c = {
    ...hello,
    settings: { ...hello.settings, values: opts.values ?? {}, meshConfig: opts.mesh ?? {} },
  };
  const config = configFor(c);
  if (opts.native !== undefined) config.nativeSidecars = opts.native;
  if (opts.features) config.features = opts.features;
  const pod = structuredClone(inputPods(hello)[0] as JsonObject);
  const meta = pod.metadata as JsonObject;
  meta.annotations = { ...((meta.annotations ?? {}) as JsonObject), ...annotations };
  meta.labels = { ...((meta.labels ?? {}) as JsonObject), ...(opts.labels ?? {}) };
  return renderSidecar(dataFor(c, pod, config));
}

const proxy = (p: JsonObject) => findContainer(p, "istio-proxy")?.container as JsonObject;
const init = (p: JsonObject) => findContainer(p, "istio-init")?.container as JsonObject;
const env = (c: JsonObject) =>
  Object.fromEntries(((c.env ?? []) as JsonObject[]).map((e) => [e.name, e.value ?? e.valueFrom]));
const names = (p: JsonObject, list: string) =>
  (((p.spec as JsonObject)[list] ?? []) as JsonObject[]).map((c) => c.name);

describe("interception modes", () => {
  it("NONE without native sidecars: no init container, the proxy is a regular container", () => {
    const p = render({ "sidecar.istio.io/interceptionMode": "NONE" }, { native: false });
    expect(names(p, "initContainers")).toEqual([]);
    expect(names(p, "containers")).toEqual(["istio-proxy"]);
    expect(env(proxy(p)).ISTIO_META_INTERCEPTION_MODE).toBe("NONE");
  });
  it("NONE with native sidecars: only the proxy, as an init container", () => {
    const p = render({ "sidecar.istio.io/interceptionMode": "NONE" });
    expect(names(p, "initContainers")).toEqual(["istio-proxy"]);
    expect(proxy(p).restartPolicy).toBe("Always");
  });
  it("TPROXY by annotation: -m TPROXY, proxy runs as root with NET_ADMIN", () => {
    const p = render({ "sidecar.istio.io/interceptionMode": "TPROXY" });
    expect(init(p).args).toContain("TPROXY");
    expect(proxy(p).securityContext).toMatchObject({
      runAsUser: 0,
      runAsGroup: 1337,
      runAsNonRoot: false,
      capabilities: { add: ["NET_ADMIN"] },
    });
  });
  it("capNetBindService adds NET_BIND_SERVICE", () => {
    const p = render({ "sidecar.istio.io/capNetBindService": "true" });
    expect(proxy(p).securityContext).toMatchObject({
      runAsUser: 0,
      capabilities: { add: ["NET_BIND_SERVICE"], drop: ["ALL"] },
    });
  });
  it("IPTABLES_TRACE_LOGGING makes the proxy privileged", () => {
    const p = render({}, { mesh: { defaultConfig: { proxyMetadata: { IPTABLES_TRACE_LOGGING: "true" } } } });
    expect(proxy(p).securityContext).toMatchObject({
      privileged: true,
      allowPrivilegeEscalation: true,
      runAsUser: 0,
    });
  });
});

describe("traffic annotations become istio-iptables flags", () => {
  it("-q, -o, -k, -c and the exclude list with the status port", () => {
    const p = render({
      "traffic.sidecar.istio.io/includeOutboundPorts": "8080",
      "traffic.sidecar.istio.io/excludeOutboundPorts": "9090",
      "traffic.sidecar.istio.io/excludeInterfaces": "eth9",
      "traffic.sidecar.istio.io/kubevirtInterfaces": "net1",
      "traffic.sidecar.istio.io/excludeInboundPorts": "1,2",
      "status.sidecar.istio.io/port": "15999",
    });
    const args = init(p).args as string[];
    expect(args.slice(args.indexOf("-d"), args.indexOf("-d") + 2)).toEqual(["-d", "15090,15021,1,2,15999"]);
    expect(args).toEqual(expect.arrayContaining(["-q", "8080", "-o", "9090", "-k", "net1", "-c", "eth9"]));
  });
  it("reroute-virtual-interfaces wins over kubevirtInterfaces", () => {
    const args = init(
      render({
        "traffic.sidecar.istio.io/kubevirtInterfaces": "a",
        "istio.io/reroute-virtual-interfaces": "b",
      }),
    ).args as string[];
    expect(args[args.indexOf("-k") + 1]).toBe("b");
  });
  it("with CNI the values are echoed as annotations for the plugin", () => {
    const p = render(
      { "traffic.sidecar.istio.io/excludeOutboundPorts": "9090" },
      { values: { pilot: { cni: { enabled: true } } } },
    );
    expect(metaMap(p, "annotations")).toMatchObject({
      "sidecar.istio.io/interceptionMode": "REDIRECT",
      "traffic.sidecar.istio.io/includeOutboundIPRanges": "*",
      "traffic.sidecar.istio.io/includeInboundPorts": "*",
      "traffic.sidecar.istio.io/excludeInboundPorts": "15020",
      "traffic.sidecar.istio.io/excludeOutboundPorts": "9090",
    });
    expect(names(p, "initContainers")).toEqual(["istio-validation", "istio-proxy"]);
  });
});

describe("proxy settings", () => {
  it("status port 0 drops the probes and the port from -d", () => {
    const p = render({ "status.sidecar.istio.io/port": "0" });
    expect(proxy(p).readinessProbe).toBeUndefined();
    expect(proxy(p).startupProbe).toBeUndefined();
    expect(init(p).args).toContain("15090,15021");
  });
  it("holdApplicationUntilProxyStarts without native sidecars: postStart wait hook", () => {
    for (const p of [
      render({}, { native: false, values: { global: { proxy: { holdApplicationUntilProxyStarts: true } } } }),
      render({ "proxy.istio.io/config": "holdApplicationUntilProxyStarts: true" }, { native: false }),
    ]) {
      expect(proxy(p).lifecycle).toEqual({ postStart: { exec: { command: ["pilot-agent", "wait"] } } });
    }
  });
  it("values lifecycle replaces both hooks", () => {
    const lifecycle = { preStop: { exec: { command: ["sleep", "5"] } } };
    expect(proxy(render({}, { values: { global: { proxy: { lifecycle } } } })).lifecycle).toEqual(lifecycle);
  });
  it("nativeSidecar annotation overrides the configured default", () => {
    expect(names(render({ "sidecar.istio.io/nativeSidecar": "false" }), "containers")).toEqual([
      "istio-proxy",
    ]);
    expect(
      names(render({ "sidecar.istio.io/nativeSidecar": "true" }, { native: false }), "containers"),
    ).toEqual([]);
  });
  it("proxyImage with a slash is used verbatim for both containers; proxyImageType suffixes the built image", () => {
    const p = render({ "sidecar.istio.io/proxyImage": "docker.io/me/proxy:1" });
    expect(proxy(p).image).toBe("docker.io/me/proxy:1");
    expect(init(p).image).toBe("docker.io/me/proxy:1");
    expect(proxy(render({ "sidecar.istio.io/proxyImageType": "distroless" })).image).toBe(
      "registry.istio.io/testing/proxyv2:latest-distroless",
    );
  });
  it("bootstrapOverride mounts the ConfigMap and points the agent at it", () => {
    const p = render({ "sidecar.istio.io/bootstrapOverride": "my-bootstrap" });
    expect(env(proxy(p)).ISTIO_BOOTSTRAP_OVERRIDE).toBe("/etc/istio/custom-bootstrap/custom_bootstrap.json");
    expect(proxy(p).volumeMounts).toContainEqual({
      name: "custom-bootstrap-volume",
      mountPath: "/etc/istio/custom-bootstrap",
    });
    expect((p.spec as JsonObject).volumes).toContainEqual({
      name: "custom-bootstrap-volume",
      configMap: { name: "my-bootstrap" },
    });
  });
  it("userVolume / userVolumeMount add named volumes and mounts", () => {
    const p = render({
      "sidecar.istio.io/userVolume": '{"b":{"secret":{"secretName":"s"}},"a":{"configMap":{"name":"c"}}}',
      "sidecar.istio.io/userVolumeMount": '{"a":{"mountPath":"/a","readOnly":true}}',
    });
    const volumes = (p.spec as JsonObject).volumes as JsonObject[];
    expect(volumes.slice(-2)).toEqual([
      { configMap: { name: "c" }, name: "a" },
      { secret: { secretName: "s" }, name: "b" },
    ]);
    expect((proxy(p).volumeMounts as JsonObject[]).at(-1)).toEqual({
      mountPath: "/a",
      readOnly: true,
      name: "a",
    });
  });
  it("proxyMetadata becomes env on both containers (sorted); ISTIO_META_ENABLE_HBONE labels the tunnel", () => {
    const p = render(
      {},
      { mesh: { defaultConfig: { proxyMetadata: { ISTIO_META_ENABLE_HBONE: "true", A_FIRST: "1" } } } },
    );
    expect((init(p).env as JsonObject[]).map((e) => e.name)).toEqual(["A_FIRST", "ISTIO_META_ENABLE_HBONE"]);
    expect(env(proxy(p))).toMatchObject({ A_FIRST: "1", ISTIO_META_ENABLE_HBONE: "true" });
    expect(metaMap(p, "labels")["networking.istio.io/tunnel"]).toBe("http");
  });
  it("revision names istiod and the istio.io/rev annotation", () => {
    const p = render({}, { values: { revision: "canary" } });
    expect(env(proxy(p)).CA_ADDR).toBe("istiod-canary.istio-system.svc:15012");
    expect(metaMap(p, "annotations")["istio.io/rev"]).toBe("canary");
  });
  it("meshID, network and cluster name from values", () => {
    const e = env(
      proxy(
        render(
          {},
          { values: { global: { meshID: "m1", network: "n1", multiCluster: { clusterName: "c1" } } } },
        ),
      ),
    );
    expect(e).toMatchObject({
      ISTIO_META_MESH_ID: "m1",
      ISTIO_META_NETWORK: "n1",
      ISTIO_META_CLUSTER_ID: "c1",
      TRUST_DOMAIN: "cluster.local",
    });
  });
  it("FIPS compliance policy", () => {
    const e = env(proxy(render({}, { features: { COMPLIANCE_POLICY: "fips-140-3" } })));
    expect(e).toMatchObject({ COMPLIANCE_POLICY: "fips-140-3", GODEBUG: "fips140=only" });
  });
  it("seccompProfile from values, imagePullPolicy and pull secrets", () => {
    const p = render(
      {},
      {
        values: {
          global: {
            imagePullPolicy: "IfNotPresent",
            imagePullSecrets: ["s1"],
            proxy: { seccompProfile: { type: "RuntimeDefault" } },
          },
        },
      },
    );
    expect(proxy(p).securityContext).toMatchObject({ seccompProfile: { type: "RuntimeDefault" } });
    expect(proxy(p).imagePullPolicy).toBe("IfNotPresent");
    expect((p.spec as JsonObject).imagePullSecrets).toEqual([{ name: "s1" }]);
  });
  it("resource annotations replace the values resources on both containers", () => {
    const p = render({ "sidecar.istio.io/proxyCPU": "50m", "sidecar.istio.io/proxyMemoryLimit": "1Gi" });
    for (const c of [proxy(p), init(p)])
      expect(c.resources).toEqual({ requests: { cpu: "50m" }, limits: { memory: "1Gi" } });
  });
  it("readiness annotations", () => {
    const probe = proxy(
      render({
        "readiness.status.sidecar.istio.io/initialDelaySeconds": "7",
        "readiness.status.sidecar.istio.io/periodSeconds": "8",
        "readiness.status.sidecar.istio.io/failureThreshold": "9",
      }),
    ).readinessProbe;
    expect(probe).toMatchObject({
      initialDelaySeconds: 7,
      periodSeconds: 8,
      failureThreshold: 9,
      timeoutSeconds: 3,
    });
  });
  it("the user's default-container annotations are kept", () => {
    const p = render({ "kubectl.kubernetes.io/default-container": "other" });
    expect(metaMap(p, "annotations")["kubectl.kubernetes.io/default-container"]).toBeUndefined();
    expect(metaMap(p, "annotations")["kubectl.kubernetes.io/default-logs-container"]).toBe("hello");
  });
});

describe("hostile pod values cannot change the structure", () => {
  const hostile = '100m"\n  - name: injected\n    image: "busybox';
  it("a resource annotation that tries to add a container", () => {
    const benign = render({ "sidecar.istio.io/proxyCPU": "100m" });
    const evil = render({ "sidecar.istio.io/proxyCPU": hostile });
    for (const list of ["initContainers", "containers"])
      expect(names(evil, list)).toEqual(names(benign, list));
    expect((proxy(evil).resources as JsonObject).requests).toEqual({ cpu: hostile });
  });
  it("labels, annotations and user-volume keys that try the same", () => {
    const evil = render(
      {
        "sidecar.istio.io/userVolume": JSON.stringify({ 'x"\n  - name: injected': { emptyDir: {} } }),
        "sidecar.istio.io/interceptionMode": `REDIRECT"\n  - name: injected`,
        "traffic.sidecar.istio.io/excludeInterfaces": "a\n- injected",
      },
      { labels: { app: `x\n  - name: injected`, "service.istio.io/workload-name": "w\n- x: y" } },
    );
    const benign = render();
    for (const list of ["initContainers", "containers"])
      expect(names(evil, list)).toEqual(names(benign, list));
    expect(((evil.spec as JsonObject).volumes as JsonObject[]).at(-1)?.name).toBe(`x"\n  - name: injected`);
  });
});
