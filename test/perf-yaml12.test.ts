import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { parseYaml12Fast } from "../core/document/yaml11.ts";
import { loadEngine } from "../core/engine.ts";
import type { Json, JsonObject } from "../core/json.ts";
import { buildTemplateData } from "../core/render/data.ts";
import { caseConfig, caseFeatures, casesWithDocuments, podFromWorkload } from "./helpers/istio-cases.ts";

/**
 * Handlebars templates' output is read by the line-based fast path in its YAML 1.2 mode, and by the
 * `yaml` package where that path declines. Wherever the fast path answers, it must answer exactly
 * what the package's `parse` does (or the package must refuse the text, which the fast path may not
 * accept either).
 */
function agrees(text: string): "fast" | "declined" {
  const fast = parseYaml12Fast(text);
  if (fast === undefined) return "declined";
  let want: Json;
  try {
    want = (parse(text) ?? null) as Json;
  } catch (e) {
    throw new Error(`fast path accepted text the package refuses (${String(e)}):\n${text}`);
  }
  expect(fast).toStrictEqual(want);
  return "fast";
}

describe("parseYaml12Fast agrees with the yaml package", () => {
  it("on every built-in template rendered for every corpus pod", () => {
    let fast = 0;
    let total = 0;
    for (const { c, inputs } of casesWithDocuments()) {
      const engine = loadEngine(JSON.stringify(caseConfig(c)), { env: caseFeatures(c) });
      if (!engine.ok) continue;
      for (const doc of inputs) {
        const data = buildTemplateData({
          pod: podFromWorkload(doc).pod,
          config: engine.value.config,
          pathEnvs: {},
        });
        if (!data.ok) continue;
        for (const template of engine.value.templates.values()) {
          if (template.syntax === "go") continue;
          const text = template.render(data.value);
          if (!text.ok) continue;
          total++;
          if (agrees(text.value) === "fast") fast++;
        }
      }
    }
    expect(total).toBeGreaterThan(100);
    // The built-in templates write the subset: the fast path reads (nearly) all of them.
    expect(fast / total).toBeGreaterThan(0.9);
  });

  const edges: [string, Json | "declined"][] = [
    ["a: 0777\n", { a: 777 }],
    ["a: 0x1f\n", "declined"],
    ["a: 0o17\n", "declined"],
    ["a: yes\nb: on\nc: y\n", { a: "yes", b: "on", c: "y" }],
    ["a: True\nb: FALSE\nc: ~\nd:\n", { a: true, b: false, c: null, d: null }],
    ["a: 1_000\n", { a: "1_000" }],
    ["a: 1e3\nb: .5\nc: -1.\n", { a: 1000, b: 0.5, c: -1 }],
    ["a: .inf\n", "declined"],
    ["a: 2e400\n", "declined"],
    ["a: -0\n", "declined"],
    ["a: 12345678901234567890\n", "declined"],
    ["a: 2001-12-14\n", { a: "2001-12-14" }],
    ["a: 1\na: 2\n", "declined"],
    ["a: {b: 1, b: 2}\n", "declined"],
    ["1: x\n", "declined"],
    ["true: x\n", "declined"],
    ["__proto__: x\n", "declined"],
    ['a: "\\\'"\n', "declined"],
    ['a: "\\/\\x41\\u00e9"\n', { a: "/Aé" }],
    ["a:\n  b: {\n  c: 1\n  }\n", "declined"],
    ["a:\n  b: {\n   c: 1\n  }\n", { a: { b: { c: 1 } } }],
    ["- {x: 1,\n y: 2\n}\n", [{ x: 1, y: 2 }]],
    ['{"a": 1}', "declined"],
    ["a: |\n  x\n\n", { a: "x\n" }],
    ["a: |-\n  x\n  y\n", { a: "x\ny" }],
    ["a: b\n---\nc: d\n", "declined"],
  ];
  it.each(edges)("%j", (text, want) => {
    if (want === "declined") expect(parseYaml12Fast(text)).toBeUndefined();
    else expect(parseYaml12Fast(text)).toStrictEqual(want);
    agrees(text);
  });

  it("on random texts built from YAML pieces", () => {
    const scalar = fc.constantFrom(
      "x",
      "1",
      "-1",
      "+1",
      "01",
      "0x1",
      "1.5",
      "1e2",
      ".5",
      "yes",
      "no",
      "True",
      "null",
      "~",
      "",
      '"q"',
      "'s'",
      "'it''s'",
      '"a\\tb"',
      '"\\\'"',
      "a b",
      "a: b",
      "a #c",
      "[1, 2]",
      "{a: 1}",
      "{a: 1, a: 2}",
      "[a:1]",
      "-x",
      "- x",
      "|",
      "|-",
      "&a x",
      "*a",
      "!!str 1",
      ".inf",
      "1_0",
      "2e999",
      "__proto__",
    );
    const key = fc.constantFrom("a", "b", "c", "1", "true", '"k"', "'k'", "x y", "__proto__");
    const indent = fc.constantFrom("", " ", "  ", "    ");
    const line = fc.oneof(
      fc.tuple(indent, key, scalar).map(([i, k, v]) => `${i}${k}: ${v}`),
      fc.tuple(indent, key).map(([i, k]) => `${i}${k}:`),
      fc.tuple(indent, scalar).map(([i, v]) => `${i}- ${v}`),
      fc.tuple(indent, key, scalar).map(([i, k, v]) => `${i}- ${k}: ${v}`),
      fc.tuple(indent, scalar).map(([i, v]) => `${i}${v}`),
      fc.constantFrom("", "# c", "---", "  ]", "}", "  - {a: 1,", "    b: 2}"),
    );
    let fast = 0;
    fc.assert(
      fc.property(fc.array(line, { maxLength: 12 }), (lines) => {
        if (agrees(`${lines.join("\n")}\n`) === "fast") fast++;
      }),
      { numRuns: 5000 },
    );
    // Not vacuous: a good share of the texts are inside the subset.
    expect(fast).toBeGreaterThan(500);
  });

  it("reads a whole rendered sidecar shape through the fast path", () => {
    const text = [
      "metadata:",
      "  labels:",
      '    security.istio.io/tlsMode: "istio"',
      "  annotations: {",
      "    'sidecar.istio.io/status': '{\"a\":1}',",
      '    prometheus.io/port: "15020",',
      "  }",
      "spec:",
      "  containers:",
      "  - name: istio-proxy",
      "    args: [proxy, sidecar]",
      "    env:",
      "    - name: X",
      '      value: "1"',
      "    - name: POD_PORTS",
      "      value: |-",
      "        [",
      "        ]",
      "",
    ].join("\n");
    expect(agrees(text)).toBe("fast");
    expect(((parseYaml12Fast(text) as JsonObject).spec as JsonObject).containers).toHaveLength(1);
  });
});
