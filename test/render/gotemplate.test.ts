import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { compileTemplate, templateSyntax } from "../../core/render/compile.ts";
import { jsonName } from "../../core/render/gohelpers.ts";
import { builtinTemplates } from "../../core/templates/index.ts";
import { readShared } from "../helpers/fixtures.ts";

// Istio custom templates are Go text/template; Outrigger translates the subset users write.

function render(text: string, data: unknown): string {
  const t = compileTemplate("t", text);
  if (!t.ok) throw new Error(t.error);
  return t.value(data);
}

const yaml = (text: string, data: unknown) => parse(render(text, data));

const pod = (over: Record<string, unknown> = {}) => ({
  ObjectMeta: { annotations: {}, labels: {}, ...over },
  Spec: { containers: [{ name: "hello", ports: [{ containerPort: 80 }] }, { name: "world" }] },
  Values: { global: { hub: "docker.io/istio", proxy: { statusPort: 15020 } }, pilot: { env: { X: true } } },
  ProxyConfig: {
    interceptionMode: "REDIRECT",
    holdApplicationUntilProxyStarts: true,
    tracing: { sampling: 5 },
  },
  DeploymentMeta: { name: "hello", namespace: "ns" },
  TypeMeta: { kind: "Deployment", apiVersion: "apps/v1" },
});

describe("Go template detection", () => {
  it("tells Istio's Go templates from Outrigger's Handlebars ones", () => {
    expect(templateSyntax(readShared("fixtures/istio/templates/custom.tmpl"))).toBe("go");
    for (const [name, text] of Object.entries(builtinTemplates))
      expect([name, templateSyntax(text)]).toEqual([name, "handlebars"]);
    expect(templateSyntax("a: {{ .Values.x }}")).toBe("go");
    expect(templateSyntax("a: {{Values.x}}")).toBe("handlebars");
    expect(templateSyntax("spec:\n  volumes: []\n")).toBe("handlebars");
  });

  it("maps Go field names to JSON names", () => {
    expect(["Name", "APIVersion", "UID", "DNSPolicy", "ServiceAccountName", "HostIP"].map(jsonName)).toEqual([
      "name",
      "apiVersion",
      "uid",
      "dnsPolicy",
      "serviceAccountName",
      "hostIP",
    ]);
  });
});

describe("Go template language", () => {
  it("ranges over containers with variables, trims with {{- -}}, and reads Go field names", () => {
    const text = readShared("fixtures/istio/templates/custom.tmpl");
    const out = yaml(text, pod());
    expect(out.spec.containers.map((c: { name: string }) => c.name)).toEqual(["hello", "world"]);
    expect(out.spec.containers[0].env[0]).toEqual({ name: "SOME_ENV", value: "true" });
    expect(out.metadata.annotations.foo).toBe("bar");
  });

  it("has if / else if / else, with, $, pipelines and parenthesised field access", () => {
    const text = [
      'a: {{ if eq .TypeMeta.Kind `Pod` }}pod{{ else if eq .TypeMeta.Kind "Deployment" }}deploy{{ else }}other{{ end }}',
      "b: {{ with .DeploymentMeta.Namespace }}{{ . }}{{ end }}",
      "c: {{ with .DeploymentMeta.Missing }}{{ . }}{{ else }}none{{ end }}",
      "d: {{ (.Values.pilot.env).X }}",
      'e: {{ .ObjectMeta.Labels.app | default "fallback" | quote }}',
      "f: {{ range $i, $c := .Spec.Containers }}{{ $.DeploymentMeta.Name }}-{{ $i }}-{{ $c.Name }} {{ end }}",
      "g: {{ .ProxyConfig.InterceptionMode.String }}",
      "h: {{ .ProxyConfig.HoldApplicationUntilProxyStarts.GetValue }}",
      "i: {{ .ProxyConfig.GetTracing.GetSampling }}",
      'j: {{ printf "%s.svc" .Values.global.hub }}',
    ].join("\n");
    expect(yaml(text, pod())).toEqual({
      a: "deploy",
      b: "ns",
      c: "none",
      d: true,
      e: "fallback",
      f: "hello-0-hello hello-1-world",
      g: "REDIRECT",
      h: true,
      i: 5,
      j: "docker.io/istio.svc",
    });
  });

  it("ranges over maps in key order, and over integers", () => {
    const text =
      '{{- range $k, $v := .M }}\n{{ $k }}: {{ $v }}\n{{- end }}\nn: "{{ range 3 }}{{ . }}{{ end }}"';
    expect(render(text, { M: { b: "2", a: "1" } })).toBe('\na: 1\nb: 2\nn: "012"');
  });

  it("keeps variables assigned inside a loop (Istio's $containers and $first idioms)", () => {
    const text = [
      "{{- $names := list }}",
      "{{- range .Spec.Containers }}{{ if ne .Name `world` }}{{ $names = append $names .Name }}{{ end }}{{ end }}",
      'names: "{{ $names | join `,` }}"',
      "{{- $first := true }}",
      "ports: |-",
      "  [",
      "  {{- range $c := .Spec.Containers }}{{ range $p := $c.Ports }}",
      "  {{ if not $first }},{{ end }}{{ $p.ContainerPort }}",
      "  {{- $first = false }}{{ end }}{{ end }}",
      "  ]",
    ].join("\n");
    expect(yaml(text, pod())).toEqual({ names: "hello", ports: "[\n80\n]" });
  });

  it("keeps Go's whitespace (no Handlebars standalone-line stripping)", () => {
    expect(render("a:\n  {{ if true }}\n  b: 1\n  {{ end }}\n", {})).toBe("a:\n  \n  b: 1\n  \n");
  });

  it("refuses what it does not translate, naming the line", () => {
    const bad = (t: string) => {
      const r = compileTemplate("t", t);
      return r.ok ? "compiled" : r.error;
    };
    expect(bad('{{- define "x" }}a{{ end }}\n{{ template "x" . }}')).toMatch(
      /line 1: .*define.*not supported/,
    );
    expect(bad("a: {{ .X | nosuchfunc }}")).toMatch(/function "nosuchfunc" not defined/);
    expect(bad("{{- if .X }}\na: b\n")).toMatch(/missing \{\{end\}\}/);
  });
});

describe("Go template output safety (the one-value rule for Go syntax)", () => {
  const hostile = 'x"\n  - name: injected\n    image: evil\n# ';
  const data = { V: hostile, Colon: "a: b", Plain: "istio-proxy", Num: 7 };

  it("writes a whole plain scalar as one scalar: plain when safe, quoted otherwise", () => {
    const out = yaml("a: {{ .Plain }}\nb: {{ .V }}\nc: {{ .Colon }}\nd: {{ .Num }}\n", data);
    expect(out).toEqual({ a: "istio-proxy", b: hostile, c: "a: b", d: 7 });
  });

  it("never lets a value end the YAML document", () => {
    expect(yaml("a: 1\n{{ .D }}: 2\nb: 3\n", { D: "..." })).toEqual({ a: 1, "...": 2, b: 3 });
    expect(yaml("a: {{ .D }}\nb: 1\n", { D: "--- x" })).toEqual({ a: "--- x", b: 1 });
  });

  it("escapes inside double- and single-quoted scalars", () => {
    expect(yaml('a: "pre-{{ .V }}-post"\nb: "{{ .Colon }}"\n', data)).toEqual({
      a: `pre-${hostile}-post`,
      b: "a: b",
    });
    expect(yaml("a: 'it''s {{ .Colon }}'\n", data)).toEqual({ a: "it's a: b" });
    expect(() => render("a: '{{ .V }}'\n", data)).toThrow(/single-quoted/);
  });

  it("refuses a value that would break out of a plain scalar or a block scalar", () => {
    expect(render("a: pre-{{ .Plain }}\n", data)).toBe("a: pre-istio-proxy\n");
    expect(() => render("a: pre-{{ .V }}\n", data)).toThrow(/cannot be written unquoted/);
    expect(() => render("a: pre-{{ .Colon }}\n", data)).toThrow(/cannot be written unquoted/);
    expect(render("a: |\n  {{ .Colon }}\nb: 1\n", data)).toBe("a: |\n  a: b\nb: 1\n");
    expect(() => render("a: |\n  {{ .V }}\nb: 1\n", data)).toThrow(/block scalar/);
  });

  it("keeps values in comments on their line", () => {
    expect(yaml("# note {{ .V }}\na: 1\n", data)).toEqual({ a: 1 });
  });

  it("inserts quote and toYaml output as structure", () => {
    expect(
      yaml("a: {{ .V | quote }}\nb:\n  {{- toYaml .M | nindent 2 }}\n", { ...data, M: { k: hostile } }),
    ).toEqual({
      a: hostile,
      b: { k: hostile },
    });
  });
});

describe("Go template output safety, property", () => {
  it("a hostile value never adds a key or changes another value, whatever its context", async () => {
    const fc = await import("fast-check");
    const template = [
      "full: {{ .V }}",
      'dq: "<{{ .V }}>"',
      "sq: '<{{ .V }}>'",
      "part: x-{{ .V }}",
      "block: |",
      "  {{ .V }}",
      "# {{ .V }}",
      "list:",
      "- {{ .V }}",
      "- fixed",
      "last: end",
    ].join("\n");
    const t = compileTemplate("t", template);
    if (!t.ok) throw new Error(t.error);
    const chars = fc.constantFrom(..."ab :#'\"\\\n\r\t-[]{},&*!|>%@`?.~=$()0".split(""));
    fc.assert(
      fc.property(fc.string({ unit: chars, maxLength: 24 }), (v) => {
        let out: string;
        try {
          out = t.value({ V: v });
        } catch {
          return true; // refused: nothing rendered
        }
        const doc = parse(out) as Record<string, unknown>;
        expect(Object.keys(doc)).toEqual(["full", "dq", "sq", "part", "block", "list", "last"]);
        expect(doc.last).toBe("end");
        expect((doc.list as unknown[]).length).toBe(2);
        expect((doc.list as unknown[])[1]).toBe("fixed");
        expect(doc.dq).toBe(`<${v}>`);
        return true;
      }),
      { numRuns: 2000 },
    );
    // Whole scalars, double quotes and comments never refuse: every value renders, as itself.
    const open = compileTemplate(
      "t",
      'full: {{ .V }}\ndq: "{{ .V }}"\n# {{ .V }}\nlist:\n- {{ .V }}\nlast: end\n',
    );
    if (!open.ok) throw new Error(open.error);
    fc.assert(
      fc.property(fc.string({ unit: chars, maxLength: 24 }), (v) => {
        const doc = parse(open.value({ V: v })) as Record<string, unknown>;
        expect(Object.keys(doc)).toEqual(["full", "dq", "list", "last"]);
        expect(doc.dq).toBe(v);
        expect(doc.last).toBe("end");
        expect((doc.list as unknown[]).length).toBe(1);
        if (v.trim() === v && v !== "" && !/^[~0-9.]|^(true|false|null)$/i.test(v)) expect(doc.full).toBe(v);
        return true;
      }),
      { numRuns: 2000 },
    );
  });
});
