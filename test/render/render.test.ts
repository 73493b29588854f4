import { describe, expect, it } from "vitest";
import { defaultEngine } from "../../core/engine.ts";
import { injectPod } from "../../core/inject/pod.ts";
import type { JsonObject } from "../../core/json.ts";
import { ok } from "../../core/json.ts";
import type { TemplateData } from "../../core/render/data.ts";
import { renderKey, renderTemplate } from "../../core/render/render.ts";
import type { Template } from "../../core/render/template.ts";

/** A template that counts its runs and renders its data's `n`. */
function counting(): { fn: Template; runs: () => number } {
  let runs = 0;
  const fn: Template = {
    syntax: "handlebars",
    render(data) {
      runs += 1;
      return ok(`metadata:\n  labels:\n    n: "${(data as unknown as { n: number }).n}"\n`);
    },
  };
  return { fn, runs: () => runs };
}

const n = (x: number) => ({ n: x }) as unknown as TemplateData;

const value = (r: ReturnType<typeof renderTemplate>) => {
  if (!r.ok) throw new Error(r.error);
  return r.value;
};

describe("renderTemplate's memory of renders", () => {
  it("runs the template once for the same inputs, and gives each caller its own copy", () => {
    const { fn, runs } = counting();
    const memo = { templates: {}, config: {}, inputs: renderKey([{ n: 1 }]) };
    const a = value(renderTemplate("t", fn, n(1), memo));
    const b = value(renderTemplate("t", fn, n(1), memo));
    expect(runs()).toBe(1);
    expect(b).toEqual(a);
    (a.metadata as JsonObject).labels = {};
    expect(value(renderTemplate("t", fn, n(1), memo))).toEqual(b);
  });

  it("runs it again for other inputs, another config or other templates, or without a memo", () => {
    const { fn, runs } = counting();
    const templates = {};
    const config = {};
    renderTemplate("t", fn, n(1), { templates, config, inputs: renderKey([1]) });
    const other = value(renderTemplate("t", fn, n(2), { templates, config, inputs: renderKey([2]) }));
    expect(other).toEqual({ metadata: { labels: { n: "2" } } });
    renderTemplate("t", fn, n(1), { templates, config: {}, inputs: renderKey([1]) });
    renderTemplate("t", fn, n(1), { templates: {}, config, inputs: renderKey([1]) });
    renderTemplate("t", fn, n(1));
    expect(runs()).toBe(5);
  });

  it("keeps the memory bounded: the oldest input is forgotten first", () => {
    const { fn, runs } = counting();
    const scope = { templates: {}, config: {} };
    for (let i = 0; i < 300; i++) renderTemplate("t", fn, n(i), { ...scope, inputs: renderKey([i]) });
    renderTemplate("t", fn, n(299), { ...scope, inputs: renderKey([299]) });
    expect(runs()).toBe(300);
    renderTemplate("t", fn, n(0), { ...scope, inputs: renderKey([0]) });
    expect(runs()).toBe(301);
  });
});

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
