import { spawnSync } from "node:child_process";
import { resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { admitHttp } from "../../core/admission/http.ts";
import { prime, primeReview } from "../../core/admission/prime.ts";
import { decodeReview } from "../../core/admission/review.ts";
import { defaultEngine, type Engine } from "../../core/engine.ts";
import type { JsonObject } from "../../core/json.ts";
import { REPO, readShared, sharedPath } from "../helpers/fixtures.ts";
import { installedEngine, RELEASES } from "../helpers/istio-releases.ts";

// The handlers answer one admission of their own at start-up (core/admission/prime.ts) so that a
// cold instance's first real request is not the one every function is compiled on. These check
// that the primer is a pod each config injects, and that priming changes no answer.

const captured = readShared("fixtures/apiserver/sample-admissionreview-v1.json");

/** The captured request, then the same pod as replicas and under another name: answers of `engine`. */
function answers(engine: Engine): string[] {
  const replica = JSON.parse(captured) as { request: { object: JsonObject } };
  const meta = replica.request.object.metadata as JsonObject;
  meta.generateName = `${String(meta.name)}-7d4b9c8f6d-`;
  delete meta.name;
  const renamed = JSON.parse(captured) as { request: { object: JsonObject } };
  (renamed.request.object.metadata as JsonObject).name = "another-name";
  return [
    captured,
    JSON.stringify(replica),
    JSON.stringify(replica),
    JSON.stringify(renamed),
    primeReview(),
  ].map((body) => admitHttp({ path: "/inject", contentType: "application/json", body }, engine).body);
}

describe("the primer admission", () => {
  it("is a well-formed review of a pod CREATE", () => {
    const decoded = decodeReview(JSON.parse(primeReview()));
    expect(decoded.ok).toBe(true);
  });

  const configs: [string, () => Engine][] = [
    ["the built-in config", () => defaultEngine()],
    ...RELEASES.map((r): [string, () => Engine] => [`Istio ${r}'s own ConfigMaps`, () => installedEngine(r)]),
  ];
  it.each(configs)("is injected by %s, and changes none of its answers", (_, engine) => {
    const primed = engine();
    expect(prime(primed)).toBe(true);
    expect(answers(primed)).toEqual(answers(engine()));
  });
});

describe("the handler bundle's priming at start-up", () => {
  const bundle = resolve(REPO, "dist/aws/index.js");

  /** A fresh node loading the built Lambda bundle and answering the captured request: its log lines and answer. */
  function start(env: Record<string, string>) {
    const script = `
      const body = require("fs").readFileSync(${JSON.stringify(sharedPath("fixtures/apiserver/sample-admissionreview-v1.json"))}, "utf8");
      const { handler } = require(${JSON.stringify(bundle)});
      setImmediate(() => handler({
        version: "2.0", rawPath: "/inject", rawQueryString: "", headers: { "content-type": "application/json" },
        requestContext: { http: { method: "POST" }, stage: "$default" }, body, isBase64Encoded: false,
      }).then((res) => process.stderr.write("RESULT " + JSON.stringify(res) + "\\n")));`;
    const r = spawnSync(process.execPath, ["-e", script], {
      encoding: "utf8",
      cwd: REPO,
      env: { ...process.env, OUTRIGGER_TOKENS: "", OUTRIGGER_CONFIG_URL: "", OUTRIGGER_CONFIG: "", ...env },
    });
    expect(r.status, r.stderr).toBe(0);
    const lines = r.stdout
      .split("\n")
      .filter((l) => l.startsWith("{"))
      .map((l) => JSON.parse(l) as { level: string; message: string; injected?: boolean });
    const result = JSON.parse(/RESULT (.*)/.exec(r.stderr)?.[1] ?? "{}") as { body: string };
    return { lines, body: result.body };
  }

  const primed = (lines: { message: string }[]) => lines.filter((l) => l.message.startsWith("primed"));

  it("primes by default, logs it, and answers the first request as an unprimed instance does", () => {
    const on = start({});
    expect(primed(on.lines)).toEqual([expect.objectContaining({ level: "DEBUG", injected: true })]);
    // Before the first request: the line comes ahead of the admission's own.
    const order = on.lines.map((l) => l.message);
    expect(order.findIndex((m) => m.startsWith("primed"))).toBeLessThan(
      order.findIndex((m) => m.startsWith("admission ")),
    );
    const off = start({ OUTRIGGER_PRIME: "false" });
    expect(primed(off.lines)).toEqual([]);
    expect(on.body).toBe(off.body);
    expect(JSON.parse(on.body).response.patchType).toBe("JSONPatch");
  });

  it("says which variable is wrong when OUTRIGGER_PRIME is neither true nor false, and primes", () => {
    const r = start({ OUTRIGGER_PRIME: "sometimes" });
    expect(r.lines).toContainEqual(
      expect.objectContaining({
        level: "WARN",
        message: expect.stringContaining("OUTRIGGER_PRIME: must be true or false"),
      }),
    );
    expect(primed(r.lines)).toHaveLength(1);
  });
});
