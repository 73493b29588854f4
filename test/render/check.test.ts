import { describe, expect, it } from "vitest";
import { loadEngine } from "../../core/engine.ts";
import { injectPod } from "../../core/inject/pod.ts";
import type { JsonObject } from "../../core/json.ts";
import { checkTemplates, isRenderCheckFailure } from "../../core/render/check.ts";
import { buildTemplateData } from "../../core/render/data.ts";
import { probePods } from "../../core/render/probe-pods.ts";
import { RENDER_LIMITS } from "../../core/render/template.ts";

/**
 * The render check a config passes before it serves (core/render/check.ts) and the per-render
 * budget (core/render/template.ts) that bounds every admission with the same limits.
 */

const BIG = Array.from({ length: 400 }, (_, i) => i);

/** A config whose default templates are the sidecar and `custom`, with a 400-item list in its values. */
function configWith(custom: string, extra: Record<string, string> = {}): string {
  return JSON.stringify({
    templates: { custom, ...extra },
    defaultTemplates: ["sidecar", "custom"],
    values: { big: BIG },
  });
}

/** Loads strictly (a reload) and expects a refusal from the render check naming the template. */
function refused(text: string, name = "custom"): string {
  const engine = loadEngine(text);
  if (engine.ok) throw new Error(`accepted a config that should fail the render check`);
  expect(isRenderCheckFailure(engine.error)).toBe(true);
  expect(engine.error).toContain(`templates.${name}: fails the render check on the `);
  return engine.error;
}

const HBS_NESTED =
  "{{#each Values.big}}{{#each @root.Values.big}}{{#each @root.Values.big}}x{{/each}}{{/each}}{{/each}}";
const GO_NESTED =
  "{{ range .Values.big }}{{ range $.Values.big }}{{ range $.Values.big }}x{{ end }}{{ end }}{{ end }}";

describe("render check at config load", () => {
  it("accepts the built-in config: every template renders a mapping for every probe pod", () => {
    const engine = loadEngine("");
    if (!engine.ok) throw new Error(engine.error);
    expect(engine.value.broken.size).toBe(0);
    expect(checkTemplates(engine.value.config, engine.value.templates).size).toBe(0);
  });

  it("builds the four probe pods in code, each a Pod with containers", () => {
    const pods = probePods();
    expect(pods.map((p) => p.name)).toEqual(["plain", "native sidecar", "gateway", "annotated"]);
    for (const p of pods)
      expect(((p.pod.spec as JsonObject).containers as unknown[]).length).toBeGreaterThan(0);
  });

  it("refuses a Handlebars #each without an argument", () => {
    expect(refused(configWith("metadata:\n{{#each}}  a: b\n{{/each}}"))).toContain(
      "Must pass iterator to #each",
    );
  });

  it("refuses indent with a huge count before building the string, in both syntaxes", () => {
    const hbs = refused(configWith('metadata:\n  labels: {{indent 999999999999 "a\nb"}}\n'));
    expect(hbs).toMatch(/indent 999999999999 would produce \d+ bytes, above the limit/);
    const go = refused(
      configWith(
        'metadata:\n  labels:\n    a: {{ printf "x\\ny%s" .ObjectMeta.Name | indent 999999999999 | quote }}\n',
      ),
    );
    expect(go).toMatch(/indent 999999999999 would produce \d+ bytes, above the output limit/);
  });

  it("refuses templates that render a list or a scalar instead of a mapping, in both syntaxes", () => {
    expect(refused(configWith("- a\n- b\n"))).toContain("must render a mapping");
    expect(refused(configWith('{{ "just text" }}\n'))).toContain("must render a mapping");
    expect(refused(configWith("{{ range .Values.big }}- {{ . }}\n{{ end }}"))).toContain(
      "must render a mapping",
    );
  });

  it("refuses nested loops over a 400-item list within the budget, in both syntaxes", () => {
    for (const [syntax, text] of [
      ["handlebars", HBS_NESTED],
      ["go", GO_NESTED],
    ]) {
      const error = refused(configWith(`metadata: {}\n${text}`));
      // Handlebars charges nested output once per level, so its output budget may run out first; on
      // a slow or busy machine the time budget may be the one that stops it.
      expect(error, syntax).toMatch(
        /exceeded the limit of \d+ (render|execution) steps|output exceeds the limit|exceeded the render time limit/,
      );
    }
  });

  it("refuses output over the budget (Handlebars and Go)", () => {
    const bigHbs = `metadata:\n  annotations:\n    a: "{{#each Values.big}}{{#each @root.Values.big}}{{{@root.Values.pad}}}{{/each}}{{/each}}"\n`;
    const text = JSON.stringify({
      templates: { custom: bigHbs },
      defaultTemplates: ["sidecar", "custom"],
      values: { big: BIG, pad: "y".repeat(100) },
    });
    expect(refused(text)).toContain(`output exceeds the limit of ${RENDER_LIMITS.maxOutputBytes} bytes`);
    const go = JSON.stringify({
      templates: {
        custom: `metadata: {}\n{{ range .Values.big }}{{ range $.Values.big }}{{ $.Values.pad }}{{ end }}{{ end }}`,
      },
      defaultTemplates: ["sidecar", "custom"],
      values: { big: BIG, pad: "y".repeat(100) },
    });
    expect(refused(go)).toContain(`output exceeds the limit of ${RENDER_LIMITS.maxOutputBytes} bytes`);
  });

  it("at a cold start (partial), keeps the templates that pass and denies pods that need the failing one", () => {
    const engine = loadEngine(configWith("- a\n"), { partial: true });
    if (!engine.ok) throw new Error(engine.error);
    expect([...engine.value.templates.keys()]).toContain("sidecar");
    expect(engine.value.broken.get("custom")).toContain("must render a mapping");
    const pod = probePods()[0]?.pod as JsonObject;
    const injected = injectPod(pod, { ...engine.value, pathEnvs: {} });
    expect(injected.ok ? "injected" : injected.error).toContain("templates.custom: fails the render check");
  });

  it("holds back a failing template that pods must ask for, without refusing the config", () => {
    // Like Istio's waypoint and kube-gateway templates: not pod templates, carried in the same ConfigMap.
    const text = JSON.stringify({
      templates: { deployment: "metadata:\n  name: {{ .ServiceAccount }}\n" },
    });
    const engine = loadEngine(text);
    if (!engine.ok) throw new Error(engine.error);
    expect(engine.value.templates.has("deployment")).toBe(false);
    expect(engine.value.broken.get("deployment")).toContain("can't evaluate field ServiceAccount");
    expect(engine.value.templates.has("sidecar")).toBe(true);
  });
});

describe("render budget per admission", () => {
  /** A template that passes the check (the probe pods have at most two containers) but not a 400-container pod. */
  const perContainer = (nested: string) =>
    JSON.stringify({
      templates: { custom: `metadata: {}\n${nested}` },
      defaultTemplates: ["sidecar", "custom"],
    });
  const heavyPod = (): JsonObject => {
    const pod = structuredClone(probePods()[0]?.pod) as JsonObject;
    (pod.spec as JsonObject).containers = BIG.map((i) => ({ name: `c${i}`, image: "app" }));
    return pod;
  };

  for (const [syntax, nested] of [
    [
      "handlebars",
      "{{#each Spec.containers}}{{#each @root.Spec.containers}}{{#each @root.Spec.containers}}{{/each}}{{/each}}{{/each}}",
    ],
    [
      "go",
      "{{ range .Spec.Containers }}{{ range $.Spec.Containers }}{{ range $.Spec.Containers }}{{ end }}{{ end }}{{ end }}",
    ],
  ]) {
    it(`denies a heavy pod promptly instead of stalling (${syntax})`, () => {
      const engine = loadEngine(perContainer(nested as string));
      if (!engine.ok) throw new Error(engine.error);
      const injected = injectPod(heavyPod(), { ...engine.value, pathEnvs: {} });
      // The step budget stops it; on a slow or busy machine the time budget may stop it first.
      expect(injected.ok ? "injected" : injected.error).toMatch(
        /exceeded the limit of \d+ (render|execution) steps|exceeded the render time limit/,
      );
    });
  }

  it("an explicit budget overrides the admission budget, and a render within it succeeds", () => {
    const engine = loadEngine("");
    if (!engine.ok) throw new Error(engine.error);
    const sidecar = engine.value.templates.get("sidecar");
    const data = buildTemplateData({
      pod: probePods()[0]?.pod as JsonObject,
      config: engine.value.config,
      pathEnvs: {},
    });
    if (!sidecar || !data.ok) throw new Error("no sidecar");
    expect(sidecar.render(data.value).ok).toBe(true);
    const tight = sidecar.render(data.value, { ...RENDER_LIMITS, maxSteps: 10 });
    expect(tight.ok ? "rendered" : tight.error).toContain("exceeded the limit of 10 render steps");
    const small = sidecar.render(data.value, { ...RENDER_LIMITS, maxOutputBytes: 1000 });
    expect(small.ok ? "rendered" : small.error).toContain("output exceeds the limit of 1000 bytes");
    const slow = sidecar.render(data.value, { ...RENDER_LIMITS, maxMillis: -1 });
    // The clock is read every 256 steps; the sidecar takes fewer, so a time budget needs a longer render.
    expect(slow.ok).toBe(true);
  });

  it("stops a long Handlebars render on the time budget", () => {
    const engine = loadEngine(
      perContainer("{{#each Spec.containers}}{{#each @root.Spec.containers}}{{/each}}{{/each}}"),
    );
    if (!engine.ok) throw new Error(engine.error);
    const custom = engine.value.templates.get("custom");
    const data = buildTemplateData({ pod: heavyPod(), config: engine.value.config, pathEnvs: {} });
    if (!custom || !data.ok) throw new Error("no template");
    expect(custom.render(data.value).ok).toBe(true);
    const out = custom.render(data.value, { ...RENDER_LIMITS, maxMillis: 0 });
    expect(out.ok ? "rendered" : out.error).toContain("exceeded the render time limit of 0 ms");
  });
});
