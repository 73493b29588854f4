import { describe, expect, it } from "vitest";
import { defaultEngine } from "../../core/engine.ts";
import { injectPod } from "../../core/inject/pod.ts";
import type { JsonObject } from "../../core/json.ts";

describe("injection with the memory", () => {
  const engine = defaultEngine();
  const pod = (app: string): JsonObject => ({
    apiVersion: "v1",
    kind: "Pod",
    metadata: { name: app, namespace: "shop", labels: { app } },
    spec: { containers: [{ name: app, image: "nginx" }] },
  });
  const inject = (p: JsonObject, config = engine.config) => {
    const r = injectPod(p, { config, templates: engine.templates, pathEnvs: {} });
    if (!r.ok) throw new Error(r.error);
    return r.value.pod;
  };

  it("a repeated pod gets the same injection as the first time; a different one its own", () => {
    const first = inject(pod("web"));
    expect(inject(pod("web"))).toEqual(first);
    const other = inject(pod("api"));
    expect(JSON.stringify(other)).toContain('"service.istio.io/canonical-name":"api"');
    expect(JSON.stringify(other)).not.toContain('"web"');
  });

  it("the same pod under another config is rendered with that config", () => {
    const values = {
      ...engine.config.values,
      global: { ...(engine.config.values.global as JsonObject), hub: "example.com/other" },
    };
    const injected = inject(pod("web"), { ...engine.config, values });
    expect(JSON.stringify(injected)).toContain("example.com/other/proxyv2");
  });
});
