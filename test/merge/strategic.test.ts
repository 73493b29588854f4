import { describe, expect, it } from "vitest";
import type { Json } from "../../core/json.ts";
import { strategicMerge as merge } from "../../core/merge/strategic.ts";

// Test literals are plain objects; the merge takes JSON.
const strategicMerge = (a: unknown, b: unknown) => merge(a as Json, b as Json);

describe("strategic merge of pod fields", () => {
  it("puts template containers first, then the pod's own, merging the ones with the same name", () => {
    const pod = {
      spec: {
        containers: [
          { name: "istio-proxy", image: "user" },
          { name: "app", image: "a" },
        ],
      },
    };
    const template = {
      spec: { containers: [{ name: "istio-proxy", image: "proxy", args: ["x"] }, { name: "new" }] },
    };
    expect(strategicMerge(pod, template)).toEqual({
      spec: {
        containers: [
          { name: "istio-proxy", image: "proxy", args: ["x"] },
          { name: "new" },
          { name: "app", image: "a" },
        ],
      },
    });
  });

  it("weaves the pod's own items in by their original position, as Kubernetes' mergeSortedSlice", () => {
    // A pod item that stood before a merged item stays before it (Istio golden merge-probers: a
    // re-injected proxy keeps the user's JWT_POLICY first and the new ISTIO_CPU_LIMIT in template order).
    const pod = {
      spec: {
        containers: [
          { name: "app", image: "a" },
          { name: "istio-proxy", image: "user" },
        ],
      },
    };
    const template = {
      spec: { containers: [{ name: "istio-proxy", image: "proxy", args: ["x"] }, { name: "new" }] },
    };
    expect(strategicMerge(pod, template)).toEqual({
      spec: {
        containers: [
          { name: "app", image: "a" },
          { name: "istio-proxy", image: "proxy", args: ["x"] },
          { name: "new" },
        ],
      },
    });
    const env = (names: string[]) => names.map((name) => ({ name, value: name }));
    const merged = strategicMerge(
      { spec: { containers: [{ name: "p", env: env(["JWT", "A", "B", "PROBERS"]) }] } },
      { spec: { containers: [{ name: "p", env: env(["A", "CPU", "B", "MEM"]) }] } },
    ) as { spec: { containers: { env: { name: string }[] }[] } };
    expect(merged.spec.containers[0]?.env.map((e) => e.name)).toEqual([
      "JWT",
      "A",
      "CPU",
      "B",
      "MEM",
      "PROBERS",
    ]);
  });

  it("merges env by name, volumeMounts by mountPath and ports by containerPort", () => {
    const pod = {
      spec: {
        containers: [
          {
            name: "c",
            env: [{ name: "A", value: "1" }],
            volumeMounts: [{ name: "v", mountPath: "/a" }],
            ports: [{ containerPort: 80, name: "http" }],
          },
        ],
      },
    };
    const template = {
      spec: {
        containers: [
          {
            name: "c",
            env: [
              { name: "A", value: "2" },
              { name: "B", value: "3" },
            ],
            volumeMounts: [{ name: "w", mountPath: "/a" }],
            ports: [{ containerPort: 80, protocol: "TCP" }],
          },
        ],
      },
    };
    expect(strategicMerge(pod, template)).toEqual({
      spec: {
        containers: [
          {
            name: "c",
            env: [
              { name: "A", value: "2" },
              { name: "B", value: "3" },
            ],
            volumeMounts: [{ name: "w", mountPath: "/a" }],
            ports: [{ containerPort: 80, name: "http", protocol: "TCP" }],
          },
        ],
      },
    });
  });

  it("replaces lists that have no merge key, and deletes keys set to null", () => {
    const pod = { spec: { containers: [{ name: "c", args: ["a", "b"], command: ["x"] }] } };
    const template = { spec: { containers: [{ name: "c", args: ["z"], command: null }] } };
    expect(strategicMerge(pod, template)).toEqual({ spec: { containers: [{ name: "c", args: ["z"] }] } });
  });

  it("honours $patch: replace on a map and on a list, and $patch: delete on a list item", () => {
    const pod = {
      metadata: { labels: { a: "1", b: "2" } },
      spec: { volumes: [{ name: "keep" }, { name: "drop" }], containers: [{ name: "x" }, { name: "y" }] },
    };
    const template = {
      metadata: { labels: { $patch: "replace", c: "3" } },
      spec: {
        volumes: [{ name: "drop", $patch: "delete" }],
        containers: [{ $patch: "replace" }, { name: "only" }],
      },
    };
    expect(strategicMerge(pod, template)).toEqual({
      metadata: { labels: { c: "3" } },
      spec: { volumes: [{ name: "keep" }], containers: [{ name: "only" }] },
    });
  });

  it("does not modify its inputs", () => {
    const pod = { spec: { containers: [{ name: "a", env: [{ name: "X", value: "1" }] }] } };
    const template = { spec: { containers: [{ name: "a", env: [{ name: "X", value: "2" }] }] } };
    const before = structuredClone(pod);
    strategicMerge(pod, template);
    expect(pod).toEqual(before);
  });
});

describe("clone", () => {
  it("copies deeply and keeps a __proto__ key as data", async () => {
    const { clone } = await import("../../core/json.ts");
    const src = JSON.parse('{"a":{"b":[1,{"c":2}]},"__proto__":{"polluted":true}}');
    const copy = clone(src);
    expect(copy).toEqual(src);
    expect(copy.a).not.toBe(src.a);
    expect(Object.getPrototypeOf(copy)).toBe(Object.prototype);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(Object.keys(copy)).toContain("__proto__");
  });
});
