import { readdirSync } from "node:fs";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { parseAllDocuments, parse as parseYaml12 } from "yaml";
import { parseYaml11, parseYaml11Fast, parseYaml11General } from "../../core/document/yaml11.ts";
import type { Json, JsonObject } from "../../core/json.ts";
import { readShared, reviewFor, sharedPath } from "../helpers/fixtures.ts";

function value(text: string): Json {
  const r = parseYaml11(text);
  if (!r.ok) throw new Error(r.error);
  return r.value;
}

/** Both paths, which must agree wherever the fast one accepts the text. */
function bothPaths(text: string): Json {
  const general = parseYaml11General(text);
  const fast = parseYaml11Fast(text);
  if (fast !== undefined) expect(general).toEqual({ ok: true, value: fast });
  if (!general.ok) throw new Error(general.error);
  return general.value;
}

describe("§6.1 plain scalar resolution, row by row", () => {
  const rows: [string, Json][] = [
    ...["y", "Y", "yes", "Yes", "YES", "true", "True", "TRUE", "on", "On", "ON"].map((s): [string, Json] => [
      s,
      true,
    ]),
    ...["n", "N", "no", "No", "NO", "false", "False", "FALSE", "off", "Off", "OFF"].map(
      (s): [string, Json] => [s, false],
    ),
    ["~", null],
    ["null", null],
    ["Null", null],
    ["NULL", null],
    ["", null],
    ["12", 12],
    ["+12", 12],
    ["-3", -3],
    ["0x1F", 31],
    ["0o17", 15],
    ["017", 15],
    ["-017", -15],
    ["0b101", 5],
    ["-0b101", -5],
    ["1_000", 1000],
    ["0", 0],
    ["08", 8], // not octal: ParseInt fails, the float rule reads it
    ["1.5", 1.5],
    ["1e3", 1000],
    [".5", 0.5],
    ["-.5", -0.5],
    ["1.", 1],
    ["1.0", 1], // float64 1 → JSON 1
    ["9223372036854775807", Number(9223372036854775807n)], // float64 after the JSON round trip
    ["18446744073709551615", Number(18446744073709551615n)], // ParseUint
    ["0x1FFFFFFFFFFFFFFFF", "0x1FFFFFFFFFFFFFFFF"], // beyond uint64: a string
    ["1e400", "1e400"], // ParseFloat range error: a string
    ["2001-12-14", "2001-12-14"],
    ["2001-12-14t21:59:43.10-05:00", "2001-12-14t21:59:43.10-05:00"],
    ["1:20", "1:20"],
    ["0x", "0x"],
    ["-x", "-x"],
    ["+", "+"],
    ["nan", "nan"],
    ["inf", "inf"],
    ["yes please", "yes please"],
    ["Yes!", "Yes!"],
    ["TRUE1", "TRUE1"],
    ["0.1.2", "0.1.2"],
    [".Nan", ".Nan"],
    ["1_0.5", 10.5],
  ];
  it.each(rows)("%j", (s, want) => {
    expect(bothPaths(`v: ${s}\n`)).toEqual({ v: want });
    expect(bothPaths(`- ${s}\n`)).toEqual([want]);
    if (!s.includes(":")) expect(bothPaths(`{v: ${s}}`)).toEqual({ v: want });
    // Quoted, every one is the string.
    expect(bothPaths(`v: "${s}"\n`)).toEqual({ v: s });
  });

  it.each([".inf", ".Inf", "-.INF", "+.inf", ".nan", ".NaN"])("%s cannot be encoded as JSON", (s) => {
    const r = parseYaml11(`a: 1\nv: ${s}\n`);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error).toMatch(/line 2: json: unsupported value: [-+]?(Inf|NaN)/);
  });

  it("timestamps, base 60 and words stay strings, also as keys", () => {
    expect(value("2001-12-14: a\n1:20: b\n")).toEqual({ "2001-12-14": "a", "1:20": "b" });
  });
});

describe("keys as sigs.k8s.io/yaml converts them", () => {
  it("bools, ints and floats become their Go string forms", () => {
    expect(bothPaths("on: a\nno: b\n017: c\n0x10: d\n1.0: e\n1.5: f\n1e7: g\n0.00001: h\n")).toEqual({
      true: "a",
      false: "b",
      "15": "c",
      "16": "d",
      "1": "e",
      "1.5": "f",
      "1e+07": "g",
      "1e-05": "h",
    });
    expect(bothPaths('{on: 1, "on": 2, .inf: 3}')).toEqual({ true: 1, on: 2, ".inf": 3 });
    expect(bothPaths("9223372036854775807: big\n")).toEqual({ "9223372036854775807": "big" });
  });
  it("a null key, a uint64 key and a collection key are errors naming the line", () => {
    expect(parseYaml11("a: 1\n~: x\n")).toMatchObject({ ok: false, error: expect.stringMatching(/line 2/) });
    expect(parseYaml11("18446744073709551615: x\n")).toMatchObject({ ok: false });
    expect(parseYaml11("a: 1\n? [x]\n: y\n")).toMatchObject({
      ok: false,
      error: expect.stringMatching(/line 2/),
    });
  });
  it("duplicate keys: the last wins, as go-yaml's non-strict Unmarshal leaves it", () => {
    expect(bothPaths("a: 1\nb: 2\na: 3\n")).toEqual({ a: 3, b: 2 });
    expect(bothPaths("{a: 1, a: 2}")).toEqual({ a: 2 });
  });
  it("__proto__ is a plain key", () => {
    const v = value("__proto__: {polluted: 1}\n") as JsonObject;
    expect(Object.keys(v)).toEqual(["__proto__"]);
    expect(({} as JsonObject).polluted).toBeUndefined();
  });
});

describe("syntax rendered templates use", () => {
  it("a multi-line flow mapping with trailing commas, blank lines and plain keys with / and .", () => {
    const text = [
      "metadata:",
      "  annotations: {",
      '    sidecar.istio.io/status: "x",',
      "",
      "    kubectl.kubernetes.io/default-container: app,",
      "    # a comment",
      "    prometheus.io/port: '15020',",
      "  }",
      "spec: {}",
      "",
    ].join("\n");
    expect(parseYaml11Fast(text)).toEqual({
      metadata: {
        annotations: {
          "sidecar.istio.io/status": "x",
          "kubectl.kubernetes.io/default-container": "app",
          "prometheus.io/port": "15020",
        },
      },
      spec: {},
    });
    expect(bothPaths(text)).toBeDefined();
  });
  it("literal blocks: | clips to one newline, |- strips, indentation inside is text", () => {
    const text = 'a: |\n  {"x":1}\n\nb: |-\n  [\n      {"name":"http"}\n  ]\nc: |\n\nd: x\n';
    expect(parseYaml11Fast(text)).toEqual({ a: '{"x":1}\n', b: '[\n    {"name":"http"}\n]', c: "", d: "x" });
    expect(bothPaths(text)).toBeDefined();
  });
  it("sequences at their key's indentation and compact mappings in entries", () => {
    const text = "c:\n- name: a\n  args:\n  - x\n  - -y\n- - nested\n  - [1, 2,]\n-\n- name: b\n";
    expect(parseYaml11Fast(text)).toEqual({
      c: [{ name: "a", args: ["x", "-y"] }, ["nested", [1, 2]], null, { name: "b" }],
    });
    expect(bothPaths(text)).toBeDefined();
  });
  it("double-quoted escapes, go-yaml's extra ones included", () => {
    expect(
      bothPaths('v: "\\0\\a\\b\\t\\n\\v\\f\\r\\e\\ \\"\\/\\\\\\N\\_\\L\\P\\x41\\u00e9\\U0001F600"\n'),
    ).toEqual({
      v: '\0\x07\b\t\n\v\f\r\x1b "/\\\u0085\u00a0\u2028\u2029A\u00e9\u{1F600}',
    });
    expect(value("v: 'it''s'\n")).toEqual({ v: "it's" });
  });
  it("merge keys: explicit keys after the merge win, earlier maps of a list win", () => {
    expect(value("base: &b {a: 1, b: 2}\nx:\n  a: 0\n  <<: *b\n  c: 3\n")).toEqual({
      base: { a: 1, b: 2 },
      x: { a: 1, b: 2, c: 3 },
    });
    expect(value("p: &p {a: 1}\nq: &q {a: 2, b: 2}\nx:\n  <<: [*p, *q]\n")).toMatchObject({
      x: { a: 1, b: 2 },
    });
    expect(parseYaml11("x:\n  <<: 1\n")).toMatchObject({ ok: false });
  });
  it("only the first document counts, as in yaml.v2's Unmarshal", () => {
    expect(value("a: 1\n---\nb: 2\n")).toEqual({ a: 1 });
    expect(value("---\na: 1\n")).toEqual({ a: 1 });
    expect(value("")).toBeNull();
    expect(value("# nothing\n")).toBeNull();
  });
  it("multi-line plain and quoted scalars, folded blocks, anchors and tags (general path)", () => {
    expect(
      value("a: one\n  two\nb: 'x\n  y'\nc: >\n  p\n  q\nd: !!str 12\ne: !!float 1\nf: &x 5\ng: *x\n"),
    ).toEqual({
      a: "one two",
      b: "x y",
      c: "p q\n",
      d: "12",
      e: 1,
      f: 5,
      g: 5,
    });
    expect(parseYaml11("a: !!int abc\n")).toMatchObject({ ok: false });
  });
});

describe("safety", () => {
  it("never throws, names the line of a syntax error", () => {
    const r = parseYaml11("a: 1\nb: [1, 2\nc: 3\n");
    expect(r.ok).toBe(false);
    expect(parseYaml11("a:\n  b: 1\n c: 2\n")).toMatchObject({
      ok: false,
      error: expect.stringMatching(/line \d/),
    });
  });
  it("refuses nesting deeper than 100, cyclic aliases and alias bombs", () => {
    expect(parseYaml11(`${"[".repeat(101)}${"]".repeat(101)}`)).toMatchObject({ ok: false });
    expect(parseYaml11(`${"[".repeat(100)}${"]".repeat(100)}`)).toMatchObject({ ok: true });
    expect(parseYaml11(`${"[".repeat(50_000)}`)).toMatchObject({ ok: false });
    expect(parseYaml11("a: &x [*x]\n")).toMatchObject({ ok: false });
    const bomb = ["a: &a [x, x, x, x, x, x, x, x, x, x]"];
    for (let i = 1; i < 12; i++)
      bomb.push(
        `${"abcdefghijkl"[i]}: &${"abcdefghijkl"[i]} [${Array(10)
          .fill(`*${"abcdefghijkl"[i - 1]}`)
          .join(", ")}]`,
      );
    const t0 = Date.now();
    expect(parseYaml11(`${bomb.join("\n")}\n`)).toMatchObject({ ok: false });
    expect(Date.now() - t0).toBeLessThan(2000);
  });
  it("random text: a result, never an exception", () => {
    fc.assert(
      fc.property(fc.string({ unit: fc.constantFrom(..." \n-:#[]{},'\"|>&*!?ab1.\\") }), (s) => {
        const r = parseYaml11(s);
        expect(typeof r.ok).toBe("boolean");
        const fast = parseYaml11Fast(s);
        if (fast !== undefined) expect(parseYaml11General(s)).toEqual({ ok: true, value: fast });
      }),
      { numRuns: 3000 },
    );
  });
});

describe("property: random scalars against the table", () => {
  const word = fc.constantFrom(
    "y",
    "Yes",
    "on",
    "OFF",
    "n",
    "No",
    "null",
    "~",
    "NULL",
    ".inf",
    ".NaN",
    "true",
    "False",
  );
  const number = fc.oneof(
    fc.integer({ min: -1e9, max: 1e9 }).map(String),
    fc.integer({ min: 0, max: 0o7777 }).map((n) => `0${n.toString(8)}`),
    fc.integer({ min: 0, max: 0xffff }).map((n) => `0x${n.toString(16)}`),
    fc.integer({ min: 0, max: 255 }).map((n) => `0b${n.toString(2)}`),
    fc.double({ noNaN: true, noDefaultInfinity: true }).map(String),
  );
  const scalar = fc.oneof(word, number, fc.stringMatching(/^[a-z0-9][a-z0-9._/-]{0,12}$/));

  /** The table of §6.1, written independently of the implementation. */
  function expected(s: string): Json | "error" {
    if (/^(y|Y|yes|Yes|YES|true|True|TRUE|on|On|ON)$/.test(s)) return true;
    if (/^(n|N|no|No|NO|false|False|FALSE|off|Off|OFF)$/.test(s)) return false;
    if (/^(~|null|Null|NULL|)$/.test(s)) return null;
    if (/^[-+]?\.(inf|Inf|INF)$|^\.(nan|NaN|NAN)$/.test(s)) return "error";
    const p = s.replaceAll("_", "");
    let m = /^([-+]?)0x([0-9a-fA-F]+)$/.exec(p);
    if (m) return Number.parseInt(`${m[1]}${m[2]}`, 16);
    m = /^([-+]?)0b([01]+)$/.exec(p);
    if (m) return Number.parseInt(`${m[1]}${m[2]}`, 2);
    m = /^([-+]?)0([0-7]*)$/.exec(p);
    if (m) return m[2] === "" ? 0 : Number.parseInt(`${m[1]}${m[2]}`, 8);
    if (/^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$/.test(p)) return Number(p);
    return s;
  }

  it("each resolves as the table says, in block, entry and flow position", () => {
    fc.assert(
      fc.property(scalar, (s) => {
        const want = expected(s);
        for (const text of [`v: ${s}\n`, `{v: ${s}}`]) {
          const r = parseYaml11(text);
          if (want === "error") expect(r.ok).toBe(false);
          else expect(r).toEqual({ ok: true, value: { v: want } });
        }
      }),
      { numRuns: 2000 },
    );
  });
});

/** Every document of a multi-document file, as text. */
function documentTexts(text: string): string[] {
  return parseAllDocuments(text)
    .map((d) => (d.range ? text.slice(d.range[0], d.range[2]) : ""))
    .filter((t) => t.trim() !== "");
}

describe("corpus: the goldens (JSON-shaped manifests, where YAML 1.1 and 1.2 agree)", () => {
  const files = [
    ...readdirSync(sharedPath("fixtures/istio/golden")).map((f) => `fixtures/istio/golden/${f}`),
    ...["1.29.6", "1.30.3", "1.31.0-rc.0"].flatMap((r) =>
      readdirSync(sharedPath(`fixtures/istio-releases/${r}/golden`)).map(
        (f) => `fixtures/istio-releases/${r}/golden/${f}`,
      ),
    ),
  ].filter((f) => !f.endsWith(".json"));

  it(`parses ${files.length} files like the yaml package, on the fast path`, () => {
    let docs = 0;
    let fast = 0;
    for (const f of files) {
      for (const doc of documentTexts(readShared(f))) {
        docs++;
        const want = parseYaml12(doc) as Json;
        expect(value(doc), f).toEqual(want);
        if (parseYaml11Fast(doc) !== undefined) fast++;
      }
    }
    expect(docs).toBeGreaterThan(300);
    // The goldens are istioctl's output, a subset the fast path reads; a few documents may not be.
    expect(fast / docs).toBeGreaterThan(0.9);
  });
});

describe("corpus: every rendered template text, master and release cases", () => {
  it("the fast path reads each, and agrees with the general one", async () => {
    // Imported here so the parser's own tests run while the engine is being changed elsewhere.
    const { admit } = await import("../../core/admission/admit.ts");
    const { podDocuments, podFromWorkload } = await import("../helpers/istio-cases.ts");
    const { MASTER } = await import("../helpers/parity.ts");
    const { RELEASES, releaseCorpus } = await import("../helpers/istio-releases.ts");
    const texts: string[] = [];
    for (const corpus of [MASTER, ...RELEASES.map(releaseCorpus)]) {
      for (const c of corpus.cases()) {
        const engine = corpus.engine(c);
        if (!engine.ok) continue;
        let inputs: JsonObject[];
        try {
          inputs = podDocuments(readShared(corpus.dir, c.input));
        } catch {
          continue;
        }
        const templates = new Map(
          [...engine.value.templates].map(([name, t]) => [
            name,
            {
              syntax: t.syntax,
              render(data: Parameters<typeof t.render>[0]) {
                const r = t.render(data);
                if (r.ok) texts.push(r.value);
                return r;
              },
            },
          ]),
        );
        for (const doc of inputs) {
          const { pod, namespace } = podFromWorkload(doc);
          admit(reviewFor(pod, { namespace }), { ...engine.value, templates });
        }
      }
    }
    expect(texts.length).toBeGreaterThan(50);
    const outside: string[] = [];
    for (const t of texts) {
      const fast = parseYaml11Fast(t);
      if (fast === undefined) outside.push(t);
      else expect(parseYaml11General(t)).toEqual({ ok: true, value: fast });
    }
    // Every rendered text is in the fast subset; a template that leaves it shows up here.
    expect(outside.slice(0, 1)).toEqual([]);
    // Every pod of four corpora admitted, then each text parsed twice: long on a busy machine.
  }, 180_000);
});

describe("double-quoted escapes as go-yaml has them", () => {
  it("reads \\' as a quote on both paths, and only inside double quotes", () => {
    expect(parseYaml11General(`"\\'"`)).toEqual({ ok: true, value: "'" });
    expect(parseYaml11Fast(`"\\'"`)).toBe("'");
    // An alias sends the text to the general path.
    expect(parseYaml11(`a: &x "it\\'s \\\\'"\nb: *x\nc: 'a\\'\n`)).toEqual({
      ok: true,
      value: { a: "it's \\'", b: "it's \\'", c: "a\\" },
    });
    expect(parseYaml11General(`a: &x "\\q"\n`)).toMatchObject({ ok: false });
  });
});
