import { describe, expect, it } from "vitest";
import { overridesJson } from "../../core/inject/overrides.ts";
import { typedContainer } from "../../core/inject/typed.ts";

// `proxy.istio.io/overrides` is written as Go writes a typed corev1.Container (Istio's golden
// proxy-override: field order of the Go structs, canonical quantities, resources always present).

describe("typed container JSON", () => {
  it("orders fields as the Go structs, drops unknown and empty ones, keeps pointer falses", () => {
    const c = typedContainer({
      tty: true,
      securityContext: { allowPrivilegeEscalation: true, readOnlyRootFilesystem: false, runAsUser: 1234 },
      livenessProbe: {
        periodSeconds: 2,
        httpGet: { port: 15021, path: "/healthz/ready" },
        initialDelaySeconds: 10,
      },
      volumeMounts: [{ mountPath: "/etc/certs", name: "certs", readOnly: false }],
      resources: { requests: { cpu: "123m" }, limits: { cpu: "3000m" } },
      name: "istio-proxy",
      image: "",
      unknownField: 1,
    });
    expect(JSON.stringify(c)).toBe(
      '{"name":"istio-proxy","resources":{"limits":{"cpu":"3"},"requests":{"cpu":"123m"}},' +
        '"volumeMounts":[{"name":"certs","mountPath":"/etc/certs"}],' +
        '"livenessProbe":{"httpGet":{"path":"/healthz/ready","port":15021},"initialDelaySeconds":10,"periodSeconds":2},' +
        '"securityContext":{"runAsUser":1234,"readOnlyRootFilesystem":false,"allowPrivilegeEscalation":true},"tty":true}',
    );
  });

  it("writes only the lists that have entries", () => {
    expect(overridesJson({ containers: [], initContainers: [{ name: "istio-proxy" }] })).toBe(
      '{"initContainers":[{"name":"istio-proxy","resources":{}}]}',
    );
  });
});
