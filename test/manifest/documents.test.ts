import { describe, expect, it } from "vitest";
import { splitDocuments } from "../../core/manifest/documents.ts";

describe("splitDocuments", () => {
  it("splits on --- lines, keeping each document's text and where it starts", () => {
    const text = "a: 1\n---\n# c\nb: 2\n--- # next\nc: 3\n";
    expect(splitDocuments(text)).toEqual([
      { index: 1, line: 1, text: "a: 1" },
      { index: 2, line: 3, text: "# c\nb: 2" },
      { index: 3, line: 6, text: "c: 3\n" },
    ]);
  });

  it("leaves out empty documents (a leading or trailing ---, blank lines)", () => {
    expect(splitDocuments("---\na: 1\n---\n\n---\n").map((d) => d.text)).toEqual(["a: 1"]);
    expect(splitDocuments("")).toEqual([]);
  });

  it("a --- that is indented or followed by text without a space is content", () => {
    const text = "a: |\n  ---\n  x\nb: ---x\n";
    expect(splitDocuments(text)).toHaveLength(1);
  });

  it("handles CRLF line ends", () => {
    expect(splitDocuments("a: 1\r\n---\r\nb: 2\r\n").map((d) => d.text)).toEqual(["a: 1\r", "b: 2\r\n"]);
  });

  it("is linear: 100,000 documents split in one pass", () => {
    const docs = splitDocuments(Array.from({ length: 100_000 }, (_, i) => `n: ${i}`).join("\n---\n"));
    expect(docs).toHaveLength(100_000);
    expect(docs.at(-1)).toEqual({ index: 100_000, line: 199_999, text: "n: 99999" });
  });
});
