import { describe, expect, it } from "vitest";
import { ok } from "../../core/json.ts";
import type { TemplateData } from "../../core/render/data.ts";
import { MEMO_LIMITS, memoStats, renderTemplate, TextMemo } from "../../core/render/render.ts";
import type { Template } from "../../core/render/template.ts";

describe("TextMemo", () => {
  it("keeps at most the entry limit, dropping the least recently used", () => {
    const m = new TextMemo<number>();
    for (let i = 0; i < MEMO_LIMITS.entries; i++) m.remember(`k${i}`, i, 1);
    expect(m.recall("k0")).toBe(0); // k0 is now the most recent
    m.remember("new", -1, 1);
    expect(m.size).toBe(MEMO_LIMITS.entries);
    expect(m.recall("k0")).toBe(0);
    expect(m.recall("k1")).toBeUndefined();
  });

  it("keeps at most the character limit, whatever the entry count", () => {
    const m = new TextMemo<string>();
    const chars = Math.floor(MEMO_LIMITS.entryChars / 2);
    for (let i = 0; i < 200; i++) m.remember(`k${i}`, "", chars);
    expect(m.weight).toBeLessThanOrEqual(MEMO_LIMITS.chars);
    expect(m.size).toBeLessThan(200);
    expect(m.recall("k199")).toBe("");
  });

  it("does not keep an entry larger than the per-entry limit", () => {
    const m = new TextMemo<string>();
    m.remember("big", "x", MEMO_LIMITS.entryChars + 1);
    expect(m.recall("big")).toBeUndefined();
    expect(m.weight).toBe(0);
  });

  it("replacing a key keeps the weight exact", () => {
    const m = new TextMemo<string>();
    m.remember("k", "a", 10);
    m.remember("k", "b", 20);
    expect(m.weight).toBe(1 + 20);
    expect(m.recall("k")).toBe("b");
  });
});

describe("renderTemplate's memories", () => {
  const data = {} as TemplateData;
  function counting(text: () => string): { template: Template; calls: () => number } {
    let n = 0;
    return {
      template: {
        syntax: "handlebars",
        render: () => {
          n++;
          return ok(text());
        },
      },
      calls: () => n,
    };
  }

  it("renders a repeated input once", () => {
    const { template, calls } = counting(() => "a: 1\n");
    const memo = { templates: {}, config: {}, inputs: "same" };
    expect(renderTemplate("t", template, data, memo)).toEqual(ok({ a: 1 }));
    expect(renderTemplate("t", template, data, memo)).toEqual(ok({ a: 1 }));
    expect(calls()).toBe(1);
  });

  it("does not remember huge texts", () => {
    const memo = { templates: {}, config: {}, inputs: "" };
    const before = memoStats();
    for (let i = 0; i < 40; i++) {
      const big = `a: "${i}${"x".repeat(MEMO_LIMITS.entryChars)}"\n`;
      const { template } = counting(() => big);
      const r = renderTemplate("t", template, data, { ...memo, inputs: `huge-${i}` });
      expect(r.ok).toBe(true);
    }
    expect(memoStats()).toEqual(before);
  });
});
