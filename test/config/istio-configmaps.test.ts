import { describe, expect, it } from "vitest";
import { parse, stringify } from "yaml";
import { type LoadedConfig, loadConfig } from "../../core/config/load.ts";
import type { JsonObject } from "../../core/json.ts";
import { BUILTIN_TEMPLATE_NAMES } from "../../core/templates/index.ts";
import { readShared } from "../helpers/fixtures.ts";

// Istio's own ConfigMaps as a config (issue "Your cluster's Istio, verbatim"): read as istiod reads
// them, from every config source alike (they all end in loadConfig).

const DIR = "fixtures/istio-releases/1.30.3/configmaps";
const injectorYaml = readShared(DIR, "istio-sidecar-injector.yaml");
const meshYaml = readShared(DIR, "istio.yaml");
const injector = parse(injectorYaml) as JsonObject;
const mesh = parse(meshYaml) as JsonObject;

function load(text: string, options: Parameters<typeof loadConfig>[2] = {}): LoadedConfig {
  const r = loadConfig(text, BUILTIN_TEMPLATE_NAMES, options);
  if (!r.ok) throw new Error(r.error);
  return r.value;
}

function loadError(text: string, options: Parameters<typeof loadConfig>[2] = {}): string {
  const r = loadConfig(text, BUILTIN_TEMPLATE_NAMES, options);
  if (r.ok) throw new Error("loaded");
  return r.error;
}

/** The two ConfigMaps with changes to their data. */
function configMaps(
  change: { config?: string; values?: string; mesh?: string; names?: [string, string] } = {},
) {
  const inj = structuredClone(injector);
  const m = structuredClone(mesh);
  const data = inj.data as JsonObject;
  if (change.config !== undefined) data.config = change.config;
  if (change.values !== undefined) data.values = change.values;
  if (change.mesh !== undefined) (m.data as JsonObject).mesh = change.mesh;
  if (change.names) {
    (inj.metadata as JsonObject).name = change.names[0];
    (m.metadata as JsonObject).name = change.names[1];
  }
  return [inj, m];
}

const list = (items: JsonObject[]) => stringify({ apiVersion: "v1", kind: "List", items });
const stream = (items: JsonObject[]) => items.map((i) => stringify(i)).join("---\n");

describe("Istio's ConfigMaps as a config", () => {
  it("loads a kubectl List of the two ConfigMaps: Istio's templates only, all Go, values exactly as exported", () => {
    const { config } = load(list(configMaps()));
    const istioConfig = parse((injector.data as JsonObject).config as string) as JsonObject;
    expect(Object.keys(config.templates).sort()).toEqual(
      Object.keys(istioConfig.templates as JsonObject).sort(),
    );
    expect(new Set(Object.values(config.templateSyntax))).toEqual(new Set(["go"]));
    expect(config.builtinTemplates).toBe(false);
    expect(config.values).toEqual(JSON.parse((injector.data as JsonObject).values as string));
    expect(config.policy).toBe("enabled");
    expect(config.defaultTemplates).toEqual(["sidecar"]);
    expect(config.injectedAnnotations).toEqual({});
    // The mesh document on Istio's compiled-in defaults.
    expect(config.meshConfig.rootNamespace).toBe("istio-system");
    expect((config.meshConfig.defaultConfig as JsonObject).proxyAdminPort).toBe(15000);
  });

  it("loads the same from a --- stream as from a List", () => {
    expect(load(stream(configMaps())).config).toEqual(load(list(configMaps())).config);
  });

  it("uses values as given: a key removed from them stays removed (no defaults layered under)", () => {
    const values = JSON.parse((injector.data as JsonObject).values as string) as JsonObject;
    const proxy = (values.global as JsonObject).proxy as JsonObject;
    proxy.resources = { limits: { memory: "500Mi" }, requests: { memory: "150Mi" } };
    const { config } = load(list(configMaps({ values: JSON.stringify(values) })));
    const got = ((config.values.global as JsonObject).proxy as JsonObject).resources as JsonObject;
    expect(got).toEqual({ limits: { memory: "500Mi" }, requests: { memory: "150Mi" } });
  });

  it("reads revisioned ConfigMaps and picks the revision asked for", () => {
    const a = configMaps({ names: ["istio-sidecar-injector-1-30", "istio-1-30"] });
    const b = configMaps({
      names: ["istio-sidecar-injector-1-31", "istio-1-31"],
      config: "policy: disabled\ntemplates: {}\n",
    });
    const text = list([...a, ...b]);
    expect(load(text, { revision: "1-31" }).config.policy).toBe("disabled");
    expect(load(text, { revision: "1-30" }).config.policy).toBe("enabled");
    expect(loadError(text)).toMatch(/revisions 1-30, 1-31 and no default one/);
    expect(loadError(text, { revision: "1-32" })).toMatch(/no revision "1-32".*1-30, 1-31/);
  });

  it("refuses a revision given twice, naming both ConfigMaps", () => {
    const error = loadError(list([...configMaps(), ...configMaps()]));
    expect(error).toMatch(/ConfigMap istio-sidecar-injector data.config: revision "default" is given twice/);
  });

  it("refuses ConfigMaps without the injector, and ignores unrelated ones with a warning", () => {
    expect(loadError(list([mesh]))).toMatch(/no istio-sidecar-injector ConfigMap/);
    const other = { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "kube-root-ca.crt" }, data: {} };
    expect(load(list([...configMaps(), other])).warnings.join("\n")).toMatch(
      /kube-root-ca.crt: not an Istio/,
    );
  });

  it("names the ConfigMap and field of a bad part", () => {
    expect(loadError(list(configMaps({ values: "[1, 2" })))).toMatch(
      /ConfigMap istio-sidecar-injector data.values:/,
    );
    expect(loadError(list(configMaps({ config: "policy: 5\n" })))).toMatch(
      /ConfigMap istio-sidecar-injector data.config: policy: must be a string/,
    );
    expect(loadError(list(configMaps({ mesh: "- a\n" })))).toMatch(
      /ConfigMap istio data.mesh: must be a mapping/,
    );
  });
});

describe("Istio's injector schema, with istiod's semantics", () => {
  const withConfig = (config: string) => load(list(configMaps({ config })));

  it("ignores the legacy `template` key and unknown keys, and defaults defaultTemplates to sidecar", () => {
    const r = withConfig(
      'template: "{{ Template_Version_Mismatch }}"\nsomethingNew: 1\ntemplates:\n  sidecar: "a: b"\n',
    );
    expect(r.config.defaultTemplates).toEqual(["sidecar"]);
    expect(Object.keys(r.config.templates)).toEqual(["sidecar"]);
  });

  it("loads a selector istiod cannot parse, with a warning, as istiod skips it", () => {
    const r = withConfig(
      "policy: enabled\nneverInjectSelector:\n- matchExpressions:\n  - {key: app, operator: Sometimes}\ntemplates:\n  sidecar: 'a: b'\n",
    );
    expect(r.config.neverInjectSelector).toHaveLength(1);
    expect(r.warnings.join("\n")).toMatch(/neverInjectSelector\[0\].*istiod skips this selector/);
  });

  it("loads a policy other than enabled/disabled with a warning (istiod injects nothing by it)", () => {
    const r = withConfig("policy: enable\ntemplates:\n  sidecar: 'a: b'\n");
    expect(r.config.policy).toBe("enable");
    expect(r.warnings.join("\n")).toMatch(/policy: "enable" is neither enabled nor disabled/);
  });

  it("warns when templates are empty, as istiod does for an old injector config", () => {
    expect(withConfig("policy: enabled\n").warnings.join("\n")).toMatch(/templates: empty/);
  });
});

describe("Outrigger's own document beside the ConfigMaps", () => {
  it("may set namespaces, features and nativeSidecars", () => {
    const text = `${list(configMaps())}---\n${stringify({ nativeSidecars: true, namespaces: { shop: { labels: { a: "b" } } } })}`;
    const { config } = load(text);
    expect(config.nativeSidecars).toBe(true);
    expect(config.namespaces.shop?.labels).toEqual({ a: "b" });
  });

  it("may not set what the ConfigMaps hold", () => {
    const text = `${list(configMaps())}---\nvalues: {global: {}}\n`;
    expect(loadError(text)).toMatch(/values: not set beside Istio's ConfigMaps/);
  });
});

describe("istiod's switches from the environment", () => {
  const text = list(configMaps());

  it("reads ENABLE_NATIVE_SIDECARS as istiod does; auto is off here, with a warning", () => {
    expect(load(text, { env: { ENABLE_NATIVE_SIDECARS: "true" } }).config.nativeSidecars).toBe(true);
    expect(load(text, { env: { ENABLE_NATIVE_SIDECARS: "false" } }).config.nativeSidecars).toBe(false);
    const auto = load(text, { env: { ENABLE_NATIVE_SIDECARS: "auto" } });
    expect(auto.config.nativeSidecars).toBe(false);
    expect(auto.warnings.join("\n")).toMatch(/ENABLE_NATIVE_SIDECARS=auto/);
  });

  it("lets the environment win over the config's nativeSidecars, saying so", () => {
    const r = load("nativeSidecars: false\n", { env: { ENABLE_NATIVE_SIDECARS: "true" } });
    expect(r.config.nativeSidecars).toBe(true);
    expect(r.warnings.join("\n")).toMatch(/overrides the config's nativeSidecars/);
  });

  it("reads PLATFORM and COMPLIANCE_POLICY into the features", () => {
    const r = load(text, { env: { PLATFORM: "openshift", COMPLIANCE_POLICY: "fips-140-3" } });
    expect(r.config.features).toMatchObject({ PLATFORM: "openshift", COMPLIANCE_POLICY: "fips-140-3" });
  });
});

describe("Outrigger's own config", () => {
  it("refuses a policy that is not enabled or disabled, naming the valid values", () => {
    expect(loadError("policy: enable\n")).toMatch(
      /policy: "enable" is not a policy; the valid values are enabled and disabled/,
    );
  });

  it("refuses several documents that are not ConfigMaps", () => {
    expect(loadError("policy: enabled\n---\npolicy: disabled\n")).toMatch(/2 documents/);
  });
});
