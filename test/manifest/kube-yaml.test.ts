import { readdirSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { parse, parseAllDocuments } from "yaml";
import type { JsonObject } from "../../core/json.ts";
import { kubeYaml, yamlText } from "../../core/manifest/kube-yaml.ts";
import { isWorkloadKind } from "../../core/manifest/workloads.ts";
import { readShared, sharedPath } from "../helpers/fixtures.ts";
import { istioCases } from "../helpers/istio-cases.ts";

describe("kubeYaml prints what istioctl prints", () => {
  // The goldens of the cli leg are istioctl's output: each injected document, parsed and printed
  // again, must come back byte for byte (other kinds pass through istioctl as written).
  const present = new Set(readdirSync(sharedPath("fixtures/istio/golden")).map((f) => `golden/${f}`));
  const goldens = [
    ...new Set(
      istioCases()
        .filter((c) => c.legs.includes("cli") && present.has(c.golden))
        .map((c) => c.golden),
    ),
  ];
  const docs = goldens.flatMap((f) =>
    readShared("fixtures/istio", f)
      .split(/^---\n/m)
      .filter((text) => text.trim() !== "")
      .map((text, i) => ({ name: `${f}#${i + 1}`, text, doc: parse(text) as JsonObject }))
      .filter(({ doc }) => doc.kind === "List" || isWorkloadKind(doc.kind)),
  );

  it("covers the corpus", () => {
    expect(docs.length).toBeGreaterThan(80);
  });

  it.each(docs.map((d) => [d.name, d] as const))("%s", (_name, { text, doc }) => {
    expect(kubeYaml(doc)).toBe(text);
  });
});

describe("the typed round trip", () => {
  it("adds the struct fields and counters Go always prints, and drops omitempty zeros and null metadata", () => {
    const out = kubeYaml({
      apiVersion: "apps/v1",
      kind: "StatefulSet",
      metadata: { name: "s", creationTimestamp: null },
      spec: {
        minReadySeconds: 0,
        template: {
          spec: {
            containers: [
              { name: "a", image: "i", resources: { limits: { cpu: "2000m", memory: "1024Mi" } } },
            ],
          },
        },
      },
    });
    expect(parse(out)).toEqual({
      apiVersion: "apps/v1",
      kind: "StatefulSet",
      metadata: { name: "s" },
      spec: {
        template: {
          metadata: {},
          spec: {
            containers: [{ image: "i", name: "a", resources: { limits: { cpu: "2", memory: "1Gi" } } }],
          },
        },
        updateStrategy: {},
      },
      status: { availableReplicas: 0, replicas: 0 },
    });
  });
});

describe("go-yaml's quoting", () => {
  const line = (s: string) => yamlText({ k: s }).trimEnd();
  it.each([
    ["15001", 'k: "15001"'],
    ["true", 'k: "true"'],
    ["on", 'k: "on"'],
    ["", 'k: ""'],
    ["1.5", 'k: "1.5"'],
    ["1:20", 'k: "1:20"'],
    ["2026-11-23", 'k: "2026-11-23"'],
    ["*", "k: '*'"],
    ['{"a":1}', `k: '{"a":1}'`],
    ["15090,15021,15020", "k: 15090,15021,15020"],
    ["$(POD_NAMESPACE).svc", "k: $(POD_NAMESPACE).svc"],
  ])("%j", (value, expected) => {
    expect(line(value)).toBe(expected);
    expect(parse(line(value)).k).toBe(value);
  });

  it("multi-line strings are literal blocks", () => {
    expect(yamlText({ k: "a\nb\n" })).toBe("k: |\n  a\n  b\n");
    expect(yamlText({ k: "a\nb" })).toBe("k: |-\n  a\n  b\n");
  });

  it("sorts keys and does not indent sequences under their key", () => {
    expect(yamlText({ b: [1, { d: 1, c: 2 }], a: 1 })).toBe("a: 1\nb:\n- 1\n- c: 2\n  d: 1\n");
  });

  it("keeps duplicate values as values, never anchors", () => {
    const shared = { x: 1 };
    expect(parseAllDocuments(yamlText({ a: shared, b: shared }))[0]?.toString()).not.toContain("&");
  });
});
