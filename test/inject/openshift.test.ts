import { describe, expect, it } from "vitest";
import type { Config } from "../../core/config/types.ts";
import { parseBlock, proxyIds, resetProxyUserMatchingApp } from "../../core/inject/openshift.ts";
import type { JsonObject } from "../../core/json.ts";

const config = (platform: string, annotations: Record<string, string>) =>
  ({
    features: { PLATFORM: platform },
    namespaces: { ns: { labels: {}, annotations } },
  }) as unknown as Config;

describe("OpenShift proxy ids", () => {
  it("parses OpenShift's block notations", () => {
    expect(parseBlock("1000620000/10000")).toEqual([1000620000, 1000629999]);
    expect(parseBlock("100-200")).toEqual([100, 200]);
    expect(parseBlock("x")).toBeUndefined();
  });

  it("takes the top of the uid range and of the first supplemental-groups block", () => {
    const c = config("openshift", {
      "openshift.io/sa.scc.uid-range": "1000620000/10000",
      "openshift.io/sa.scc.supplemental-groups": "5000/10,9000/10",
    });
    expect(proxyIds(c, "ns")).toEqual({ uid: 1000629999, gid: 5009 });
  });

  it("falls back to the uid range for the group, and to 1337 without annotations or off OpenShift", () => {
    const ranges = { "openshift.io/sa.scc.uid-range": "1000620000/10000" };
    expect(proxyIds(config("openshift", ranges), "ns")).toEqual({ uid: 1000629999, gid: 1000629999 });
    expect(proxyIds(config("openshift", ranges), "elsewhere")).toEqual({ uid: 1337, gid: 1337 });
    expect(proxyIds(config("", ranges), "ns")).toEqual({ uid: 1337, gid: 1337 });
  });

  it("drops a proxy runAsUser that OpenShift stamped from the app's, and keeps a chosen one", () => {
    const pod = (proxyUser: number): JsonObject => ({
      spec: {
        containers: [
          { name: "app", securityContext: { runAsUser: 1000620000 } },
          {
            name: "istio-proxy",
            securityContext: { runAsUser: proxyUser, runAsGroup: 5, readOnlyRootFilesystem: false },
          },
        ],
      },
    });
    const reset = resetProxyUserMatchingApp(pod(1000620000)) as { spec: { containers: JsonObject[] } };
    expect(reset.spec.containers[1]?.securityContext).toEqual({ readOnlyRootFilesystem: false });
    const kept = pod(42);
    expect(resetProxyUserMatchingApp(kept)).toBe(kept);
  });
});
