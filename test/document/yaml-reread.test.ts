import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { Site } from "../../core/document/yaml-fast.ts";
import { reread } from "../../core/document/yaml-reread.ts";
import { fastRules, readFast } from "../../core/document/yaml11.ts";
import { defaultEngine, type Engine } from "../../core/engine.ts";
import type { Json, JsonObject } from "../../core/json.ts";
import { buildTemplateData } from "../../core/render/data.ts";
import { readShared } from "../helpers/fixtures.ts";
import { podDocuments, podFromWorkload } from "../helpers/istio-cases.ts";
import { releaseCases, releaseEngine } from "../helpers/istio-releases.ts";
import { MASTER } from "../helpers/parity.ts";

// A text read as a change of a baseline's scalars (core/document/yaml-reread.ts) must read exactly as
// the whole fast parse reads it, or not at all (the caller then parses it whole).

type Schema = "yaml11" | "yaml12";

interface Rendered {
  schema: Schema;
  text: string;
}

function baselineOf(text: string, schema: Schema) {
  const read = readFast(text, schema);
  if (!read?.sites) return undefined;
  return { lines: read.lines, sites: read.sites as (Site | undefined)[], value: read.value };
}

/** Every template's text for every pod of a corpus, through its engine. */
function renders(cases: { engine: Engine | undefined; input: string }[], dir: string): Rendered[] {
  const out: Rendered[] = [];
  for (const { engine, input } of cases) {
    if (!engine) continue;
    for (const doc of podDocuments(readShared(dir, input))) {
      const { pod, namespace } = podFromWorkload(doc);
      const meta = (pod.metadata ?? {}) as JsonObject;
      const data = buildTemplateData({
        pod: { ...pod, metadata: { ...meta, namespace: meta.namespace ?? namespace } },
        config: engine.config,
        pathEnvs: {},
      });
      if (!data.ok) continue;
      for (const template of engine.templates.values()) {
        const text = template.render(data.value);
        if (text.ok) out.push({ schema: template.syntax === "go" ? "yaml11" : "yaml12", text: text.value });
      }
    }
  }
  return out;
}

function corpusTexts(): Rendered[] {
  const builtin = defaultEngine();
  const master = MASTER.cases()
    .filter((c) => c.golden && !c.settings.expectError)
    .map((c) => ({ engine: builtin, input: c.input }));
  const release = releaseCases("1.30.3")
    .filter((c) => c.golden && !c.settings.expectError)
    .map((c) => {
      const e = releaseEngine("1.30.3", c);
      return { engine: e.ok ? e.value : undefined, input: c.input };
    });
  return [...renders(master, MASTER.dir), ...renders(release, "fixtures/istio-releases/1.30.3")];
}

const texts = corpusTexts();

/** The reread of `text` against `base`'s baseline agrees with the whole parse; whether it answered. */
function agrees(base: string, text: string, schema: Schema): boolean {
  const baseline = baselineOf(base, schema);
  if (!baseline) return false;
  const got = reread(baseline, text.split("\n"), fastRules(schema));
  if (got === undefined) return false;
  const whole = readFast(text, schema);
  if (whole === undefined) throw new Error(`reread answered a text the fast path declines:\n${text}`);
  expect(JSON.stringify(got)).toBe(JSON.stringify(whole.value));
  expect(got).toStrictEqual(whole.value);
  // The baseline's value is never handed out: a second reread is untouched by changes to the first.
  (got as JsonObject).touched = true;
  expect(JSON.stringify(reread(baseline, text.split("\n"), fastRules(schema)))).toBe(
    JSON.stringify(whole.value),
  );
  return true;
}

describe("reread", () => {
  it("reads every corpus render against every other of its template's line count as the whole parse does", () => {
    const groups = new Map<string, Rendered[]>();
    for (const r of texts) {
      const key = `${r.schema}:${r.text.split("\n").length}`;
      groups.set(key, [...(groups.get(key) ?? []), r]);
    }
    let pairs = 0;
    let answered = 0;
    for (const group of groups.values()) {
      for (let i = 0; i < group.length; i++) {
        // Each text against a handful of others keeps this to seconds.
        for (let j = i + 1; j < Math.min(group.length, i + 6); j++) {
          const a = group[i] as Rendered;
          const b = group[j] as Rendered;
          pairs++;
          if (agrees(a.text, b.text, a.schema)) answered++;
          if (agrees(b.text, a.text, a.schema)) answered++;
        }
      }
    }
    expect(texts.length).toBeGreaterThan(200);
    expect(pairs).toBeGreaterThan(100);
    // Pods of one shape render texts that differ only in scalars: many pairs are read by rereading.
    expect(answered).toBeGreaterThan(50);
  });

  it("declines a changed key, indentation, or a line that holds no scalar", () => {
    const base = "a:\n  b: x\n  c:\n  - y\n  - z: 1\nd: |\n  text\n";
    const baseline = baselineOf(base, "yaml12");
    if (!baseline) throw new Error("no baseline");
    const rules = fastRules("yaml12");
    const at = (text: string) => reread(baseline, text.split("\n"), rules);
    expect(at("a:\n  b: w\n  c:\n  - v\n  - z: 2\nd: |\n  text\n")).toEqual({
      a: { b: "w", c: ["v", { z: 2 }] },
      d: "text\n",
    });
    expect(at("a:\n  B: x\n  c:\n  - y\n  - z: 1\nd: |\n  text\n")).toBeUndefined();
    expect(at("a:\n   b: x\n  c:\n  - y\n  - z: 1\nd: |\n  text\n")).toBeUndefined();
    expect(at("a:\n  b: x\n  c:\n  - y\n  - z: 1\nd: |\n  other\n")).toBeUndefined();
    expect(at("a:\n  b: [x]\n  c:\n  - y\n  - z: 1\nd: |\n  text\n")).toBeUndefined();
    expect(at("a:\n  b: x\n  c:\n  - k: y\n  - z: 1\nd: |\n  text\n")).toBeUndefined();
    expect(at("a:\n  b: x\n  c:\n  - - y\n  - z: 1\nd: |\n  text\n")).toBeUndefined();
    expect(at("a:\n  b: |\n  c:\n  - y\n  - z: 1\nd: |\n  text\n")).toBeUndefined();
    expect(at("a:\n  b: # gone\n  c:\n  - y\n  - z: 1\nd: |\n  text\n")).toBeUndefined();
    expect(at("a:\n  b: 'open\n  c:\n  - y\n  - z: 1\nd: |\n  text\n")).toBeUndefined();
  });

  it("has no baseline where go-yaml's last duplicate key wins", () => {
    expect(readFast("a: 1\nb: 2\na: 3\n", "yaml11")?.sites).toBeUndefined();
    expect(readFast("a: 1\nb: 2\n", "yaml11")?.sites).toBeDefined();
  });

  // Values a pod author could put into a rendered scalar, and YAML that would change the structure.
  const piece = fc.constantFrom(
    "x",
    "1",
    "-1",
    "0x1f",
    "0o17",
    "1e3",
    ".5",
    ".inf",
    "-.inf",
    ".nan",
    "~",
    "null",
    "yes",
    "no",
    "on",
    "true",
    "False",
    "2001-12-14",
    "12345678901234567890",
    "-0",
    "1_000",
    " ",
    ": ",
    ":",
    "#",
    " #",
    "- ",
    "-",
    "?",
    "? ",
    "'",
    "''",
    '"',
    '\\"',
    "\\",
    "\\x41",
    "\\u00e9",
    "{",
    "}",
    "[",
    "]",
    ",",
    "|",
    "|-",
    ">",
    "&a",
    "*a",
    "!tag",
    "%",
    "@",
    "`",
    "---",
    "...",
    "\t",
    "\r",
    "é",
    "\u2028",
    "k: v",
    "__proto__",
  );
  const value = fc.array(piece, { minLength: 0, maxLength: 4 }).map((p) => p.join(""));

  it("reads changed scalars of corpus renders as the whole parse does, whatever the new value", () => {
    const bases = texts
      .filter((_, i) => i % 7 === 0)
      .map((r) => ({ r, baseline: baselineOf(r.text, r.schema) }))
      .filter((b) => b.baseline !== undefined);
    expect(bases.length).toBeGreaterThan(20);
    let answered = 0;
    fc.assert(
      fc.property(
        fc.nat(bases.length - 1),
        fc.array(fc.tuple(fc.nat(), value), { minLength: 1, maxLength: 3 }),
        (which, edits) => {
          const { r, baseline } = bases[which] as (typeof bases)[number];
          if (!baseline) return;
          const siteLines = baseline.sites.flatMap((s, i) => (s ? [i] : []));
          const lines = [...baseline.lines];
          for (const [n, v] of edits) {
            const i = siteLines[n % siteLines.length] as number;
            const col = (baseline.sites[i] as Site).col;
            lines[i] = (lines[i] as string).slice(0, col) + v;
          }
          const text = lines.join("\n");
          const got = reread(baseline, lines, fastRules(r.schema));
          const whole = readFast(text, r.schema);
          if (got === undefined) return;
          answered++;
          expect(whole, text).toBeDefined();
          expect(JSON.stringify(got)).toBe(JSON.stringify(whole?.value as Json));
        },
      ),
      { numRuns: 3000, seed: 16 },
    );
    expect(answered).toBeGreaterThan(300);
  });
});
