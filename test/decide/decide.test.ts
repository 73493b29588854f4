import { describe, expect, it } from "vitest";
import type { LabelSelector } from "../../core/config/types.ts";
import {
  type Decision,
  type DecisionInput,
  type DecisionPolicy,
  decide,
  decisionInput,
  IGNORED_NAMESPACES,
  skipReason,
} from "../../core/decide/decide.ts";
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

const inputOf = (c: DecisionCase): DecisionInput => ({
  namespace: c.namespace,
  labels: c.podLabels,
  annotations: c.podAnnotations,
  hostNetwork: c.hostNetwork,
});

/** Shape every decision must have, whatever it decided. */
function expectWellFormed(d: Decision) {
  expect(d.reasons.length).toBeGreaterThan(0);
  for (const r of [...d.reasons, ...d.warnings]) expect(r).toMatch(/\S/);
  // The last reason is the decisive one, and says which way it went.
  expect(d.reasons.at(-1)).toMatch(d.inject ? /\binject\b/ : /\b(do not|never) inject\b/);
}

describe.each(["seed004-truth-table.json", "istio-inject-required.json"])("decide(): %s", (file) => {
  const cases = readSharedJson<DecisionCase[]>("fixtures/decisions", file);

  it("has cases", () => {
    expect(cases.length).toBeGreaterThan(0);
  });

  it.each(cases.map((c) => [c.name, c] as const))("%s", (_n, c) => {
    const d = decide(inputOf(c), c);
    expect(d.inject).toBe(c.expected);
    expectWellFormed(d);
  });

  it.each(cases.map((c) => [c.name, c] as const))("%s, through decisionInput", (_n, c) => {
    const pod = {
      metadata: { labels: c.podLabels, annotations: c.podAnnotations },
      spec: { hostNetwork: c.hostNetwork, containers: [] },
    };
    expect(decide(decisionInput(pod, c.namespace), c).inject).toBe(c.expected);
  });
});

const base: DecisionPolicy = { policy: "enabled", neverInjectSelector: [], alwaysInjectSelector: [] };
const input = (
  labels: Record<string, string> = {},
  annotations: Record<string, string> = {},
  more: Partial<DecisionInput> = {},
): DecisionInput => ({ namespace: "default", labels, annotations, hostNetwork: false, ...more });
const exists = (key: string): LabelSelector => ({ matchExpressions: [{ key, operator: "Exists" }] });

describe("the decision's order and its reason trail", () => {
  it("hostNetwork first, whatever else the pod says", () => {
    const d = decide(input({ "sidecar.istio.io/inject": "true" }, {}, { hostNetwork: true }), base);
    expect(d).toEqual({
      inject: false,
      rule: "hostNetwork",
      reasons: ["hostNetwork is true: never inject"],
      warnings: [],
    });
  });

  it.each(IGNORED_NAMESPACES)("never injects into %s, even when asked", (ns) => {
    const d = decide(input({ "sidecar.istio.io/inject": "true" }, {}, { namespace: ns }), {
      ...base,
      alwaysInjectSelector: [exists("sidecar.istio.io/inject")],
    });
    expect(d).toMatchObject({ inject: false, rule: "ignoredNamespace" });
    expect(d.reasons).toEqual([`namespace "${ns}" is a system namespace: never inject`]);
  });

  it("says the label beat the annotation", () => {
    const d = decide(
      input({ "sidecar.istio.io/inject": "false" }, { "sidecar.istio.io/inject": "true" }),
      base,
    );
    expect(d).toMatchObject({ inject: false, rule: "label" });
    expect(d.reasons).toEqual([
      'label sidecar.istio.io/inject="false" beats annotation "true"',
      'label sidecar.istio.io/inject="false": do not inject',
    ]);
  });

  it("lets a present label beat the annotation even when empty or invalid", () => {
    const empty = decide(
      input({ "sidecar.istio.io/inject": "" }, { "sidecar.istio.io/inject": "false" }),
      base,
    );
    expect(empty).toMatchObject({ inject: true, rule: "policy", warnings: [] });
    expect(empty.reasons[0]).toBe('label sidecar.istio.io/inject="" beats annotation "false"');
    const invalid = decide(
      input({ "sidecar.istio.io/inject": "random" }, { "sidecar.istio.io/inject": "false" }),
      base,
    );
    expect(invalid).toMatchObject({ inject: true, rule: "policy" });
    expect(invalid.warnings).toEqual([
      'invalid label sidecar.istio.io/inject="random": only "true" and "false" count; falling back to the policy',
    ]);
  });

  it("takes the annotation when there is no label", () => {
    const d = decide(input({}, { "sidecar.istio.io/inject": "true" }), { ...base, policy: "disabled" });
    expect(d).toMatchObject({ inject: true, rule: "annotation" });
    expect(d.reasons).toEqual(['annotation sidecar.istio.io/inject="true": inject']);
  });

  it.each(["True", "FALSE", "yes", "on", "1", " true"])("treats %j as no choice, with a warning", (v) => {
    const on = decide(input({}, { "sidecar.istio.io/inject": v }), base);
    const off = decide(input({}, { "sidecar.istio.io/inject": v }), { ...base, policy: "disabled" });
    expect([on.inject, off.inject]).toEqual([true, false]);
    expect(on.warnings).toHaveLength(1);
    expect(on.reasons).toEqual([
      `annotation sidecar.istio.io/inject=${JSON.stringify(v)} is neither "true" nor "false": ignored`,
      'policy "enabled": no explicit choice, inject',
    ]);
  });

  it("names the selector that matched, and never wins over always", () => {
    const never = [{ matchLabels: { a: "b" } }, exists("sidecar/notinject")];
    const d = decide(input({ "sidecar/notinject": "" }), {
      ...base,
      neverInjectSelector: never,
      alwaysInjectSelector: never,
    });
    expect(d).toMatchObject({ inject: false, rule: "neverInjectSelector" });
    expect(d.reasons).toEqual([
      "no sidecar.istio.io/inject label or annotation: no explicit choice",
      "neverInjectSelector[1] matched (sidecar/notinject exists): do not inject",
    ]);
  });

  it("alwaysInjectSelector overrides a disabled policy", () => {
    const d = decide(input({ app: "web" }), {
      ...base,
      policy: "disabled",
      alwaysInjectSelector: [{ matchLabels: { app: "web" } }],
    });
    expect(d).toMatchObject({ inject: true, rule: "alwaysInjectSelector" });
    expect(d.reasons.at(-1)).toBe("alwaysInjectSelector[0] matched (app=web): inject");
  });

  it("an explicit value beats both selectors, which are then not consulted", () => {
    const sel = { ...base, neverInjectSelector: [exists("x")], alwaysInjectSelector: [exists("x")] };
    expect(decide(input({ x: "" }, { "sidecar.istio.io/inject": "true" }), sel)).toMatchObject({
      inject: true,
      rule: "annotation",
    });
    expect(decide(input({ x: "", "sidecar.istio.io/inject": "false" }), sel)).toMatchObject({
      inject: false,
      rule: "label",
    });
  });

  it("skips empty selectors silently and invalid ones with a warning naming them", () => {
    const d = decide(input({ app: "a" }), {
      ...base,
      policy: "disabled",
      neverInjectSelector: [{}],
      alwaysInjectSelector: [{}, { matchExpressions: [{ key: "app", operator: "In", values: [] }] }],
    });
    expect(d).toMatchObject({ inject: false, rule: "policy" });
    expect(d.warnings).toEqual([
      "invalid selector skipped: alwaysInjectSelector[1].matchExpressions[0].values: must not be empty for In",
    ]);
    expect(d.reasons).toEqual([
      "no sidecar.istio.io/inject label or annotation: no explicit choice",
      "no neverInjectSelector or alwaysInjectSelector matched",
      'policy "disabled": no explicit choice, do not inject',
    ]);
  });

  it("never injects under an unknown policy, even when asked, and warns", () => {
    for (const d of [
      decide(input({ "sidecar.istio.io/inject": "true" }), { ...base, policy: "maybe" }),
      decide(input({ x: "" }), { ...base, policy: "Enabled", alwaysInjectSelector: [exists("x")] }),
      decide(input(), { ...base, policy: "" }),
    ]) {
      expect(d).toMatchObject({ inject: false, rule: "invalidPolicy" });
      expect(d.warnings[0]).toMatch(/is neither enabled nor disabled/);
      expectWellFormed(d);
      expect(skipReason(d)).toMatch(/policy/);
    }
  });

  it("returns a fresh decision each time (no shared arrays)", () => {
    const a = decide(input(), base);
    const b = decide(input(), base);
    expect(a).toEqual(b);
    expect(a.reasons).not.toBe(b.reasons);
  });
});

describe("manual injection (outrigger inject, like istioctl kube-inject)", () => {
  const never = [{ matchLabels: { app: "x" } }];

  it("forces the policy to enabled and ignores both selectors", () => {
    const d = decide(
      input({ app: "x" }),
      { policy: "disabled", neverInjectSelector: never, alwaysInjectSelector: [] },
      { manual: true },
    );
    expect(d).toMatchObject({ inject: true, rule: "policy" });
    expect(d.reasons.at(-1)).toBe("manual injection: no explicit choice, inject");
    expect(decide(input(), { ...base, policy: "bogus" }, { manual: true })).toMatchObject({
      inject: true,
      warnings: [],
    });
  });

  it("honours an explicit false, hostNetwork and the system namespaces, with Istio's skip texts", () => {
    const off = decide(input({}, { "sidecar.istio.io/inject": "false" }), base, { manual: true });
    expect(off).toMatchObject({ inject: false, rule: "annotation" });
    expect(skipReason(off)).toBe("has sidecar injection disabled");
    const label = decide(input({ "sidecar.istio.io/inject": "false" }), base, { manual: true });
    expect(skipReason(label)).toBe("has sidecar injection disabled");
    const host = decide(input({}, {}, { hostNetwork: true }), base, { manual: true });
    expect(skipReason(host)).toBe("has host networking enabled");
    const sys = decide(input({}, {}, { namespace: "kube-system" }), base, { manual: true });
    expect(sys.inject).toBe(false);
    expect(skipReason(sys)).toBe("is in a system namespace, where sidecars are never injected");
  });

  it("still injects on an explicit true", () => {
    expect(decide(input({ "sidecar.istio.io/inject": "true" }), base, { manual: true })).toMatchObject({
      inject: true,
      rule: "label",
    });
  });
});

describe("decisionInput", () => {
  it("reads the pod, taking the request namespace only when the pod has none", () => {
    const pod = {
      metadata: {
        namespace: "own",
        labels: { a: "b", n: 1 },
        annotations: { "sidecar.istio.io/inject": "false", x: null },
      },
      spec: { hostNetwork: true },
    };
    expect(decisionInput(pod, "req")).toEqual({
      namespace: "own",
      labels: { a: "b" },
      annotations: { "sidecar.istio.io/inject": "false" },
      hostNetwork: true,
    });
    expect(decisionInput({ metadata: { namespace: "" } }, "req").namespace).toBe("req");
  });

  it("reads an untrusted pod without throwing", () => {
    for (const pod of [
      {},
      { metadata: "x", spec: [] },
      { metadata: null, spec: null },
      { metadata: { labels: [1], annotations: "a", namespace: 7 }, spec: { hostNetwork: "true" } },
      JSON.parse('{"metadata":{"labels":{"__proto__":{"sidecar.istio.io/inject":"true"}}}}'),
      null,
      "pod",
      [],
    ]) {
      const got = decisionInput(pod as never, "ns");
      expect(got).toEqual({ namespace: "ns", labels: {}, annotations: {}, hostNetwork: false });
      expect(decide(got, base).inject).toBe(true);
    }
  });
});
