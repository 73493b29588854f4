import { describe, expect, it } from "vitest";
import {
  describeSelector,
  isEmptySelector,
  labelKeyError,
  labelValueError,
  matchSelector,
  validateSelector,
} from "../../core/decide/selector.ts";

const expr = (key: string, operator: string, values?: unknown) => ({
  matchExpressions: [values === undefined ? { key, operator } : { key, operator, values }],
});
const matches = (sel: unknown, labels: Record<string, string>) => {
  const m = matchSelector(sel, labels);
  if (!m.ok) throw new Error(m.error);
  return m.matches;
};

describe("matchSelector", () => {
  it("matchLabels needs every pair, with the exact value", () => {
    const sel = { matchLabels: { app: "web", tier: "" } };
    expect(matches(sel, { app: "web", tier: "", extra: "x" })).toBe(true);
    expect(matches(sel, { app: "web" })).toBe(false);
    expect(matches(sel, { app: "Web", tier: "" })).toBe(false);
  });

  it("In needs the key with one of the values", () => {
    const sel = expr("app", "In", ["a", "b"]);
    expect(matches(sel, { app: "b" })).toBe(true);
    expect(matches(sel, { app: "c" })).toBe(false);
    expect(matches(sel, {})).toBe(false);
  });

  it("NotIn matches when the key is absent or holds another value", () => {
    const sel = expr("app", "NotIn", ["a"]);
    expect(matches(sel, {})).toBe(true);
    expect(matches(sel, { app: "b" })).toBe(true);
    expect(matches(sel, { app: "a" })).toBe(false);
  });

  it("Exists and DoesNotExist look at the key only, even with an empty value", () => {
    expect(matches(expr("a", "Exists"), { a: "" })).toBe(true);
    expect(matches(expr("a", "Exists"), {})).toBe(false);
    expect(matches(expr("a", "DoesNotExist"), { a: "" })).toBe(false);
    expect(matches(expr("a", "DoesNotExist"), {})).toBe(true);
  });

  it("ANDs matchLabels with every expression", () => {
    const sel = {
      matchLabels: { a: "1" },
      matchExpressions: [
        { key: "b", operator: "Exists" },
        { key: "c", operator: "NotIn", values: ["x"] },
      ],
    };
    expect(matches(sel, { a: "1", b: "" })).toBe(true);
    expect(matches(sel, { a: "1", b: "", c: "x" })).toBe(false);
    expect(matches(sel, { a: "2", b: "" })).toBe(false);
    expect(matches(sel, { a: "1" })).toBe(false);
  });

  it("an empty selector matches everything, as in Kubernetes (Istio's skip is the caller's)", () => {
    expect(matches({}, {})).toBe(true);
    expect(matches({ matchLabels: {}, matchExpressions: [] }, { a: "b" })).toBe(true);
    expect(isEmptySelector({})).toBe(true);
    expect(isEmptySelector({ matchLabels: null, matchExpressions: [] })).toBe(true);
    expect(isEmptySelector({ matchLabels: { a: "b" } })).toBe(false);
    expect(isEmptySelector("x")).toBe(false);
  });

  it("does not find Object's members among the labels", () => {
    expect(matches(expr("constructor", "Exists"), {})).toBe(false);
    expect(matches(expr("toString", "NotIn", ["x"]), {})).toBe(true);
    expect(matches({ matchLabels: { constructor: "x" } }, {})).toBe(false);
  });

  it("returns errors as values for Kubernetes' invalid selectors, naming the path", () => {
    const bad: [unknown, RegExp][] = [
      [expr("a", "In", []), /must not be empty for In/],
      [expr("a", "NotIn"), /must not be empty for NotIn/],
      [expr("a", "Exists", ["x"]), /must be empty for Exists/],
      [expr("a", "DoesNotExist", [""]), /must be empty for DoesNotExist/],
      [expr("a", "in", ["x"]), /operator: must be one of/],
      [expr("a", "Gt", ["1"]), /operator: must be one of/],
      [expr("bad key!", "Exists"), /label key "bad key!"/],
      [expr("", "Exists"), /label key ""/],
      [expr("a", "In", ["not valid"]), /label value "not valid"/],
      [expr("a", "In", [1]), /values\[0\]: must be a string/],
      [expr("a", "In", "x"), /must be a list of strings/],
      [{ matchLabels: { a: 1 } }, /must be a string/],
      [{ matchLabels: { "/a": "b" } }, /prefix before "\/" must not be empty/],
      [{ matchLabels: { a: "-x" } }, /label value "-x"/],
      [{ matchExpressions: "x" }, /must be a list/],
      [{ matchExpressions: [null] }, /must have key, operator/],
      ["x", /must be a label selector/],
      [null, /must be a label selector/],
      [undefined, /must be a label selector/],
    ];
    for (const [sel, re] of bad) {
      const m = matchSelector(sel, { a: "x" }, "alwaysInjectSelector[3]");
      expect(m.ok, JSON.stringify(sel)).toBe(false);
      if (!m.ok) {
        expect(m.error).toMatch(re);
        expect(m.error.startsWith("alwaysInjectSelector[3]")).toBe(true);
      }
    }
  });

  it("ignores unknown fields when matching (a Go client would), though validation reports them", () => {
    const sel = { matchLabels: { a: "b" }, matchLabel: { c: "d" } };
    expect(matches(sel, { a: "b" })).toBe(true);
    expect(validateSelector(sel, "s")).toEqual([
      "s.matchLabel: unknown field; a label selector has matchLabels and matchExpressions",
    ]);
  });

  it("never throws on hostile input", () => {
    const hostile: unknown[] = [
      { matchExpressions: [{ key: { toString: 1 }, operator: [], values: [{}] }] },
      { matchLabels: [] },
      { matchLabels: { __proto__: "x" } },
      JSON.parse('{"matchLabels":{"__proto__":"x"}}'),
      { matchExpressions: [{ key: "a", operator: "In", values: null }] },
      42,
      [],
    ];
    for (const sel of hostile) {
      expect(() => matchSelector(sel, {})).not.toThrow();
      expect(() => validateSelector(sel, "s")).not.toThrow();
      expect(() => describeSelector(sel)).not.toThrow();
      expect(() => isEmptySelector(sel)).not.toThrow();
    }
  });
});

describe("validateSelector", () => {
  it("names the offending field with the caller's path", () => {
    expect(
      validateSelector(
        {
          matchExpressions: [
            { key: "a", operator: "In", values: ["x"] },
            { key: "b", operator: "Is" },
          ],
        },
        "neverInjectSelector[1]",
      ),
    ).toEqual([
      'neverInjectSelector[1].matchExpressions[1].operator: must be one of In, NotIn, Exists, DoesNotExist, got "Is"',
    ]);
    expect(validateSelector(expr("a", "In", []), "s")).toEqual([
      "s.matchExpressions[0].values: must not be empty for In",
    ]);
    expect(validateSelector(expr("a", "Exists", ["x"]), "s")).toEqual([
      "s.matchExpressions[0].values: must be empty for Exists",
    ]);
  });

  it("accepts Kubernetes-valid selectors, including prefixed keys and empty values", () => {
    for (const sel of [
      {},
      { matchLabels: { "sidecar.istio.io/inject": "", "app.kubernetes.io/name": "web-1_a.b" } },
      expr("kubernetes.io/metadata.name", "NotIn", ["kube-system", "kube-public"]),
      expr("sidecar/notinject", "Exists"),
      { matchLabels: null, matchExpressions: null },
    ]) {
      expect(validateSelector(sel, "s"), JSON.stringify(sel)).toEqual([]);
    }
  });

  it("checks label key and value syntax as apimachinery does", () => {
    expect(labelKeyError("app")).toBeUndefined();
    expect(labelKeyError("example.com/app")).toBeUndefined();
    expect(labelKeyError(`${"a".repeat(63)}`)).toBeUndefined();
    expect(labelKeyError(`${"a".repeat(64)}`)).toBeDefined();
    expect(labelKeyError("Example.com/app")).toBeDefined();
    expect(labelKeyError("a/b/c")).toBeDefined();
    expect(labelKeyError("a/")).toBeDefined();
    expect(labelKeyError("_a")).toBeDefined();
    expect(labelValueError("")).toBeUndefined();
    expect(labelValueError("A.b-c_d")).toBeUndefined();
    expect(labelValueError("x".repeat(64))).toBeDefined();
    expect(labelValueError("a b")).toBeDefined();
    expect(labelValueError("a-")).toBeDefined();
  });
});

describe("describeSelector", () => {
  it("reads like the reasons it goes into", () => {
    expect(
      describeSelector({
        matchLabels: { app: "web" },
        matchExpressions: [
          { key: "t", operator: "NotIn", values: ["a", "b"] },
          { key: "u", operator: "In", values: ["c"] },
          { key: "sidecar/notinject", operator: "Exists" },
          { key: "v", operator: "DoesNotExist" },
        ],
      }),
    ).toBe("app=web, t not in (a,b), u in (c), sidecar/notinject exists, v does not exist");
    expect(describeSelector({})).toBe("(empty)");
    expect(describeSelector("x")).toBe("(not a selector)");
  });
});
