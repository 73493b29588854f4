import type { JsonObject } from "../json.ts";

/**
 * The pods every template of a new config is rendered against before the config may replace the
 * last good one (check.ts). They cover the branches Istio's templates take most: a plain workload, a
 * pod asking for a native sidecar, a gateway (which the `gateway` template is written for), and a
 * pod with the annotations users set most, so a template that fails or blows up on an ordinary pod
 * is refused at load instead of denying every admission. Built in code, small and fixed: the check
 * must cost little at every cold start.
 */
export interface ProbePod {
  name: string;
  pod: JsonObject;
}

const container = (name: string, ports: number[]): JsonObject => ({
  name,
  image: `registry.example/${name}:1.0`,
  ports: ports.map((containerPort) => ({ containerPort, protocol: "TCP" })),
  resources: { requests: { cpu: "100m", memory: "64Mi" } },
  readinessProbe: { httpGet: { path: "/ready", port: ports[0] ?? 8080 }, periodSeconds: 10 },
});

function pod(
  name: string,
  meta: { labels?: Record<string, string>; annotations?: Record<string, string> },
  containers: JsonObject[],
): JsonObject {
  return {
    apiVersion: "v1",
    kind: "Pod",
    metadata: {
      name: "",
      generateName: `${name}-7d9c5b6f4-`,
      namespace: "probe",
      labels: { app: name, version: "v1", "pod-template-hash": "7d9c5b6f4", ...meta.labels },
      annotations: { ...meta.annotations },
      ownerReferences: [
        { apiVersion: "apps/v1", kind: "ReplicaSet", name: `${name}-7d9c5b6f4`, uid: "0", controller: true },
      ],
    },
    spec: { serviceAccountName: name, containers },
  };
}

export function probePods(): ProbePod[] {
  return [
    { name: "plain", pod: pod("plain", {}, [container("app", [8080])]) },
    {
      name: "native sidecar",
      pod: pod("native", { annotations: { "sidecar.istio.io/nativeSidecar": "true" } }, [
        container("app", [8080]),
        container("worker", []),
      ]),
    },
    {
      name: "gateway",
      pod: pod(
        "gateway",
        {
          labels: { istio: "ingressgateway", "gateway.istio.io/managed": "istio.io-gateway-controller" },
          annotations: { "inject.istio.io/templates": "gateway" },
        },
        [{ name: "istio-proxy", image: "auto" }],
      ),
    },
    {
      name: "annotated",
      pod: pod(
        "annotated",
        {
          labels: { "app.kubernetes.io/name": "annotated", "app.kubernetes.io/version": "2.1" },
          annotations: {
            "sidecar.istio.io/proxyCPU": "200m",
            "sidecar.istio.io/proxyMemory": "256Mi",
            "sidecar.istio.io/proxyCPULimit": "1",
            "sidecar.istio.io/proxyMemoryLimit": "1Gi",
            "sidecar.istio.io/logLevel": "debug",
            "sidecar.istio.io/componentLogLevel": "misc:error",
            "sidecar.istio.io/interceptionMode": "REDIRECT",
            "sidecar.istio.io/statsInclusionPrefixes": "cluster.outbound",
            "traffic.sidecar.istio.io/includeOutboundIPRanges": "10.0.0.0/8",
            "traffic.sidecar.istio.io/excludeOutboundPorts": "9000",
            "traffic.sidecar.istio.io/excludeInboundPorts": "9100",
            "proxy.istio.io/config": "holdApplicationUntilProxyStarts: true\nconcurrency: 2\n",
            "prometheus.io/scrape": "true",
            "prometheus.io/port": "9090",
            "prometheus.io/path": "/metrics",
            "sidecar.istio.io/userVolume": '[{"name":"extra","emptyDir":{}}]',
            "sidecar.istio.io/userVolumeMount": '[{"name":"extra","mountPath":"/extra"}]',
          },
        },
        [container("app", [8080, 9090]), container("sidecar-helper", [9100])],
      ),
    },
  ];
}
