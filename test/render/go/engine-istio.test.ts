import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { parse as parseYaml } from "yaml";
import { parseGoTemplate } from "../../../core/render/go/template.ts";
import type { GoFunc } from "../../../core/render/go/values.ts";

/**
 * Every template of every release's injector ConfigMap parses with a function map holding the
 * names those templates call (stubs: parsing only checks names), as istiod parses each entry on its
 * own under the name `inject`.
 */

const RELEASES = "/work/shared/fixtures/istio-releases";
const releases = ["1.29.6", "1.30.3", "1.31.0-rc.0"];

function templatesOf(release: string): Record<string, string> {
  const cm = parseYaml(readFileSync(`${RELEASES}/${release}/configmaps/istio-sidecar-injector.yaml`, "utf8"));
  const config = parseYaml(cm.data.config) as { templates: Record<string, string> };
  return config.templates;
}

/** Names a template calls: identifiers in actions that are not keywords, literals or Go built-ins. */
const NAMES = [
  // Sprig and Istio names the built-in templates use (see istio-go-templates.md §5).
  "annotation",
  "isset",
  "valueOrDefault",
  "excludeInboundPort",
  "includeInboundPorts",
  "kubevirtInterfaces",
  "excludeInterfaces",
  "applicationPorts",
  "appendMultusNetwork",
  "toJSON",
  "fromJSON",
  "structToJSON",
  "protoToJSON",
  "toJsonMap",
  "mergeMaps",
  "toYaml",
  "indent",
  "directory",
  "contains",
  "toLower",
  "appendMultusNetwork",
  "env",
  "omit",
  "strdict",
  "otelResourceAttributes",
  "formatDuration",
  "omitNil",
  "default",
  "quote",
  "trunc",
  "trimSuffix",
  "trimAll",
  "list",
  "append",
  "join",
  "nindent",
  "hasPrefix",
  "hasKey",
  "dict",
  "toString",
  "replace",
  "squote",
  "lower",
  "empty",
  "split",
  "trim",
  "ternary",
];

const stub: GoFunc = () => "";
const funcs = new Map<string, GoFunc>(NAMES.map((n) => [n, stub]));

describe("Istio's injection templates parse", () => {
  for (const release of releases) {
    const templates = templatesOf(release);
    it(`${release}: has the built-in templates`, () => {
      expect(Object.keys(templates)).toEqual(
        expect.arrayContaining(["sidecar", "gateway", "grpc-agent", "grpc-simple"]),
      );
    });
    for (const [name, text] of Object.entries(templates)) {
      it(`${release}/${name}`, () => {
        const r = parseGoTemplate("inject", text, funcs);
        if (!r.ok) throw new Error(r.error);
        expect(r.value.trees.has("inject")).toBe(true);
        // sidecar and grpc-agent define "resources"; the definition stays inside its own template.
        if (text.includes('define "resources"')) expect(r.value.trees.has("resources")).toBe(true);
      });
    }
  }

  it("refuses a template whose function is not in the map, at parse time, with Go's message", () => {
    const text = templatesOf("1.31.0-rc.0").sidecar as string;
    const without = new Map(funcs);
    without.delete("toLower");
    const r = parseGoTemplate("inject", text, without);
    expect(r.ok).toBe(false);
    if (r.ok) return;
    const line = text.split("\n").findIndex((l) => /\btoLower\b/.test(l)) + 1;
    expect(r.error).toBe(`template: inject:${line}: function "toLower" not defined`);
  });

  it("refuses the chart's legacy `template:` sentinel function", () => {
    const r = parseGoTemplate(
      "inject",
      "{{ Template_Version_And_Istio_Version_Mismatched_Check_Installation }}",
      funcs,
    );
    expect(r).toEqual({
      ok: false,
      error:
        'template: inject:1: function "Template_Version_And_Istio_Version_Mismatched_Check_Installation" not defined',
    });
  });
});
