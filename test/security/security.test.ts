import { readdirSync, readFileSync } from "node:fs";
import { resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { admit } from "../../core/admission/admit.ts";
import { defaultEngine, loadEngine } from "../../core/engine.ts";
import type { JsonObject } from "../../core/json.ts";
import { configureLogs } from "../../functions/shared/log.ts";
import { createApp, fixedSource } from "../../functions/shared/router.ts";
import { applyResponse, REPO, readShared, reviewFor } from "../helpers/fixtures.ts";

const capture = readShared("fixtures/apiserver/sample-admissionreview-v1.json");

describe("a caller without the token", () => {
  const lines: string[] = [];
  const app = createApp({
    source: fixedSource(defaultEngine()),
    tokens: ["s3cret-token-aaaaaaaaaaaa", "s3cret-token-bbbbbbbbbbbb"],
  });

  it("gets the same answer, byte for byte, whatever it tries", async () => {
    configureLogs({ sink: (l) => lines.push(l) });
    const tries = [
      ["POST", "/inject"],
      ["POST", "/inject/t/wrong"],
      ["POST", "/inject/t/s3cret-token-aaaaaaaaaaa"], // one character short
      ["POST", "/inject/t/S3CRET-TOKEN-AAAAAAAAAAAA"],
      ["GET", "/inject/t/s3cret-token-aaaaaaaaaaaa"], // right token, wrong method
      ["POST", "/inject/cluster/c1"],
      ["PUT", "/admin"],
      ["POST", "/"],
      ["GET", "/inject/t/../../healthz"],
    ];
    const answers = await Promise.all(
      tries.map(([method, url]) =>
        app.handle({
          method: method as string,
          url: url as string,
          contentType: "application/json",
          body: capture,
        }),
      ),
    );
    const first = JSON.stringify(answers[0]);
    for (const a of answers) expect(JSON.stringify(a)).toBe(first);
    expect(answers[0]?.status).toBe(404);
  });

  it("never sees a token, and neither do the logs", async () => {
    const ok = await app.handle({
      method: "POST",
      url: "/inject/t/s3cret-token-bbbbbbbbbbbb/cluster/c1",
      contentType: "application/json",
      body: capture,
    });
    expect(ok.status).toBe(200);
    expect(ok.body).not.toContain("s3cret");
    configureLogs({ sink: (l) => process.stderr.write(`${l}\n`) });
    expect(lines.join("\n")).not.toContain("s3cret");
    expect(lines.some((l) => l.includes("/inject/cluster/c1"))).toBe(true);
  });
});

describe("request bodies with prototype-pollution keys", () => {
  it("change nothing: no prototype is touched and the keys stay data", () => {
    const pod = JSON.parse(
      '{"apiVersion":"v1","kind":"Pod","__proto__":{"polluted":1},"metadata":{"name":"p","labels":{"__proto__":"x","constructor":"y"},"annotations":{"__proto__":"z"}},"spec":{"containers":[{"name":"app","image":"a","constructor":{"prototype":{"polluted":1}}}]}}',
    );
    const result = admit(reviewFor(pod), defaultEngine());
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(Object.getPrototypeOf(pod)).toBe(Object.prototype);
    expect(result.review.response.allowed).toBe(true);
    const out = applyResponse(pod, result.review);
    expect(Object.hasOwn((out.metadata as JsonObject).labels as JsonObject, "__proto__")).toBe(true);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});

describe("templates", () => {
  const render = (template: string) => {
    const engine = loadEngine(
      JSON.stringify({ defaultTemplates: ["probe"], templates: { probe: template } }),
    );
    if (!engine.ok) throw new Error(engine.error);
    const pod = {
      apiVersion: "v1",
      kind: "Pod",
      metadata: { name: "p" },
      spec: { containers: [{ name: "app", image: "a" }] },
    };
    const result = admit(reviewFor(pod), engine.value);
    return (applyResponse(pod, result.review).metadata as JsonObject).annotations as Record<string, string>;
  };

  it("cannot read the environment", () => {
    process.env.OUTRIGGER_SECRET_PROBE = "leaked";
    expect(render('metadata:\n  annotations:\n    e: {{env "OUTRIGGER_SECRET_PROBE" "default"}}\n').e).toBe(
      "default",
    );
    delete process.env.OUTRIGGER_SECRET_PROBE;
  });

  it("cannot reach constructors, prototypes or globals", () => {
    const a = render(
      'metadata:\n  annotations:\n    a: {{toJson (lookup ObjectMeta "constructor")}}\n    b: {{toJson (lookup this "__proto__")}}\n    c: {{toJson process}}\n    d: {{toJson global}}\n',
    );
    for (const k of ["a", "b", "c", "d"]) expect(["null", "", "{}"]).toContain(a[k] ?? "");
  });

  it("have no helper that can do I/O: the render code imports no file, process or network module", () => {
    const dir = resolve(REPO, "core/render");
    for (const file of readdirSync(dir).filter((f) => f.endsWith(".ts"))) {
      const source = readFileSync(resolve(dir, file), "utf8");
      expect(source, file).not.toMatch(
        /from "node:(fs|child_process|net|http|https|dns|dgram|worker_threads|vm)"/,
      );
      expect(source, file).not.toMatch(/process\.env|require\(|\beval\(|new Function/);
    }
  });
});
