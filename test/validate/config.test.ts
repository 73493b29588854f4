import { describe, expect, it } from "vitest";
import { loadConfig } from "../../core/config/load.ts";

// The config keys Istio parity added: `features` (istiod switches) and `namespaces` (Namespace facts).

const load = (text: string) => loadConfig(text, ["sidecar"]);

describe("config: features", () => {
  it("reads COMPLIANCE_POLICY and PLATFORM without a warning", () => {
    const r = load("features: {COMPLIANCE_POLICY: fips-140-3, PLATFORM: openshift}");
    expect(r.ok && r.value.warnings).toEqual([]);
    expect(r.ok && r.value.config.features).toEqual({
      COMPLIANCE_POLICY: "fips-140-3",
      PLATFORM: "openshift",
    });
  });

  it("warns about switches it does not read, and about ENABLE_NATIVE_SIDECARS", () => {
    const r = load("features: {PILOT_FOO: x, ENABLE_NATIVE_SIDECARS: 'true', PLATFORM: gcp}");
    expect(r.ok).toBe(true);
    const warnings = r.ok ? r.value.warnings.join("\n") : "";
    expect(warnings).toMatch(/features\.PILOT_FOO: not read/);
    expect(warnings).toMatch(/features\.ENABLE_NATIVE_SIDECARS: .*nativeSidecars/);
    expect(warnings).toMatch(/features\.PLATFORM: "gcp"/);
  });

  it("refuses values that are not strings", () => {
    const r = load("features: {PLATFORM: 3}");
    expect(r.ok ? "" : r.error).toMatch(/features: must map Istio feature names to string values/);
  });
});

describe("config: namespaces", () => {
  it("keeps labels and annotations by namespace name", () => {
    const r = load(
      "namespaces:\n  test-ns:\n    annotations: {openshift.io/sa.scc.uid-range: 1000620000/10000}\n  other: {labels: {a: b}}\n",
    );
    expect(r.ok && r.value.config.namespaces).toEqual({
      "test-ns": { labels: {}, annotations: { "openshift.io/sa.scc.uid-range": "1000620000/10000" } },
      other: { labels: { a: "b" }, annotations: {} },
    });
  });

  it("defaults to none", () => {
    const r = load("");
    expect(r.ok && r.value.config.namespaces).toEqual({});
  });

  it("reports every problem with its path", () => {
    const r = load("namespaces:\n  a: [x]\n  b: {labels: {k: 1}, annotations: x, extra: {}}\n");
    const error = r.ok ? "" : r.error;
    expect(error).toMatch(/namespaces\.a: must be a mapping/);
    expect(error).toMatch(/namespaces\.b\.labels\.k: must be a string/);
    expect(error).toMatch(/namespaces\.b\.annotations: must map names to string values/);
    expect(error).toMatch(/namespaces\.b\.extra: unknown key; known keys are labels, annotations/);
    expect(load("namespaces: [a]").ok ? "" : (load("namespaces: [a]") as { error: string }).error).toMatch(
      /namespaces: must map namespace names/,
    );
  });
});
