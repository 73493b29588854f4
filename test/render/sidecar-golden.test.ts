import { describe, expect, it } from "vitest";
import type { JsonObject } from "../../core/json.ts";
import {
  caseById,
  dataFor,
  findContainer,
  type GoldenCase,
  goldenPods,
  inputPods,
  metaMap,
  normalizeContainer,
  renderSidecar,
} from "./golden.ts";

/**
 * The built-in sidecar template against Istio's goldens, case by case: the containers, volumes, pull
 * secrets, labels and annotations the template writes must be what the golden pod has. Things done in
 * code after the merge (probe rewriting, Prometheus, status annotation, order of containers, user
 * overrides re-applied) are left out of the comparison: see golden.ts.
 */

const INJECTED = ["istio-init", "istio-validation", "istio-proxy"];
// Written by post-processing, not by the template.
const POST_ANNOTATIONS = new Set([
  "prometheus.io/path",
  "prometheus.io/port",
  "prometheus.io/scrape",
  "sidecar.istio.io/status",
]);

function compare(c: GoldenCase): void {
  const inputs = inputPods(c);
  const goldens = goldenPods(c);
  expect(inputs.length).toBe(goldens.length);
  inputs.forEach((pod, i) => {
    const golden = goldens[i] as JsonObject;
    const rendered = renderSidecar(dataFor(c, pod));
    for (const name of INJECTED) {
      const want = findContainer(golden, name);
      const got = findContainer(rendered, name);
      expect({ name, list: got?.list }).toEqual({ name, list: want?.list });
      expect(normalizeContainer(got?.container)).toEqual(normalizeContainer(want?.container));
    }
    const spec = (rendered.spec ?? {}) as JsonObject;
    const goldenSpec = (golden.spec ?? {}) as JsonObject;
    const volumes = (spec.volumes ?? []) as JsonObject[];
    expect(volumes).toEqual(((goldenSpec.volumes ?? []) as JsonObject[]).slice(0, volumes.length));
    const secrets = (spec.imagePullSecrets ?? []) as JsonObject[];
    expect(secrets).toEqual(((goldenSpec.imagePullSecrets ?? []) as JsonObject[]).slice(0, secrets.length));
    for (const field of ["labels", "annotations"] as const) {
      const got = metaMap(rendered, field);
      const want = metaMap(golden, field);
      for (const [k, v] of Object.entries(got)) {
        if (field === "annotations" && POST_ANNOTATIONS.has(k)) continue;
        expect({ [k]: v }).toEqual({ [k]: want[k] });
      }
    }
  });
}

const FEATURES: Record<string, string[]> = {
  "native sidecar (default)": [
    "hello",
    "hello-multi",
    "two_container",
    "multi-init",
    "native-sidecar",
    "native-sidecar-opt-in",
  ],
  "classic sidecar (non-native)": [
    "hello-old-version",
    "native-sidecar-old-version",
    "native-sidecar-opt-in-global-off",
    "daemonset-old-version",
    "job-old-version",
    "pod-old-version",
    "replicaset-old-version",
    "statefulset-old-version",
  ],
  "workload kinds and owner inference": [
    "daemonset",
    "job",
    "pod",
    "replicaset",
    "statefulset",
    "deploymentconfig",
    "list",
    "frontend",
  ],
  "canonical labels": ["deploymentconfig-with-canonical-service-label", "truncate-canonical-name-pod"],
  CNI: ["hello-cni"],
  Multus: ["hello-cncf-networks", "hello-existing-cncf-networks"],
  TPROXY: ["hello-tproxy"],
  "traffic annotations": [
    "traffic-annotations",
    "traffic-annotations-empty-includes",
    "traffic-params",
    "traffic-params-empty-includes",
    "kubevirtInterfaces",
    "kubevirtInterfaces_list",
    "reroute-virtual-interfaces",
    "reroute-virtual-interfaces_list",
  ],
  "status port and readiness": ["status_params", "status_annotations", "hello-readiness"],
  resources: [
    "resource_annotations",
    "proxy-resources-null",
    "proxy-resources-null-no-init",
    "proxy-resources-memory-null",
  ],
  holdApplicationUntilProxyStarts: [
    "hello-proxyHoldsApplication",
    "hello-probes-proxyHoldApplication-ProxyConfig",
    "hello-probes-noProxyHoldApplication-ProxyConfig",
  ],
  "user volumes and bootstrap override": ["user-volume"],
  images: ["hello-proxyInitImageName", "hello-always", "hello-never"],
  "pull secrets and certs": [
    "hello-image-secrets-in-values",
    "hello-image-pull-secret",
    "hello-mount-mtls-certs",
    "auth",
    "auth-non-default-service-account",
  ],
  "proxy config": ["hello-tracing-disabled", "hello-probes-localhost", "hello-mtls-not-ready"],
  telemetry: ["hello-otel-semconv", "hello-multiport-metrics", "prometheus-scrape"],
  FIPS: ["hello-fips-140-3"],
  probes: [
    "hello-probes",
    "named_port",
    "https-probes",
    "tcp-probes",
    "ready_live",
    "startup_live",
    "startup_only",
  ],
};

for (const [feature, ids] of Object.entries(FEATURES)) {
  describe(`sidecar template: ${feature}`, () => {
    for (const id of ids) {
      it(id, () => compare(caseById(id)));
    }
  });
}
