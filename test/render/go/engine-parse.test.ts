import { describe, expect, it } from "vitest";
import { parseGoTemplate } from "../../../core/render/go/template.ts";
import { type GoType, STRING, STRING_MAP, Typed } from "../../../core/render/go/values.ts";
import { check, FUNCS, fails, run } from "./engine-harness.ts";

/** Lexing, parsing (Go's parse_test.go errorTests), Go's exact messages, limits and a fuzz run. */

const parseErr = (text: string): string => {
  const r = parseGoTemplate("t", text, FUNCS);
  return r.ok ? "" : r.error;
};

describe("parse errors (Go's parse_test.go)", () => {
  const errorTests: [string, string, string][] = [
    ["unclosed1", "line1\n{{", "t:2: unclosed action"],
    ["unclosed2", "line1\n{{define `x`}}line2\n{{", "t:3: unclosed action"],
    ["unclosed3", 'line1\n{{"x"\n"y"\n', "t:4: unclosed action started at t:2"],
    ["unclosed4", "{{\n\n\n\n\n", "t:6: unclosed action started at t:1"],
    ["var1", "line1\n{{\nx\n}}", 't:3: function "x" not defined'],
    ["function", "{{foo}}", 'function "foo" not defined'],
    ["comment1", "{{/*}}", "unclosed comment"],
    ["comment2", "{{/*\nhello\n}}", "unclosed comment"],
    ["comment3", "{{/* x */ .X}}", "comment ends before closing delimiter"],
    ["lparen", "{{.X (1 2 3}}", "unclosed left paren"],
    ["rparen", "{{.X 1 2 3 ) }}", "unexpected right paren"],
    ["rparen2", "{{(.X 1 2 3", "unclosed action"],
    ["space", "{{`x`3}}", "in operand"],
    ["idchar", "{{a#}}", "bad character U+0023 '#'"],
    ["charconst", "{{'a}}", "unterminated character constant"],
    ["stringconst", '{{"a}}', "unterminated quoted string"],
    ["rawstringconst", "{{`a}}", "unterminated raw quoted string"],
    ["number", "{{0xi}}", 'illegal number syntax: "0xi"'],
    ["bad number", "{{3k}}", 'bad number syntax: "3k"'],
    [
      "multidefine",
      "{{define `a`}}a{{end}}{{define `a`}}b{{end}}",
      'template: multiple definition of template "a"',
    ],
    ["eof", "{{range .X}}", "unexpected EOF"],
    ["variable", "{{$a.b := 23}}", 'undefined variable "$a"'],
    ["multidecl", "{{$a,$b,$c := 23}}", "too many declarations in command"],
    ["undefvar", "{{$a}}", 'undefined variable "$a"'],
    ["wrongdot", "{{true.any}}", 'unexpected . after term "true"'],
    ["wrongpipeline", "{{12|false}}", "non executable command in pipeline stage 2"],
    ["emptypipeline", "{{ ( ) }}", "missing value for parenthesized pipeline"],
    ["multilinerawstring", "{{ $v := `\n` }} {{", "t:2: unclosed action"],
    ["rangeundefvar", "{{range $k}}{{end}}", 'undefined variable "$k"'],
    ["rangeundefvars", "{{range $k, $v}}{{end}}", 'undefined variable "$v"'],
    ["rangemissingvalue1", "{{range $k,}}{{end}}", "missing value for range"],
    ["rangemissingvalue2", "{{range $k, $v := }}{{end}}", "missing value for range"],
    ["rangenotvariable1", "{{range $k, .}}{{end}}", "range can only initialize variables"],
    ["rangenotvariable2", "{{range $k, 123 := .}}{{end}}", "range can only initialize variables"],
    ["dot applied to parentheses", "{{printf (printf .).}}", "unexpected <.> in operand"],
    ["adjacent args", "{{printf 3`x`}}", 'unexpected "`x`" in operand'],
    ["adjacent args with .", "{{printf `x`.}}", "unexpected <.> in operand"],
    ["extra end after if", "{{if .X}}a{{else if .Y}}b{{end}}{{end}}", "unexpected {{end}}"],
    ["break outside range", "{{range .}}{{end}} {{break}}", "{{break}} outside {{range}}"],
    ["continue outside range", "{{range .}}{{end}} {{continue}}", "{{continue}} outside {{range}}"],
    ["break in range else", "{{range .}}{{else}}{{break}}{{end}}", "{{break}} outside {{range}}"],
    ["continue in range else", "{{range .}}{{else}}{{continue}}{{end}}", "{{continue}} outside {{range}}"],
    ["break in define", "{{range .}}{{define `x`}}{{break}}{{end}}{{end}}", "unexpected <define> in command"],
    ["bug0b", "{{$x += 1}}{{$x}}", 'undefined variable "$x"'],
    ["bug0c", "{{$x ! 2}}{{$x}}", 'undefined variable "$x"'],
    ["bug0e", "{{range $x := $y := 3}}{{end}}", 'undefined variable "$y"'],
    ["bug1a", "{{$x:=.}}{{$x!2}}", "bad character U+0021 '!'"],
    ["bug1b", "{{$x:=.}}{{$x+2}}", "bad character U+002B '+'"],
    ["dot after integer", "{{1.E}}", 'illegal number syntax: "1.E"'],
    ["dot after float", "{{0.1.E}}", 'unexpected . after term "0.1"'],
    ["dot after boolean", "{{true.E}}", 'unexpected . after term "true"'],
    ["dot after char", "{{'a'.any}}", "unexpected . after term \"'a'\""],
    ["dot after string", '{{"hello".guys}}', 'unexpected . after term "\\"hello\\""'],
    ["dot after dot", "{{..E}}", 'unexpected . after term "."'],
    ["dot after nil", "{{nil.E}}", 'unexpected . after term "nil"'],
    ["wrong pipeline dot", "{{12|.}}", "non executable command in pipeline stage 2"],
    ["wrong pipeline number", "{{.|12|printf}}", "non executable command in pipeline stage 2"],
    ["wrong pipeline string", '{{.|printf|"error"}}', "non executable command in pipeline stage 3"],
    ["wrong pipeline char", "{{12|printf|'e'}}", "non executable command in pipeline stage 3"],
    ["wrong pipeline boolean", "{{.|true}}", "non executable command in pipeline stage 2"],
    ["wrong pipeline nil", "{{'c'|nil}}", "non executable command in pipeline stage 2"],
    ["empty pipeline", '{{printf "%d" ( ) }}', "missing value for parenthesized pipeline"],
    ["block definition", '{{block "foo"}}hello{{end}}', "missing value for block clause"],
    ["empty action", "{{}}", "missing value for command"],
    ["else outside", "a{{else}}b", "unexpected {{else}}"],
    ["else with in if", "{{if 1}}{{else with 2}}{{end}}", "unexpected <with> in input"],
    ["two elses", "{{if 1}}a{{else}}b{{else}}c{{end}}", "expected end; found {{else}}"],
    ["bad string escape", '{{"\\q"}}', "t:1: invalid syntax"],
    ["integer overflow", "{{99999999999999999999}}", 'integer overflow: "99999999999999999999"'],
    ["template name", "{{template .X}}", 'unexpected ".X" in template clause'],
    ["define name", "{{define 3}}{{end}}", 'unexpected "3" in define clause'],
    ["unrecognized", "{{\u0001}}", "unrecognized character in action: U+0001"],
  ];
  for (const [name, text, want] of errorTests) {
    it(name, () => {
      const got = parseErr(text);
      expect(got).toContain(want);
      expect(got).toMatch(/^template: t:\d+: /);
    });
  }

  it("reports the full message with the line", () => {
    expect(parseErr("a\nb\n{{ nope .X }}")).toBe('template: t:3: function "nope" not defined');
    expect(parseErr("{{if .X}}\n{{end}}{{end}}")).toBe("template: t:2: unexpected {{end}}");
  });

  it("accepts what Go accepts", () => {
    for (const text of [
      "{{$x := 0}}{{$x}}",
      "{{$x:=.}}{{$x +2}}",
      "{{range $x := 0}}{{$x}}{{end}}",
      "{{range $x = 0}}{{$x}}{{end}}",
      "{{range $i, $v := .}}{{$i}}{{end}}",
      '{{block "b" .}}x{{end}}',
      "{{with $x := 1}}{{else with $y := 2}}{{$y}}{{end}}",
      "{{/* a comment */}}{{- /* trimmed */ -}}",
      "{{.X\n| printf\n`%v`}}",
      "{{`raw\nstring`}}",
      "{{print 1+2i}}",
    ]) {
      expect(parseErr(text), text).toBe("");
    }
  });
});

describe("trimming and comments", () => {
  const cases: [string, string][] = [
    ["a  {{- 1 -}}  b", "a1b"],
    ["a\n\t {{- 1}}\n b", "a1\n b"],
    ["a {{1 -}}\n\n b", "a 1b"],
    ["{{-3}}", "-3"],
    ["{{- 3 -}}", "3"],
    ["x {{- /* c */ -}} y", "xy"],
    ["x {{/* c */}} y", "x  y"],
    ["a\r\n{{- 1}}", "a1"],
    ["{{1}} {{- /* c */}}", "1"],
    ["{{ 1 }}{{ 2 }}", "12"],
  ];
  for (const [text, want] of cases) it(JSON.stringify(text), () => check(run(text, null), want));
});

describe("Istio's Go-template behaviours (istio-go-templates.md §3.2)", () => {
  const values = {
    global: {
      hub: "docker.io/istio",
      proxy: { statusPort: 15020, n: 1000000 },
      nullKey: null,
      list: ["a", null],
    },
    pilot: { env: { ENABLE: "true" } },
  };
  const podSecurityContext: GoType = {
    kind: "struct",
    name: "v1.PodSecurityContext",
    fields: [{ go: "RunAsUser", json: "runAsUser", type: { kind: "ptr", elem: { kind: "int64" } } }],
  };
  const spec: GoType = {
    kind: "struct",
    name: "v1.PodSpec",
    fields: [
      { go: "ServiceAccountName", json: "serviceAccountName", type: STRING },
      { go: "SecurityContext", json: "securityContext", type: { kind: "ptr", elem: podSecurityContext } },
    ],
  };
  const meta: GoType = {
    kind: "struct",
    name: "v1.ObjectMeta",
    fields: [{ go: "Labels", json: "labels", type: STRING_MAP }],
  };
  const data: GoType = {
    kind: "struct",
    name: "inject.SidecarTemplateData",
    fields: [
      { go: "Values", json: "values", type: { kind: "interface" } },
      { go: "Spec", json: "spec", type: spec },
      { go: "ObjectMeta", json: "objectMeta", type: meta },
    ],
  };
  const root = new Typed(
    { kind: "ptr", elem: data },
    { values, spec: {}, objectMeta: { labels: { app: "x" } } },
  );
  const at = (ctx: string, col: number, msg: string, line = 1) =>
    fails(`template: t:${line}:${col}: executing "t" at <${ctx}>: ${msg}`);
  const cases: [string, string, string | Error][] = [
    ["missing key prints <no value>", "{{ .Values.a.missing }}", "<no value>"],
    ["null prints <no value>", "{{ .Values.global.nullKey }}", "<no value>"],
    ["chain through missing", "{{ .Values.missing.x.y }}", "<no value>"],
    [
      "chain through a string",
      "{{ .Values.global.hub.x }}",
      at(".Values.global.hub.x", 10, "can't evaluate field x in type interface {}"),
    ],
    [
      "chain through null",
      "{{ .Values.global.nullKey.x }}",
      at(".Values.global.nullK...", 10, "nil pointer evaluating interface {}.x"),
    ],
    [
      "chain through a variable's string",
      "{{ $h := .Values.global.hub }}{{ $h.x }}",
      at("$h.x", 35, "can't evaluate field x in type string"),
    ],
    ["typed zero", "[{{ .Spec.ServiceAccountName }}]", "[]"],
    [
      "nil struct pointer field",
      "{{ .Spec.SecurityContext.RunAsUser }}",
      at(".Spec.SecurityContex...", 8, "nil pointer evaluating *v1.PodSecurityContext.RunAsUser"),
    ],
    ["nil struct pointer prints <nil>", "{{ .Spec.SecurityContext }}", "<nil>"],
    [
      "unknown struct field",
      "{{ .Spec.Nope }}",
      at(".Spec.Nope", 8, "can't evaluate field Nope in type v1.PodSpec"),
    ],
    ["float64 %v", "{{ .Values.global.proxy.statusPort }} {{ .Values.global.proxy.n }}", "15020 1e+06"],
    ["typed map missing key via index", "[{{ index .ObjectMeta.Labels `absent` }}]", "[]"],
    ["typed map missing key via field", "{{ .ObjectMeta.Labels.absent }}", "<no value>"],
    ["typed map present key", "{{ .ObjectMeta.Labels.app }}", "x"],
    ["index of Values", "{{ index .Values `absent` }}", "<no value>"],
    [
      "index of missing",
      '{{ index .Values.missing "k" }}',
      at("index .Values.missin...", 3, "error calling index: index of untyped nil"),
    ],
    ["eq missing", '{{ eq .Values.missing "x" }} {{ ne .Values.missing "" }}', "false true"],
    [
      "eq float64 and int",
      "{{ eq .Values.global.proxy.statusPort 15020 }}",
      at(
        "eq .Values.global.pr...",
        3,
        "error calling eq: incompatible types for comparison: float64 and int",
      ),
    ],
    [
      "eq string and bool",
      "{{ eq (.Values.pilot.env).ENABLE true }}",
      fails("error calling eq: incompatible types for comparison: string and bool"),
    ],
    ["and/or return operands", '{{ or "" "x" }} {{ and "a" 0 }}', "x 0"],
    ["range sorted", "{{ range $k, $v := .Values.global.proxy }}{{ $k }};{{ end }}", "n;statusPort;"],
    [
      "range element null prints <no value>",
      "{{ range .Values.global.list }}[{{ . }}]{{ end }}",
      "[a][<no value>]",
    ],
    [
      "range element null field",
      "{{ range .Values.global.list }}{{ .x }}{{ end }}",
      fails("can't evaluate field x in type interface {}"),
    ],
    [
      "error in a define names it",
      '{{ define "r" }}\n{{ .Nope }}{{ end }}{{ template "r" .Spec }}',
      at(".Nope", 3, "can't evaluate field Nope in type v1.PodSpec", 2).message.replace(
        'executing "t"',
        'executing "r"',
      ) as string,
    ],
    [
      "template not defined",
      '{{ template "nope" }}',
      at('{{template "nope"}}', 12, 'template "nope" not defined'),
    ],
    ["variable declaration prints nothing", "{{ $x := 5 }}[{{ $x }}]", "[5]"],
  ];
  for (const [name, text, want] of cases) {
    it(name, () => {
      if (typeof want === "string" && want.startsWith("template: ")) {
        const got = run(text, root);
        expect(got instanceof Error ? got.message : got).toBe(want);
      } else if (want instanceof Error) {
        const got = run(text, root);
        expect(got instanceof Error ? got.message : got).toContain(want.message);
      } else check(run(text, root), want);
    });
  }

  it("a function's error is wrapped, an argument check is not", () => {
    const funcs = new Map(FUNCS);
    funcs.set("toLower", (s) => {
      if (typeof s !== "string") throw new Error("invalid value; expected string");
      return s.toLowerCase();
    });
    funcs.set("boom", () => {
      throw new Error("bad input");
    });
    expect(run("{{ .Values.missing | toLower }}", root, undefined, funcs)).toEqual(
      new Error('template: t:1:21: executing "t" at <toLower>: invalid value; expected string'),
    );
    expect(run("{{ boom 1 }}", root, undefined, funcs)).toEqual(
      new Error('template: t:1:3: executing "t" at <boom 1>: error calling boom: bad input'),
    );
  });

  it("passes undefined for a missing argument and null for nil to the function map", () => {
    const seen: unknown[] = [];
    const funcs = new Map(FUNCS);
    funcs.set("spy", (...a) => {
      seen.push(...a);
      return "";
    });
    run("{{ spy .Values.missing nil .Values.global.nullKey }}", root, undefined, funcs);
    expect(seen).toEqual([undefined, null, null]);
  });
});

describe("limits", () => {
  it("stops runaway recursion at the depth limit", () => {
    const got = run('{{define "a"}}{{template "a" .}}{{end}}{{template "a" .}}', null, { maxDepth: 50 });
    expect(got instanceof Error && got.message).toContain("exceeded maximum template depth (50)");
  });
  it("stops long loops at the step limit", () => {
    const got = run("{{range 1000000000}}{{end}}", null, { maxSteps: 10_000 });
    expect(got instanceof Error && got.message).toContain("exceeded the limit of 10000 execution steps");
  });
  it("stops large output at the output limit", () => {
    const got = run("{{range 1000}}xxxxxxxxxx{{end}}", null, { maxOutputBytes: 100 });
    expect(got instanceof Error && got.message).toContain("output exceeds the limit of 100 bytes");
  });
  it("survives the default depth limit without exhausting the stack", () => {
    const got = run('{{define "a"}}{{template "a" .}}{{end}}{{template "a" .}}', null);
    expect(got instanceof Error && got.message).toMatch(/exceeded maximum template depth|nested too deeply/);
  });
  it("parses deeply nested input without throwing", () => {
    const r = parseGoTemplate("t", `{{${"(".repeat(20000)}1${")".repeat(20000)}}}`, FUNCS);
    expect(typeof r.ok).toBe("boolean");
  });
});

describe("fuzz: never throws, never hangs", () => {
  const pieces = [
    "{{",
    "}}",
    "{{-",
    "-}}",
    " ",
    "\n",
    ".",
    ".X",
    ".Values",
    "$",
    "$x",
    ":=",
    "=",
    "|",
    "(",
    ")",
    "if",
    "else",
    "end",
    "range",
    "with",
    "define",
    "template",
    "block",
    "break",
    "continue",
    '"s"',
    "`r`",
    "'c'",
    "1",
    "-2",
    "0x1f",
    "1.5e3",
    "nil",
    "true",
    "index",
    "len",
    "eq",
    "printf",
    "and",
    "or",
    "not",
    "add",
    "echo",
    "/*",
    "*/",
    ",",
    "{",
    "}",
    "é",
    "\t",
    "\\",
    '"',
    "slice",
    "call",
    "print",
    "die",
  ];
  let seed = 12345;
  const rand = (n: number): number => {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff;
    return seed % n;
  };
  it("handles 3000 random templates", () => {
    const data = { X: "x", Values: { a: [1, null, { b: "c" }] } };
    for (let i = 0; i < 3000; i++) {
      let text = "";
      const n = 1 + rand(24);
      for (let k = 0; k < n; k++) text += pieces[rand(pieces.length)];
      const p = parseGoTemplate("t", text, FUNCS);
      expect(typeof p.ok).toBe("boolean");
      if (p.ok) expect(typeof run(text, data, { maxSteps: 10_000 })).not.toBe("undefined");
      else expect(p.error).toMatch(/^template: t:\d+: /);
    }
  });
  it("handles random bytes", () => {
    for (let i = 0; i < 500; i++) {
      const text = Array.from({ length: rand(40) }, () => String.fromCharCode(rand(128))).join("");
      const p = parseGoTemplate("t", `{{${text}}}`, FUNCS);
      expect(typeof p.ok).toBe("boolean");
    }
  });
});
