import { describe, expect, it } from "vitest";
import type { LabelSelector } from "../../core/config/types.ts";
import { decide, decisionInput, skipReason } from "../../core/decide/decide.ts";
import { describeSelector, matchSelector, validateSelector } from "../../core/decide/selector.ts";
import { readSharedJson } from "../helpers/fixtures.ts";

interface DecisionCase {
  name: string;
  namespace: string;
  policy: string;
  neverInjectSelector: LabelSelector[];
  alwaysInjectSelector: LabelSelector[];
  podLabels: Record<string, string>;
  podAnnotations: Record<string, string>;
  hostNetwork: boolean;
  expected: boolean;
}

describe.each(["seed004-truth-table.json", "istio-inject-required.json"])("decide(): %s", (file) => {
  const cases = readSharedJson<DecisionCase[]>("fixtures/decisions", file);
  it.each(cases.map((c) => [c.name, c] as const))("%s", (_n, c) => {
    const d = decide(
      {
        namespace: c.namespace,
        labels: c.podLabels,
        annotations: c.podAnnotations,
        hostNetwork: c.hostNetwork,
      },
      c,
    );
    expect(d.inject).toBe(c.expected);
    expect(d.reasons.length).toBeGreaterThan(0);
  });
});

describe("the reason trail", () => {
  const base = { policy: "enabled", neverInjectSelector: [], alwaysInjectSelector: [] };
  const input = (labels: Record<string, string>, annotations: Record<string, string> = {}) => ({
    namespace: "default",
    labels,
    annotations,
    hostNetwork: false,
  });

  it("says the label beat the annotation", () => {
    const d = decide(
      input({ "sidecar.istio.io/inject": "false" }, { "sidecar.istio.io/inject": "true" }),
      base,
    );
    expect(d).toMatchObject({ inject: false, rule: "label" });
    expect(d.reasons[0]).toBe('label sidecar.istio.io/inject="false" beats annotation "true"');
  });

  it("names the selector that matched, and never wins over always", () => {
    const never = [
      { matchLabels: { a: "b" } },
      { matchExpressions: [{ key: "sidecar/notinject", operator: "Exists" as const }] },
    ];
    const d = decide(input({ "sidecar/notinject": "" }), {
      ...base,
      neverInjectSelector: never,
      alwaysInjectSelector: never,
    });
    expect(d).toMatchObject({ inject: false, rule: "neverInjectSelector" });
    expect(d.reasons.at(-1)).toBe("neverInjectSelector[1] matched (sidecar/notinject exists): do not inject");
  });

  it("warns on a value that is neither true nor false and falls back to the policy", () => {
    const d = decide(input({}, { "sidecar.istio.io/inject": "yes" }), { ...base, policy: "disabled" });
    expect(d).toMatchObject({ inject: false, rule: "policy" });
    expect(d.warnings[0]).toContain('"yes"');
  });

  it("never injects under an unknown policy, even when asked", () => {
    const d = decide(input({ "sidecar.istio.io/inject": "true" }), { ...base, policy: "maybe" });
    expect(d).toMatchObject({ inject: false, rule: "invalidPolicy" });
  });

  it("manual injection ignores policy and selectors but honours an explicit false", () => {
    const never = [{ matchLabels: { app: "x" } }];
    expect(
      decide(
        input({ app: "x" }),
        { ...base, policy: "disabled", neverInjectSelector: never },
        { manual: true },
      ).inject,
    ).toBe(true);
    const off = decide(input({}, { "sidecar.istio.io/inject": "false" }), base, { manual: true });
    expect(off.inject).toBe(false);
    expect(skipReason(off)).toBe("has sidecar injection disabled");
    const host = decide({ ...input({}), hostNetwork: true }, base, { manual: true });
    expect(skipReason(host)).toBe("has host networking enabled");
  });

  it("reads an untrusted pod without throwing", () => {
    for (const pod of [
      {},
      { metadata: "x" },
      { metadata: { labels: [1], annotations: { a: 1 } }, spec: { hostNetwork: "true" } },
    ]) {
      expect(decisionInput(pod as never, "ns")).toMatchObject({ namespace: "ns", hostNetwork: false });
    }
  });
});

describe("label selectors", () => {
  it("implements all four operators", () => {
    const m = (sel: unknown, labels: Record<string, string>) => matchSelector(sel, labels);
    expect(m({ matchExpressions: [{ key: "a", operator: "In", values: ["1", "2"] }] }, { a: "2" })).toEqual({
      ok: true,
      matches: true,
    });
    expect(m({ matchExpressions: [{ key: "a", operator: "NotIn", values: ["1"] }] }, {})).toEqual({
      ok: true,
      matches: true,
    });
    expect(m({ matchExpressions: [{ key: "a", operator: "NotIn", values: ["1"] }] }, { a: "1" })).toEqual({
      ok: true,
      matches: false,
    });
    expect(m({ matchExpressions: [{ key: "a", operator: "DoesNotExist" }] }, { a: "" })).toEqual({
      ok: true,
      matches: false,
    });
    expect(
      m({ matchLabels: { a: "1" }, matchExpressions: [{ key: "b", operator: "Exists" }] }, { a: "1", b: "" }),
    ).toEqual({ ok: true, matches: true });
    expect(m({ matchExpressions: [{ key: "a", operator: "In", values: [] }] }, {}).ok).toBe(false);
  });

  it("validates with messages naming the field", () => {
    expect(
      validateSelector({ matchExpressions: [{ key: "a", operator: "Is" }] }, "neverInjectSelector[1]"),
    ).toEqual([
      'neverInjectSelector[1].matchExpressions[0].operator: must be one of In, NotIn, Exists, DoesNotExist, got "Is"',
    ]);
    expect(validateSelector({ matchLabels: { a: 1 } }, "s")).toEqual([
      "s.matchLabels: must map label names to string values",
    ]);
    expect(validateSelector("x", "s")).toHaveLength(1);
    expect(
      describeSelector({
        matchLabels: { app: "web" },
        matchExpressions: [{ key: "t", operator: "NotIn", values: ["a", "b"] }],
      }),
    ).toBe("app=web, t not in (a,b)");
  });
});
