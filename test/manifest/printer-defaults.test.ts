import { readdirSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import type { JsonObject } from "../../core/json.ts";
import { kubeYaml } from "../../core/manifest/kube-yaml.ts";
import { isWorkloadKind } from "../../core/manifest/workloads.ts";
import { readShared, readSharedJson, sharedPath } from "../helpers/fixtures.ts";

function pod(spec: JsonObject): JsonObject {
  return { apiVersion: "v1", kind: "Pod", metadata: { name: "p" }, spec };
}

function printedSpec(spec: JsonObject): JsonObject {
  return (parse(kubeYaml(pod(spec))) as JsonObject).spec as JsonObject;
}

describe("defaults the typed round trip prints", () => {
  it('a resourceFieldRef without a divisor gets divisor "0", in env and in downward API volumes', () => {
    const spec = printedSpec({
      containers: [
        {
          name: "app",
          env: [
            { name: "A", valueFrom: { resourceFieldRef: { resource: "limits.cpu" } } },
            { name: "B", valueFrom: { resourceFieldRef: { resource: "limits.memory", divisor: "1Mi" } } },
            { name: "C", valueFrom: { fieldRef: { fieldPath: "metadata.name" } } },
          ],
        },
      ],
      volumes: [
        {
          name: "info",
          downwardAPI: {
            items: [
              { path: "cpu", resourceFieldRef: { containerName: "app", resource: "requests.cpu" } },
              { path: "labels", fieldRef: { fieldPath: "metadata.labels" } },
            ],
          },
        },
        {
          name: "proj",
          projected: {
            sources: [
              { downwardAPI: { items: [{ path: "m", resourceFieldRef: { resource: "limits.memory" } }] } },
            ],
          },
        },
      ],
    });
    const env = (spec.containers as JsonObject[])[0]?.env as JsonObject[];
    expect(env[0]).toEqual({
      name: "A",
      valueFrom: { resourceFieldRef: { resource: "limits.cpu", divisor: "0" } },
    });
    expect(env[1]).toEqual({
      name: "B",
      valueFrom: { resourceFieldRef: { resource: "limits.memory", divisor: "1Mi" } },
    });
    // fieldRef.apiVersion is omitempty: Go prints nothing it was not given.
    expect(env[2]).toEqual({ name: "C", valueFrom: { fieldRef: { fieldPath: "metadata.name" } } });
    const volumes = spec.volumes as JsonObject[];
    expect(volumes[0]).toEqual({
      name: "info",
      downwardAPI: {
        items: [
          { path: "cpu", resourceFieldRef: { containerName: "app", resource: "requests.cpu", divisor: "0" } },
          { path: "labels", fieldRef: { fieldPath: "metadata.labels" } },
        ],
      },
    });
    expect(volumes[1]).toMatchObject({
      projected: { sources: [{ downwardAPI: { items: [{ resourceFieldRef: { divisor: "0" } }] } }] },
    });
  });

  it("prints the divisor line where istioctl does", () => {
    const text = kubeYaml(
      pod({
        containers: [
          { name: "a", env: [{ name: "X", valueFrom: { resourceFieldRef: { resource: "limits.cpu" } } }] },
        ],
      }),
    );
    expect(text).toContain(
      '        resourceFieldRef:\n          divisor: "0"\n          resource: limits.cpu\n',
    );
  });
});

describe("quantities printed canonically", () => {
  it("strings and numbers, in resources, divisors, emptyDir limits, overhead and pod resources", () => {
    const spec = printedSpec({
      containers: [
        {
          name: "a",
          resources: { limits: { cpu: 0.5, memory: "1073741824" }, requests: { cpu: "0.1", memory: 1000 } },
          env: [
            { name: "D", valueFrom: { resourceFieldRef: { resource: "limits.memory", divisor: "1024Ki" } } },
          ],
        },
      ],
      initContainers: [{ name: "i", resources: { limits: { cpu: 2 } } }],
      volumes: [{ name: "v", emptyDir: { medium: "Memory", sizeLimit: "1024Mi" } }],
      overhead: { cpu: "250m", memory: 0.5 },
      resources: { limits: { cpu: "1000m" } },
    });
    const [c] = spec.containers as JsonObject[];
    expect(c?.resources).toEqual({
      limits: { cpu: "500m", memory: "1073741824" },
      requests: { cpu: "100m", memory: "1k" },
    });
    expect(c?.env).toEqual([
      { name: "D", valueFrom: { resourceFieldRef: { resource: "limits.memory", divisor: "1Mi" } } },
    ]);
    expect((spec.initContainers as JsonObject[])[0]?.resources).toEqual({ limits: { cpu: "2" } });
    expect((spec.volumes as JsonObject[])[0]).toEqual({
      name: "v",
      emptyDir: { medium: "Memory", sizeLimit: "1Gi" },
    });
    expect(spec.overhead).toEqual({ cpu: "250m", memory: "500m" });
    expect(spec.resources).toEqual({ limits: { cpu: "1" } });
  });

  it("leaves fields it does not describe as they were", () => {
    const spec = printedSpec({
      containers: [{ name: "a" }],
      volumes: [
        { name: "c", configMap: { name: "x", defaultMode: 420 } },
        { name: "e", emptyDir: {} },
      ],
      nodeSelector: { a: "b" },
      tolerations: [{ key: "k", operator: "Exists" }],
    });
    expect(spec.volumes).toEqual([
      { name: "c", configMap: { name: "x", defaultMode: 420 } },
      { name: "e", emptyDir: {} },
    ]);
    expect(spec.nodeSelector).toEqual({ a: "b" });
    expect(spec.tolerations).toEqual([{ key: "k", operator: "Exists" }]);
  });
});

describe("istioctl's output of every release comes back byte for byte", () => {
  // The goldens of the cli leg are istioctl's output (the others are the webhook's).
  const files = ["1.29.6", "1.30.3", "1.31.0-rc.0"].flatMap((r) => {
    const present = new Set(
      readdirSync(sharedPath(`fixtures/istio-releases/${r}/golden`)).map((f) => `golden/${f}`),
    );
    const cases = readSharedJson<{ legs: string[]; golden: string }[]>(
      `fixtures/istio-releases/${r}`,
      "cases.json",
    );
    const cli = cases.filter((c) => c.legs.includes("cli") && present.has(c.golden));
    return [...new Set(cli.map((c) => `fixtures/istio-releases/${r}/${c.golden}`))];
  });
  const docs = files.flatMap((f) =>
    readShared(f)
      .split(/^---\n/m)
      .filter((text) => text.trim() !== "")
      .map((text, i) => ({ name: `${f}#${i + 1}`, text, doc: parse(text) as JsonObject }))
      .filter(({ doc }) => doc !== null && (doc.kind === "List" || isWorkloadKind(doc.kind))),
  );
  it("covers the release goldens", () => {
    expect(docs.length).toBeGreaterThan(150);
  });
  it.each(docs.map((d) => [d.name, d] as const))("%s", (_name, { text, doc }) => {
    expect(kubeYaml(doc)).toBe(text);
  });
});
