import { describe, expect, it } from "vitest";
import type { JsonObject } from "../../core/json.ts";
import { compileTemplate, type TemplateFn } from "../../core/render/compile.ts";
import type { TemplateData } from "../../core/render/data.ts";
import { withBudget } from "../../core/render/helpers.ts";
import { probePods } from "../../core/render/probe-pods.ts";
import { builtinTemplates } from "../../core/templates/index.ts";
import { cases, configFor, dataFor, inputPods } from "./golden.ts";

/**
 * The precompiled built-in templates call Outrigger's helpers directly and run #if, #unless and #let
 * where they are called (compile.ts, precompiled.ts). Handlebars' own code for the same text, compiled
 * at run time, is the reference: the same output for every pod of the corpus, and the same steps and
 * output charged to the render budget.
 */

function compiled(name: string, text: string): TemplateFn {
  const fn = compileTemplate(name, text);
  if (!fn.ok) throw new Error(fn.error);
  return fn.value;
}

// A different text (one more newline), so it is compiled here by Handlebars, not taken precompiled.
const templates = Object.entries(builtinTemplates).map(([name, text]) => ({
  name,
  precompiled: compiled(name, text),
  live: compiled(name, `${text}\n`),
}));

function corpusData(): TemplateData[] {
  const out: TemplateData[] = [];
  for (const c of cases) {
    const config = configFor(c);
    const pods: JsonObject[] = [...inputPods(c), ...probePods().map((p) => structuredClone(p.pod))];
    for (const pod of pods) out.push(dataFor(c, pod, config));
  }
  return out;
}

/** The render's outcome under a budget: its text, or the error it stopped with. */
function within(fn: TemplateFn, data: TemplateData, maxSteps: number, maxOutputBytes: number): string {
  try {
    return withBudget({ maxSteps, maxOutputBytes, maxMillis: 1e9, now: () => 0 }, () => fn(data));
  } catch (e) {
    return `error: ${(e as Error).message}`;
  }
}

/** The least limit under which the render succeeds (the limits are checked as the render goes). */
function least(fits: (limit: number) => boolean): number {
  let lo = 0;
  let hi = 1 << 21;
  while (lo + 1 < hi) {
    const mid = Math.floor((lo + hi) / 2);
    if (fits(mid)) hi = mid;
    else lo = mid;
  }
  return hi;
}

describe("precompiled built-in templates", () => {
  const data = corpusData();

  it("render every corpus and probe pod exactly as Handlebars' own code for the same text", () => {
    expect(data.length).toBeGreaterThan(100);
    for (const { name, precompiled, live } of templates) {
      for (const d of data) expect(`${precompiled(d)}\n`, name).toBe(live(d));
    }
  });

  it("take the same render steps and charge the same output", () => {
    const big = 1 << 30;
    for (const { name, precompiled, live } of templates) {
      for (const d of data.slice(0, 10)) {
        const steps = (fn: TemplateFn) => least((n) => !within(fn, d, n, big).startsWith("error:"));
        const output = (fn: TemplateFn) => least((n) => !within(fn, d, big, n).startsWith("error:"));
        expect(steps(precompiled), name).toBe(steps(live));
        expect(output(precompiled), name).toBe(output(live));
        // Over budget, the same error.
        expect(within(precompiled, d, steps(live) - 1, big), name).toBe(
          within(live, d, steps(live) - 1, big),
        );
      }
    }
  });
});
