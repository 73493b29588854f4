import { spawnSync } from "node:child_process";
import { readdirSync } from "node:fs";
import { resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { REPO, sharedPath } from "./helpers/fixtures.ts";

// The handler bundles load the `yaml` package, the mesh-field checker, the Go engine and Handlebars'
// compiler from files beside them on first use (scripts/build.mjs). These check that each is loaded
// only when needed, and that what is loaded through the forwarding module behaves as the package
// does; they run the bundles `npm run build` made.

const capture = sharedPath("fixtures/apiserver/sample-admissionreview-v1.json");
const ON_DEMAND = ["yaml.js", "mesh-fields.js", "go-engine.js", "handlebars-compiler.js"];

/** A fresh node that answers the captured request with `bundle`, and what it printed and loaded. */
function answer(bundle: string, env: Record<string, string>) {
  const script = `
    const body = require("fs").readFileSync(${JSON.stringify(capture)}, "utf8");
    require(${JSON.stringify(bundle)}).handler({
      version: "2.0", rawPath: "/inject", rawQueryString: "", headers: { "content-type": "application/json" },
      requestContext: { http: { method: "POST" }, stage: "$default" }, body, isBase64Encoded: false,
    }).then((res) => process.stderr.write("RESULT " + JSON.stringify({
      status: res.statusCode, body: res.body, loaded: Object.keys(require.cache),
    }) + "\\n"));`;
  const r = spawnSync(process.execPath, ["-e", script], {
    encoding: "utf8",
    cwd: REPO,
    env: { ...process.env, OUTRIGGER_TOKENS: "", OUTRIGGER_CONFIG_URL: "", OUTRIGGER_CONFIG: "", ...env },
  });
  expect(r.status, r.stderr).toBe(0);
  const result = JSON.parse(/RESULT (.*)/.exec(r.stderr)?.[1] ?? "{}") as {
    status: number;
    body: string;
    loaded: string[];
  };
  const onDemand = result.loaded
    .filter((f) => f.startsWith(resolve(REPO, "dist")))
    .map((f) => f.slice(f.lastIndexOf("/") + 1))
    .filter((f) => ON_DEMAND.includes(f))
    .sort();
  return { ...result, onDemand, logs: r.stdout };
}

describe.each(["aws", "gcp"])("the %s handler bundle's files loaded on demand", (cloud) => {
  const bundle = resolve(REPO, "dist", cloud, "index.js");

  it("has each of them beside it", () => {
    const files = readdirSync(resolve(REPO, "dist", cloud));
    for (const f of ON_DEMAND) expect(files).toContain(f);
  });

  if (cloud !== "aws") return; // the GCP bundle's entry needs the Functions Framework to answer

  it("answers with the built-in config loading none of them", () => {
    const r = answer(bundle, {});
    expect(r.status).toBe(200);
    expect(JSON.parse(r.body).response.patchType).toBe("JSONPatch");
    expect(r.onDemand).toEqual([]);
  });

  it("reads a config document through the yaml package and names its mesh config's unknown fields", () => {
    const config = [
      "policy: enabled",
      "meshConfig:",
      "  defaultConfig:",
      "    proxyMetadta: {}",
      "    proxyMetadata: { A: b }",
      "",
    ].join("\n");
    const r = answer(bundle, { OUTRIGGER_CONFIG: config });
    expect(r.status).toBe(200);
    expect(JSON.parse(r.body).response.patchType).toBe("JSONPatch");
    expect(r.onDemand).toEqual(["mesh-fields.js", "yaml.js"]);
    expect(r.logs).toContain("defaultConfig.proxyMetadta: unknown field (did you mean proxyMetadata?)");
  });
});
