import { describe, expect, it } from "vitest";
import { admit } from "../../../core/admission/admit.ts";
import { loadEngine } from "../../../core/engine.ts";
import type { JsonObject } from "../../../core/json.ts";
import { podDecodeError } from "../../../core/render/go/decode.ts";
import { applyResponse, reviewFor } from "../../helpers/fixtures.ts";
import { installedEngine, RELEASES } from "../../helpers/istio-releases.ts";

// istiod decodes every merged pod into corev1.Pod with encoding/json, so a rendered value of the
// wrong JSON type fails its injection ("unmarshal patched pod"); Outrigger denies it the same way
// instead of sending the API server a patch it cannot decode (core/render/go/decode.ts).

describe("podDecodeError (encoding/json into corev1.Pod)", () => {
  it.each([
    [
      "a number where Kubernetes has a string, under an embedded struct",
      { spec: { volumes: [{ name: "v", configMap: { name: 15020 } }] } },
      "json: cannot unmarshal number into Go struct field ConfigMapVolumeSource.spec.volumes.configMap.name of type string",
    ],
    [
      "a bool in a string map",
      { metadata: { annotations: { a: "x", b: true } } },
      "json: cannot unmarshal bool into Go struct field ObjectMeta.metadata.annotations of type string",
    ],
    [
      "a string where Kubernetes has an int32",
      { spec: { containers: [{ name: "c", ports: [{ containerPort: "80" }] }] } },
      "json: cannot unmarshal string into Go struct field ContainerPort.spec.containers.ports.containerPort of type int32",
    ],
    [
      "a fraction where Kubernetes has an integer (through a pointer)",
      { spec: { terminationGracePeriodSeconds: 1.5 } },
      "json: cannot unmarshal number 1.5 into Go struct field PodSpec.spec.terminationGracePeriodSeconds of type int64",
    ],
    [
      "a map where Kubernetes has a list, named type in the message",
      { spec: { containers: { name: "c" } } },
      "json: cannot unmarshal object into Go struct field PodSpec.spec.containers of type []v1.Container",
    ],
    [
      "a named string type",
      { spec: { containers: [{ name: "c", ports: [{ containerPort: 80, protocol: 6 }] }] } },
      "json: cannot unmarshal number into Go struct field ContainerPort.spec.containers.ports.protocol of type v1.Protocol",
    ],
    [
      "a key in another case (encoding/json matches names in any case)",
      { spec: { Containers: [{ Name: 7 }] } },
      "json: cannot unmarshal number into Go struct field Container.spec.containers.name of type string",
    ],
  ])("refuses %s", (_, value, message) => {
    expect(podDecodeError(value as JsonObject)).toBe(message);
  });

  it.each([
    ["null anywhere", { spec: { containers: null, volumes: [{ name: "v", emptyDir: null }] } }],
    ["unknown keys", { spec: { notAField: 1, containers: [{ name: "c", extra: [1, 2] }] } }],
    [
      "strategic-merge directives",
      { spec: { $setElementOrder: 1, containers: [{ $patch: "delete", name: "c" }] } },
    ],
    [
      "types with their own UnmarshalJSON (Quantity, IntOrString)",
      {
        spec: {
          containers: [
            {
              name: "c",
              resources: { limits: { cpu: 2, memory: "1Gi" } },
              readinessProbe: { httpGet: { port: "http" } },
              livenessProbe: { httpGet: { port: 8080 } },
            },
          ],
        },
      },
    ],
    ["integers written as floats that are whole", { spec: { terminationGracePeriodSeconds: 30.0 } }],
  ])("accepts %s", (_, value) => {
    expect(podDecodeError(value as JsonObject)).toBeUndefined();
  });
});

describe("a Go template that renders a value corev1.Pod cannot hold", () => {
  const pod = (annotations: Record<string, string>): JsonObject => ({
    apiVersion: "v1",
    kind: "Pod",
    metadata: { generateName: "app-", namespace: "default", annotations },
    spec: { containers: [{ name: "app", image: "app:1" }] },
  });

  // Found by `npm run fuzz`: Istio's sidecar template prints this annotation unquoted as a configMap name.
  it.each(RELEASES)("is denied on Istio %s's ConfigMaps, naming the field, as istiod fails it", (release) => {
    const engine = installedEngine(release);
    const res = admit(reviewFor(pod({ "sidecar.istio.io/bootstrapOverride": "15020" })), engine).review
      .response;
    expect(res.allowed).toBe(false);
    expect(res.status?.message).toContain(
      "unmarshal patched pod: json: cannot unmarshal number into Go struct field ConfigMapVolumeSource.spec.volumes.configMap.name of type string",
    );
    // The same annotation as a name that stays a string is injected, and the patch applies.
    const ok = admit(reviewFor(pod({ "sidecar.istio.io/bootstrapOverride": "my-bootstrap" })), engine).review;
    expect(ok.response.allowed).toBe(true);
    const out = applyResponse(pod({ "sidecar.istio.io/bootstrapOverride": "my-bootstrap" }), ok);
    const volumes = ((out.spec as JsonObject).volumes ?? []) as JsonObject[];
    expect(volumes.some((v) => (v.configMap as JsonObject | undefined)?.name === "my-bootstrap")).toBe(true);
  });

  it("is refused at load when the render check's probe pods already meet it", () => {
    // `yes` is a bool to YAML 1.1, as istiod reads a Go template's output.
    const loaded = loadEngine(
      JSON.stringify({
        templates: { custom: "spec:\n  terminationGracePeriodSeconds: {{ if .ObjectMeta }}yes{{ end }}\n" },
        defaultTemplates: ["sidecar", "custom"],
      }),
    );
    expect(loaded.ok).toBe(false);
    if (!loaded.ok)
      expect(loaded.error).toContain(
        "json: cannot unmarshal bool into Go struct field PodSpec.spec.terminationGracePeriodSeconds of type int64",
      );
  });
});
