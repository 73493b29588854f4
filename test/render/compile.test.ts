import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { compileTemplate, yamlScalar } from "../../core/render/compile.ts";

function render(text: string, data: unknown): unknown {
  const fn = compileTemplate("t", text);
  if (!fn.ok) throw new Error(fn.error);
  return parse(fn.value(data));
}

describe("template compilation", () => {
  it("emits every {{expr}} as one scalar, so no value can add structure", () => {
    const hostile = '100m"\n  - name: injected\n    image: "busybox';
    const out = render("containers:\n- name: app\n  cpu: {{v}}\n", { v: hostile });
    expect(out).toEqual({ containers: [{ name: "app", cpu: hostile }] });
  });

  it("keeps the value's type: numbers, booleans, null, lists and maps", () => {
    const out = render("a: {{n}}\nb: {{t}}\nc: {{missing}}\nd: {{items}}\ne: {{map}}\n", {
      n: 1337,
      t: true,
      items: ["x", "y"],
      map: { k: "v: w" },
    });
    expect(out).toEqual({ a: 1337, b: true, c: null, d: ["x", "y"], e: { k: "v: w" } });
  });

  it("escapes characters YAML does not allow raw, and line separators", () => {
    const nasty = "a\u0085b\u2028c\u007fd\ufeffe\u0000f";
    expect(render("v: {{s}}\n", { s: nasty })).toEqual({ v: nasty });
    for (const c of ["\u0085", "\u2028", "\u007f", "\ufeff", "\u0000"])
      expect(yamlScalar(nasty)).not.toContain(c);
  });

  it("quotes inside inline partials and partial blocks too", () => {
    const text = '{{#*inline "p"}}v: {{x}}\n{{/inline}}{{> p}}';
    expect(render(text, { x: "a\nb: c" })).toEqual({ v: "a\nb: c" });
  });

  it("leaves {{{expr}}} raw for trusted YAML the template author means to insert", () => {
    expect(render("{{{block}}}\n", { block: "a: 1\nb: 2" })).toEqual({ a: 1, b: 2 });
  });

  it("quotes the result of helper calls too", () => {
    const fn = compileTemplate("t", "v: {{lookup m k}}\n");
    expect(fn.ok).toBe(true);
    if (fn.ok) expect(parse(fn.value({ m: { "a.b/c": "x\ny: z" }, k: "a.b/c" }))).toEqual({ v: "x\ny: z" });
  });

  it("reports a syntax error at compile time, naming the template", () => {
    const fn = compileTemplate("mine", "a: {{#if x}}\n");
    expect(fn.ok).toBe(false);
    if (!fn.ok) expect(fn.error).toMatch(/^template "mine": /);
  });

  it("does not let templates reach prototypes", () => {
    const out = render("v: {{constructor.name}}\nw: {{__proto__}}\n", {});
    expect(out).toEqual({ v: null, w: null });
  });
});

describe("document parsing", () => {
  it("refuses a YAML alias that contains itself, and alias bombs", async () => {
    const { parseDocument } = await import("../../core/document/yaml.ts");
    expect(parseDocument("a: &x [*x]").ok).toBe(false);
    const bomb = [
      "a: &a [x, x, x, x, x, x, x, x, x]",
      ...Array.from(
        { length: 8 },
        (_, i) =>
          `${"bcdefghi"[i]}: &${"bcdefghi"[i]} [${Array(9)
            .fill(`*${i === 0 ? "a" : "bcdefghi"[i - 1]}`)
            .join(", ")}]`,
      ),
    ].join("\n");
    expect(parseDocument(bomb).ok).toBe(false);
    expect(parseDocument(`${"[".repeat(100000)}${"]".repeat(100000)}`).ok).toBe(false);
    expect(parseDocument("a: &x {b: 1}\nc: *x\n")).toEqual({ ok: true, value: { a: { b: 1 }, c: { b: 1 } } });
  });
});

describe("precompiled built-in templates", () => {
  it("render exactly as the same template compiled at run time", async () => {
    const { builtinTemplates } = await import("../../core/templates/index.ts");
    const { precompiledFor } = await import("../../core/render/precompiled.ts");
    const { buildTemplateData } = await import("../../core/render/data.ts");
    const { defaultEngine } = await import("../../core/engine.ts");
    const config = defaultEngine().config;
    const pod = {
      metadata: { name: "p", namespace: "ns", labels: { app: "a" }, annotations: {} },
      spec: { containers: [{ name: "a", image: "a", ports: [{ containerPort: 80 }] }] },
    };
    const data = buildTemplateData({ pod, config, pathEnvs: {} });
    if (!data.ok) throw new Error(data.error);
    for (const [name, text] of Object.entries(builtinTemplates)) {
      expect(precompiledFor(text), name).toBeDefined();
      const pre = compileTemplate(name, text);
      // One trailing newline more: a different text, so this one is compiled here and now.
      const live = compileTemplate(name, `${text}\n`);
      if (!pre.ok || !live.ok) throw new Error("compile failed");
      expect(`${pre.value(data.value)}\n`).toBe(live.value(data.value));
    }
  });
});
