import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { createServer } from "node:net";
import { resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { REPO, readShared } from "../helpers/fixtures.ts";

// The Cloud Function bundle served by the real functions-framework, as Cloud Run functions run it.
const FF = resolve(REPO, "node_modules/@google-cloud/functions-framework/build/src/main.js");
const capture = readShared("fixtures/apiserver/sample-admissionreview-v1.json");

function freePort(): Promise<number> {
  return new Promise((done) => {
    const s = createServer().listen(0, "127.0.0.1", () => {
      const a = s.address();
      s.close(() => done(typeof a === "object" && a ? a.port : 0));
    });
  });
}

// The same suite on this machine's Node and, in CI, on Node 24 (see node24.test.ts).
const runtimes = [["this Node", process.execPath]];
if (process.env.OUTRIGGER_TEST_NODE24 && existsSync(process.env.OUTRIGGER_TEST_NODE24)) {
  runtimes.push(["Node 24", process.env.OUTRIGGER_TEST_NODE24]);
}

describe.each(runtimes)("GCP function through functions-framework on %s", (_name, nodeBin) => {
  let base = "";
  const output: string[] = [];
  let child: ReturnType<typeof spawn>;
  beforeAll(async () => {
    const port = await freePort();
    child = spawn(
      nodeBin as string,
      [FF, "--target=inject", `--source=${resolve(REPO, "dist/gcp")}`, `--port=${port}`],
      {
        env: { ...process.env, OUTRIGGER_TOKENS: "tok-a,tok-b", NODE_ENV: "" },
      },
    );
    child.stdout?.setEncoding("utf8").on("data", (c: string) => output.push(c));
    child.stderr?.setEncoding("utf8").on("data", (c: string) => output.push(c));
    base = `http://127.0.0.1:${port}`;
    for (let i = 0; i < 100; i++) {
      try {
        if ((await fetch(`${base}/healthz`)).status === 200) return;
      } catch {
        // not listening yet
      }
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error(`functions-framework did not start: ${output.join("")}`);
  });
  afterAll(() => {
    child?.kill();
  });

  const post = (path: string, body: string, contentType = "application/json") =>
    fetch(`${base}${path}`, { method: "POST", headers: { "content-type": contentType }, body });

  it("answers the captured request line POST /inject?timeout=5s with the token in the path", async () => {
    const res = await post("/inject/t/tok-b?timeout=5s", capture);
    expect(res.status).toBe(200);
    expect(((await res.json()) as { response: unknown }).response).toMatchObject({
      allowed: true,
      patchType: "JSONPatch",
    });
  });

  it("answers v1beta1 in v1beta1", async () => {
    const res = await post(
      "/inject/t/tok-a/cluster/c1",
      readShared("fixtures/apiserver/sample-admissionreview-v1beta1.json"),
    );
    expect(((await res.json()) as { apiVersion: string }).apiVersion).toBe("admission.k8s.io/v1beta1");
  });

  it("refuses a wrong, missing or rotated-out token with a bare 404", async () => {
    for (const path of ["/inject/t/tok-c", "/inject", "/inject/t/"]) {
      const res = await post(path, capture);
      expect(res.status).toBe(404);
      expect(await res.text()).toBe("not found\n");
    }
  });

  it("reports health and 404s other routes", async () => {
    const health = await fetch(`${base}/healthz`);
    expect(await health.json()).toMatchObject({ status: "ok" });
    expect((await fetch(`${base}/other`)).status).toBe(404);
  });

  it("answers JSON it cannot parse as every front end does, with no stack trace", async () => {
    // functions-framework's own parsers never see the body (functions/gcp/front.ts): unparseable
    // JSON is a denied AdmissionReview, as on the Lambda and `outrigger serve`.
    const res = await post("/inject/t/tok-a", "{not json");
    expect(res.status).toBe(200);
    const text = await res.text();
    expect(JSON.parse(text).response).toMatchObject({
      allowed: false,
      status: { message: "could not decode body: not valid JSON" },
    });
    expect(text).not.toMatch(/\bat .*\.js:\d+/);
  });

  it("logs one line per admission with Cloud Logging's severity, without the token", () => {
    const lines = output
      .join("")
      .split("\n")
      .filter((l) => l.startsWith("{"))
      .map((l) => JSON.parse(l));
    const admission = lines.find((l) => l.message === "admission injected");
    expect(admission).toMatchObject({ severity: "INFO", pod: "inject-v1/demo", outcome: "injected" });
    expect(typeof admission.latencyMs).toBe("number");
    expect(output.join("")).not.toContain("tok-a");
    expect(output.join("")).not.toContain("tok-b");
  });
});
