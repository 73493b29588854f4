import { describe, expect, it } from "vitest";
import {
  canonicalQuantity,
  parseQuantity,
  parseQuantityDetailed,
  QUANTITY_FORMAT_ERROR,
  QUANTITY_SUFFIX_ERROR,
} from "../../core/validate/quantity.ts";

describe("canonicalQuantity (what the API server writes back, Quantity.String())", () => {
  it.each([
    ["2000m", "2"],
    ["1024Mi", "1Gi"],
    ["100m", "100m"],
    ["128Mi", "128Mi"],
    ["0.5", "500m"],
    ["2", "2"],
    ["1Gi", "1Gi"],
    ["1000", "1k"],
    ["1024", "1024"],
    ["1500m", "1500m"],
    ["1.5", "1500m"],
    ["1.5Gi", "1536Mi"],
    ["0.5Gi", "512Mi"],
    ["1.5Ki", "1536"],
    ["0.5Ki", "512"],
    ["1.1Ki", "1126400m"],
    ["2048Ki", "2Mi"],
    ["1000Mi", "1000Mi"],
    ["1e3", "1e3"],
    ["1.5e3", "1500"],
    ["1E", "1E"],
    ["10E", "10E"],
    ["0.1n", "1n"],
    ["1.5n", "2n"],
    ["-100m", "-100m"],
    ["-1.5", "-1500m"],
    ["0", "0"],
    ["000", "0"],
    ["0.0", "0"],
    ["0Mi", "0"],
    ["12345678901234567890", "9223372036854775807"],
  ])("%s → %s", (input, want) => {
    expect(canonicalQuantity(input)).toBe(want);
  });

  it("keeps text Go keeps verbatim, as the API server echoes it", () => {
    expect(canonicalQuantity("+1k")).toBe("+1k");
    expect(canonicalQuantity("0100m")).toBe("0100m");
    expect(canonicalQuantity("+1Ki")).toBe("+1Ki");
    // Go's tokenizer tolerates a bare point, and its "already canonical" test then keeps the text.
    expect(canonicalQuantity("5.")).toBe("5.");
    expect(canonicalQuantity("1.G")).toBe("1.G");
  });

  it("returns invalid input unchanged", () => {
    expect(canonicalQuantity("abc")).toBe("abc");
  });
});

describe("parseQuantity", () => {
  it.each([
    ["100m", 0.1],
    ["128Mi", 134217728],
    ["2", 2],
    ["1Gi", 1073741824],
    ["1k", 1000],
    ["1e3", 1000],
    ["-2", -2],
    ["1.5", 1.5],
  ])("%s = %d", (input, want) => {
    expect(parseQuantity(input)).toBeCloseTo(want, 12);
  });

  it.each([
    ["", QUANTITY_FORMAT_ERROR],
    ["invalid", QUANTITY_FORMAT_ERROR],
    ["1Mb", QUANTITY_FORMAT_ERROR],
    ["1.2.3", QUANTITY_FORMAT_ERROR],
    ["1 m", QUANTITY_FORMAT_ERROR],
    ["100m\n", QUANTITY_FORMAT_ERROR],
    ["1K", QUANTITY_SUFFIX_ERROR],
    ["1mi", QUANTITY_SUFFIX_ERROR],
    ["1ee3", QUANTITY_SUFFIX_ERROR],
    ["1e99999999999999999999", QUANTITY_SUFFIX_ERROR],
  ])("rejects %j", (input, message) => {
    expect(parseQuantity(input)).toBeUndefined();
    expect(parseQuantityDetailed(input)).toBe(message);
  });

  it("survives huge exponents without building huge numbers", () => {
    expect(canonicalQuantity("1e100")).toBe("10e99");
    expect(canonicalQuantity("1e-100")).toBe("1e-9"); // rounded up to the smallest unit, nano
    expect(canonicalQuantity("12345678901234567890e-100")).toBe("1e-9");
    expect(canonicalQuantity("12345678901234567890e100")).toBe("9223372036854775807");
  });
});
