import { describe, expect, it } from "vitest";
import { formatFloatG, keyLess, marshalYAML, resolvesToString } from "../../../core/render/go/goyaml.ts";
import { kubeType } from "../../../core/render/go/kube-types.ts";
import { type GoValue, Typed } from "../../../core/render/go/values.ts";

const yaml = (v: GoValue): string => {
  const r = marshalYAML(v);
  if (!r.ok) throw new Error(r.error);
  return r.value;
};

// Cases ported from go-yaml v2 encode_test.go (marshalTests), restricted to what a JSON tree can hold
// (sigs.k8s.io/yaml goes through encoding/json first), plus the yaml.v2 rules Istio's templates meet.
const cases: [string, GoValue, string][] = [
  ["nil", null, "null\n"],
  ["empty map", {}, "{}\n"],
  ["empty list", [], "[]\n"],
  ["string", { v: "hi" }, "v: hi\n"],
  ["true as string", { v: "true" }, 'v: "true"\n'],
  ["false as string", { v: "false" }, 'v: "false"\n'],
  ["bool", { v: true }, "v: true\n"],
  ["bool false", { v: false }, "v: false\n"],
  ["int", { v: 10 }, "v: 10\n"],
  ["negative int", { v: -10 }, "v: -10\n"],
  ["int64", { v: 4294967296 }, "v: 4294967296\n"],
  ["number as string", { v: "10" }, 'v: "10"\n'],
  ["float", { v: 0.1 }, "v: 0.1\n"],
  ["negative float", { v: -0.1 }, "v: -0.1\n"],
  ["null value", { v: null }, "v: null\n"],
  ["empty string", { v: "" }, 'v: ""\n'],
  ["nested list", { v: ["A", 1, { B: [2, 3] }] }, "v:\n- A\n- 1\n- B:\n  - 2\n  - 3\n"],
  ["nested map", { a: { b: "c" } }, "a:\n  b: c\n"],
  ["dash", { a: "-" }, "a: '-'\n"],
  ["angle brackets", { a: "<foo>" }, "a: <foo>\n"],
  ["base 60", { a: "1:1" }, 'a: "1:1"\n'],
  ["NUL", { a: "\x00" }, 'a: "\\0"\n'],
  ["unicode", { a: "你好" }, "a: 你好\n"],
  ["timestamp string", { a: "2015-02-24T18:19:39Z" }, 'a: "2015-02-24T18:19:39Z"\n'],
  ["colon space", { a: "b: c" }, "a: 'b: c'\n"],
  ["comment", { a: "Hello #comment" }, "a: 'Hello #comment'\n"],
  ["unicode comment", { a: "你好 #comment" }, "a: '你好 #comment'\n"],
  // YAML 1.1 words and numbers that would re-resolve.
  ["on", { a: "on" }, 'a: "on"\n'],
  ["y", { a: "y" }, 'a: "y"\n'],
  ["tilde", { a: "~" }, 'a: "~"\n'],
  ["octal-looking", { a: "017" }, 'a: "017"\n'],
  ["float text", { a: "1.0" }, 'a: "1.0"\n'],
  ["exp text", { a: "1e3" }, 'a: "1e3"\n'],
  ["dot float text", { a: ".5" }, 'a: ".5"\n'],
  ["hex text", { a: "0x1F" }, 'a: "0x1F"\n'],
  ["date text", { a: "2001-12-14" }, 'a: "2001-12-14"\n'],
  ["not a date", { a: "2001-13-14" }, "a: 2001-13-14\n"],
  ["version", { a: "1.2.3" }, "a: 1.2.3\n"],
  ["cpu quantity", { cpu: "100m", memory: "128Mi" }, "cpu: 100m\nmemory: 128Mi\n"],
  ["leading space", { a: " x" }, "a: ' x'\n"],
  ["trailing space", { a: "x " }, "a: 'x '\n"],
  ["quote inside single", { a: "it's: x" }, "a: 'it''s: x'\n"],
  ["tab needs double quotes", { a: "a\tb" }, 'a: "a\\tb"\n'],
  ["emoji is escaped", { a: "😀" }, 'a: "\\U0001F600"\n'],
  ["star", { a: "*" }, "a: '*'\n"],
  // Multi-line strings: literal blocks with yaml.v2's chomping indicators.
  ["literal clip", { a: "x\ny\n" }, "a: |\n  x\n  y\n"],
  ["literal strip", { a: "x\ny" }, "a: |-\n  x\n  y\n"],
  ["literal keep", { a: "x\n\n" }, "a: |+\n  x\n\n"],
  ["literal indent hint", { a: " x\ny" }, "a: |2-\n   x\n  y\n"],
  ["literal with blank line", { a: "x\n\ny" }, "a: |-\n  x\n\n  y\n"],
  ["trailing space forces double quotes", { a: "x\ny " }, 'a: "x\\ny "\n'],
  ["literal in a list", { a: ["x\ny"] }, "a:\n- |-\n  x\n  y\n"],
  ["root literal", "a\nb", "|-\n  a\n  b\n"],
  // Keys: sorted by yaml.v2's natural order, quoted when they would re-resolve.
  ["natural key order", { a10: 1, a2: 2, b: 3, A: 4 }, "A: 4\na2: 2\na10: 1\nb: 3\n"],
  ["quoted key", { true: 1, "1": 2 }, '"1": 2\n"true": 1\n'],
  ["empty collections as values", { a: {}, b: [] }, "a: {}\nb: []\n"],
  ["list of maps", [{ a: 1, b: 2 }, { c: 3 }], "- a: 1\n  b: 2\n- c: 3\n"],
  ["list of lists", [[1, 2], []], "- - 1\n  - 2\n- []\n"],
  // float64 values from .Values: integers print plainly, others with strconv 'g'.
  ["float64 integer", { port: 15020, big: 1e6 }, "big: 1000000\nport: 15020\n"],
  ["float64 fraction", { a: 1234567.5 }, "a: 1.2345675e+06\n"],
  ["huge float", { a: 1e21 }, "a: 1e+21\n"],
  ["small float", { a: 1e-7 }, "a: 1e-07\n"],
  ["bigint", { a: 5n }, "a: 5\n"],
];

describe("toYaml (sigs.k8s.io/yaml over yaml.v2)", () => {
  it.each(cases)("%s", (_name, input, want) => {
    expect(yaml(input)).toBe(want);
  });

  it("folds long plain strings at 80 columns", () => {
    const words = Array.from({ length: 30 }, (_, i) => `word${i}`).join(" ");
    const out = yaml({ k: words });
    const lines = out.split("\n");
    expect(lines.length).toBeGreaterThan(2);
    expect(lines[1]?.startsWith("  word")).toBe(true);
    // The fold happens at the first space after column 80, and re-joins to the same text.
    expect(lines[0]?.length).toBeGreaterThan(80);
    expect(lines[0]?.length).toBeLessThan(90);
    expect(
      out
        .slice(3)
        .trimEnd()
        .split("\n")
        .map((l) => l.trim())
        .join(" "),
    ).toBe(words);
  });

  it("does not fold keys or strings without spaces", () => {
    const long = "x".repeat(200);
    expect(yaml({ k: long })).toBe(`k: ${long}\n`);
  });

  it("folds double-quoted strings with an escaped space continuation", () => {
    const s = `${"a ".repeat(45)}\t`;
    const out = yaml({ k: s });
    expect(out.startsWith('k: "')).toBe(true);
    expect(out.split("\n").length).toBeGreaterThan(2);
  });

  it("writes a long key as a complex key", () => {
    const key = "k".repeat(129);
    expect(yaml({ [key]: 1 })).toBe(`? ${key}\n: 1\n`);
  });

  it("marshals typed structs through encoding/json (field names, omitempty)", () => {
    const port = new Typed(kubeType("v1.ContainerPort"), {
      containerPort: 80,
      name: "http",
      protocol: "TCP",
    });
    expect(yaml(port)).toBe("containerPort: 80\nname: http\nprotocol: TCP\n");
  });

  it("fails on values encoding/json refuses", () => {
    expect(marshalYAML({ a: Number.NaN }).ok).toBe(false);
  });
});

describe("yaml.v2 helpers", () => {
  it.each([
    ["abc", true],
    ["", false],
    ["null", false],
    ["Off", false],
    ["12", false],
    ["-0b101", false],
    ["0o17", false],
    ["08", false],
    ["1_000", false],
    ["+.inf", false],
    ["1e400", true],
    ["0xFFFFFFFFFFFFFFFFFF", true],
    ["2001-02-29", true],
    ["2004-02-29", false],
    ["2001-12-14 21:59:43.10", false],
    ["<<", false],
    ["yes!", true],
  ])("resolvesToString(%j) = %s", (s, want) => {
    expect(resolvesToString(s)).toBe(want);
  });

  it.each([
    [1, "1"],
    [0.5, "0.5"],
    [100000, "100000"],
    [1e6, "1e+06"],
    [1.5e-5, "1.5e-05"],
    [0.0001, "0.0001"],
    [1e100, "1e+100"],
    [-2.5e7, "-2.5e+07"],
  ])("formatFloatG(%d) = %s", (f, want) => {
    expect(formatFloatG(f)).toBe(want);
  });

  it("orders digit runs numerically", () => {
    expect(keyLess("a2", "a10")).toBe(true);
    expect(keyLess("a10", "a2")).toBe(false);
    expect(keyLess("b", "a")).toBe(false);
    expect(keyLess("a", "ab")).toBe(true);
    expect(keyLess("Z", "a")).toBe(true);
    // Non-letters sort before letters.
    expect(keyLess("_", "a")).toBe(true);
    expect(keyLess("a", "_")).toBe(false);
  });
});
