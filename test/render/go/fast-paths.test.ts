// The Go engine's fast paths (issue 16) against the general way each one short-cuts: every pair
// must give the same result for any value, not only for the ones Istio's templates pass.
import { describe, expect, it } from "vitest";
import { formatV, sprint, sprintf } from "../../../core/render/go/fmt.ts";
import { marshalYAML } from "../../../core/render/go/goyaml.ts";
import { byteOrder, type GoType, type GoValue, sortedKeys, Typed } from "../../../core/render/go/values.ts";

/** A small deterministic generator, so a failure names a reproducible case. */
function random(seed: number): () => number {
  let s = seed;
  return () => {
    s = (s * 1103515245 + 12345) & 0x7fffffff;
    return s / 0x7fffffff;
  };
}

const STRINGS = [
  "",
  "a",
  "B",
  "_x",
  "a1",
  "a01",
  "a10",
  "key9",
  "key10",
  "1",
  "01",
  "-1",
  "1.5",
  "1e3",
  "true",
  "yes",
  "null",
  "~",
  " lead",
  "trail ",
  "x: y",
  "#c",
  "a #b",
  "- x",
  "?",
  "multi\nline",
  "multi\nline\n",
  "tab\tx",
  'quo"te',
  "ap'os",
  "back\\slash",
  "é",
  "日本",
  "😀",
  "x😀 y",
  "\ud800",
  "x\udc00",
  "\ufeff",
  "a\u0000b",
  "\u2028",
  "\u0085x",
  "2024-01-02",
  "0x1F",
  "0o17",
  ".5",
  ".inf",
  "1_000",
  "12:30:45",
  "<html>&",
  "---",
  "%x",
  "@a",
  "*a",
  "|",
  "{",
  "a,b",
  "x".repeat(90),
  "word ".repeat(25),
  "a-long-key-".repeat(13),
];
const NUMBERS = [0, -0, 1, -1, 1.5, 999999, 1e6, -999999, 1e21, 1e-7, 123456789, 2 ** 53, 0.1, 15020];
const INTS = [0n, 1n, -5n, 2n ** 63n, 2n ** 64n, -(2n ** 63n)];

function plainValue(rnd: () => number, depth: number): GoValue {
  const pick = <T>(xs: T[]): T => xs[Math.floor(rnd() * xs.length)] as T;
  const r = rnd();
  if (depth > 3 || r < 0.4) {
    const s = rnd();
    if (s < 0.5) return pick(STRINGS);
    if (s < 0.65) return pick([...NUMBERS, Number.NaN, Number.POSITIVE_INFINITY]);
    if (s < 0.75) return pick(INTS);
    if (s < 0.85) return rnd() < 0.5;
    return null;
  }
  if (r < 0.6) return Array.from({ length: Math.floor(rnd() * 4) }, () => plainValue(rnd, depth + 1));
  const o: { [key: string]: GoValue } = {};
  const n = Math.floor(rnd() * 6);
  for (let i = 0; i < n; i++) o[pick(STRINGS)] = plainValue(rnd, depth + 1);
  return o;
}

describe("toYaml of plain data", () => {
  it("builds the tree encoding/json's text reads back as", () => {
    // Behind interface{}, the same data goes through encoding/json's text and its reading.
    const rnd = random(16);
    for (let i = 0; i < 5000; i++) {
      const v = plainValue(rnd, 0);
      expect(
        marshalYAML(v),
        JSON.stringify(v, (_, x) => (typeof x === "bigint" ? `${x}n` : x)),
      ).toEqual(marshalYAML(new Typed({ kind: "interface" }, v)));
    }
  });
});

describe("byteOrder", () => {
  it("orders as the strings' UTF-8 bytes do", () => {
    const rnd = random(7);
    const chars = [
      "a",
      "b",
      "z",
      "A",
      "0",
      "é",
      "ÿ",
      "\u07ff",
      "\u0800",
      "\ud7ff",
      "\ue000",
      "\uffff",
      "😀",
      "\ud800",
    ];
    const word = () =>
      Array.from({ length: Math.floor(rnd() * 4) }, () => chars[Math.floor(rnd() * chars.length)]).join("");
    for (let i = 0; i < 5000; i++) {
      const [a, b] = [word(), word()];
      expect(byteOrder(a, b), `${JSON.stringify(a)} ${JSON.stringify(b)}`).toBe(
        Buffer.compare(Buffer.from(a, "utf8"), Buffer.from(b, "utf8")),
      );
    }
  });

  it("leaves keys already in order as they are, and sorts the others", () => {
    expect(sortedKeys({ a: 1, b: 2, c: 3 })).toEqual(["a", "b", "c"]);
    expect(sortedKeys({ b: 1, a: 2, "😀": 3, "\ue000": 4 })).toEqual(["a", "b", "\ue000", "😀"]);
  });
});

describe("%v without a printer", () => {
  const mode: GoType = { kind: "enum", name: "v1alpha1.Mode", names: ["REDIRECT", "TPROXY", "NONE"] };
  const values: GoValue[] = [
    ...STRINGS,
    ...NUMBERS,
    Number.NaN,
    Number.POSITIVE_INFINITY,
    Number.NEGATIVE_INFINITY,
    0.000001,
    1e-5,
    123456.5,
    ...INTS,
    true,
    false,
    new Typed(mode, "TPROXY"),
    new Typed(mode, "UNKNOWN"),
    new Typed(mode, 7),
  ];
  for (let i = -2000; i <= 2000; i += 7) values.push(i * 997.25, i * 499);

  it("keeps Go's 'g' forms at the whole-number shortcut's edges", () => {
    expect([999999, 1e6, -999999, -1e6, 1, -0, 0, 0.5, 123456.5].map(formatV)).toEqual([
      "999999",
      "1e+06",
      "-999999",
      "-1e+06",
      "1",
      "-0",
      "0",
      "0.5",
      "123456.5",
    ]);
  });

  it("prints every value as fmt's printer does", () => {
    for (const v of values) {
      const printed = sprintf("%v", [v]);
      expect(formatV(v), String(v)).toBe(printed);
      expect(sprint([v]), String(v)).toBe(printed);
    }
  });
});
