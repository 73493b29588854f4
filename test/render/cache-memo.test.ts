import { describe, expect, it } from "vitest";
import { ok } from "../../core/json.ts";
import { MEMO_LIMITS, TextMemo } from "../../core/memo.ts";
import type { TemplateData } from "../../core/render/data.ts";
import { memoStats, renderTemplate } from "../../core/render/render.ts";
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

  it("parses a repeated text once the second time it is seen, and hands out copies", () => {
    const text = "a: {b: 1}\nwhich: parses-once\n";
    const { template } = counting(() => text);
    const before = memoStats().parsedEntries;
    const first = renderTemplate("t", template, data);
    expect(memoStats().parsedEntries).toBe(before + 1);
    const second = renderTemplate("t", template, data);
    const third = renderTemplate("t", template, data);
    if (!first.ok || !second.ok || !third.ok) throw new Error("render failed");
    expect(third.value).toEqual(first.value);
    (second.value.a as { b: number }).b = 2;
    expect(third.value.a).toEqual({ b: 1 });
    expect(third.value).not.toBe(second.value);
  });

  it("does not remember huge texts", () => {
    const before = memoStats();
    for (let i = 0; i < 40; i++) {
      const big = `a: "${i}${"x".repeat(MEMO_LIMITS.entryChars)}"\n`;
      const { template } = counting(() => big);
      const r = renderTemplate("t", template, data);
      expect(r.ok).toBe(true);
    }
    expect(memoStats()).toEqual(before);
  });
});
