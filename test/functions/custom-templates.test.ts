import { spawnSync } from "node:child_process";
import { cpSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { AdmissionReviewResponse } from "../../core/admission/review.ts";
import type { JsonObject } from "../../core/json.ts";
import { applyResponse, containerNames, REPO, readShared } from "../helpers/fixtures.ts";

// The handler bundles carry Handlebars' runtime and the built-in templates precompiled; the
// compiler, for templates a config brings, is a file of its own next to the bundle, loaded on
// demand. These run each built bundle from a copy of its folder (what the deploy zip holds, and no
// node_modules to fall back on) in a fresh process, as a cold start does.

const capture = readShared("fixtures/apiserver/sample-admissionreview-v1.json");
const pod = (JSON.parse(capture) as { request: { object: JsonObject } }).request.object;

const handlebarsTemplate = `metadata:
  labels:
    outrigger.test/handlebars: {{ObjectMeta.name}}
  annotations:
    outrigger.test/note: {{default "none" (index ObjectMeta.annotations "example.com/note")}}
`;
const customConfig = JSON.stringify({
  templates: {
    "handlebars-extra": handlebarsTemplate,
    // Istio's own custom template, in Go text/template syntax.
    "go-extra": readShared("fixtures/istio/templates/custom.tmpl"),
  },
  defaultTemplates: ["sidecar", "handlebars-extra", "go-extra"],
});

// One admission of the captured pod through the bundle's own entry point, in a fresh process.
const calls = {
  aws: `require("./aws/index.js").handler({
      version: "2.0", rawPath: "/inject", rawQueryString: "", headers: { "content-type": "application/json" },
      requestContext: { http: { method: "POST" }, stage: "$default" }, body, isBase64Encoded: false,
    }).then((r) => done(r.statusCode, r.body));`,
  gcp: `const res = { status(s) { this.s = s; return this; }, set() { return this; }, send(b) { done(this.s, String(b)); } };
    require("./gcp/index.js").inject({
      method: "POST", originalUrl: "/inject", url: "/inject", rawBody: Buffer.from(body), body: JSON.parse(body),
      get: (h) => (h.toLowerCase() === "content-type" ? "application/json" : undefined),
    }, res);`,
};

interface Run {
  status: number;
  review: AdmissionReviewResponse;
  compilerLoaded: boolean;
  logs: string;
}

let dir = "";
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "outrigger-bundles-"));
  for (const target of ["aws", "gcp"])
    cpSync(resolve(REPO, "dist", target), join(dir, target), { recursive: true });
});
afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

function admit(target: keyof typeof calls, config: string | undefined): Run {
  const script = `
    const body = ${JSON.stringify(capture)};
    const done = (status, text) => {
      const compilerLoaded = Object.keys(require.cache).some((f) => f.endsWith("handlebars-compiler.js"));
      process.stderr.write("RESULT " + JSON.stringify({ status, review: JSON.parse(text), compilerLoaded }) + "\\n");
    };
    ${calls[target]}`;
  const env: Record<string, string> = { PATH: process.env.PATH ?? "" };
  if (config !== undefined) env.OUTRIGGER_CONFIG = config;
  const r = spawnSync(process.execPath, ["-e", script], { cwd: dir, env, encoding: "utf8" });
  const line = /^RESULT (.*)$/m.exec(r.stderr)?.[1];
  if (r.status !== 0 || !line) throw new Error(`the ${target} bundle failed: ${r.stderr}${r.stdout}`);
  return { ...JSON.parse(line), logs: r.stdout + r.stderr };
}

describe.each(["aws", "gcp"] as const)("built %s bundle with templates from the config", (target) => {
  it("renders a Handlebars and a Go-syntax template of the config, loading the compiler for them", () => {
    const run = admit(target, customConfig);
    expect(run.status).toBe(200);
    expect(run.review.response).toMatchObject({ allowed: true, patchType: "JSONPatch" });
    expect(run.compilerLoaded).toBe(true);
    const out = applyResponse(pod, run.review);
    const metadata = out.metadata as { labels: Record<string, string>; annotations: Record<string, string> };
    // sidecar: the proxy; handlebars-extra: the label and the annotation; go-extra: foo, env, volume.
    expect(containerNames(out)).toContain("istio-proxy");
    expect(metadata.labels["outrigger.test/handlebars"]).toBe("demo");
    expect(metadata.annotations["outrigger.test/note"]).toBe("fixture");
    expect(metadata.annotations.foo).toBe("bar");
    const app = ((out.spec as JsonObject).containers as JsonObject[]).find((c) => c.name === "app");
    expect(app?.env).toContainEqual({ name: "SOME_ENV", value: "true" });
    expect(((out.spec as JsonObject).volumes as JsonObject[]).map((v) => v.name)).toContain(
      "some-injected-file",
    );
  });

  it("serves the built-in templates without loading the compiler", () => {
    const run = admit(target, undefined);
    expect(run.status).toBe(200);
    expect(run.review.response).toMatchObject({ allowed: true, patchType: "JSONPatch" });
    expect(containerNames(applyResponse(pod, run.review))).toContain("istio-proxy");
    expect(run.compilerLoaded).toBe(false);
    // Once, at cold start: the built-in config is right for no real cluster.
    expect(
      run.logs.match(
        /no config given: the built-in config injects registry\.istio\.io\/testing\/proxyv2:latest/g,
      ),
    ).toHaveLength(1);
    expect(run.logs).toContain("Use your cluster's Istio");
    expect(admit(target, customConfig).logs).not.toContain("no config given");
  });

  // A cold start has no last good config to keep serving: the templates that compile serve, and a pod
  // that asks for a broken one is denied with its error (a reload keeps the last good config instead:
  // test/functions/config-store.test.ts).
  it("at a cold start, serves the templates that compile and denies pods that ask for a broken one", () => {
    const broken = JSON.stringify({
      templates: { broken: "a: {{#if x}}\n", "go-broken": "a: {{ nosuch .X }}\n" },
      defaultTemplates: ["sidecar", "broken"],
    });
    const run = admit(target, broken);
    expect(run.review.response.allowed).toBe(false);
    expect(run.review.response.status?.message).toContain('templates.broken: template "broken": Parse error');
    expect(run.logs).toContain(
      'templates.go-broken: template \\"go-broken\\": template: inject:1: function \\"nosuch\\" not defined',
    );
    const fine = JSON.stringify({ templates: { broken: "a: {{#if x}}\n" }, defaultTemplates: ["sidecar"] });
    const served = admit(target, fine);
    expect(served.review.response.allowed).toBe(true);
    expect(containerNames(applyResponse(pod, served.review))).toContain("istio-proxy");
  });
});
