import { spawn } from "node:child_process";
import { cpSync, mkdtempSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import type { AdmissionReviewResponse } from "../../core/admission/review.ts";
import type { JsonObject } from "../../core/json.ts";
import { runCli } from "../helpers/cli.ts";
import { REPO, reviewFor } from "../helpers/fixtures.ts";
import { v2Event } from "../helpers/lambda-events.ts";
import { ricAvailable, startLambda } from "../helpers/lambda-runtime.ts";
import {
  BASE,
  BESIDE,
  calledUrls,
  expectRevisionSidecar,
  SCENARIOS,
  type Scenario,
  scenarioPod,
  TOKEN,
} from "./canary-drive.ts";
import { deploymentConfig } from "./canary-fixture.ts";

/**
 * Issue 15's "done when": the canary path through the built handlers, with Istio 1.30.3's and
 * 1.31.0-rc.0's ConfigMaps as revisions 1-30 and 1-31. The Lambda bundle runs under the real runtime
 * client, the GCP bundle under the real functions-framework, each serving a config file it
 * revalidates on every request (TTL 0). The registrations are the built CLI's
 * (`webhook-config --config`); each pod goes where their selectors send it and must come back with its
 * revision's sidecar. Then the tag moves and the old revision goes, by config alone.
 */

const dir = mkdtempSync(join(tmpdir(), "outrigger-canary-built-"));
const configPath = join(dir, "config.yaml");
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Replaces the served config atomically (a new inode: the file source sees the change). */
function serve(revisions: string[], tags: Record<string, string>): JsonObject[] {
  const next = join(dir, "next.yaml");
  writeFileSync(next, deploymentConfig(revisions, BESIDE(tags, revisions)));
  renameSync(next, configPath);
  const r = runCli(["webhook-config", "--url", BASE, "--config", configPath, "-o", "json"]);
  expect(r.status, r.stderr).toBe(0);
  return (JSON.parse(r.stdout) as { items: JsonObject[] }).items;
}

const ENV = {
  OUTRIGGER_CONFIG_URL: pathToFileURL(configPath).href,
  OUTRIGGER_CONFIG_TTL: "0",
  OUTRIGGER_TOKENS: TOKEN,
};

type Post = (path: string, body: string) => Promise<{ status: number; body: string }>;

async function canaryPath(post: Post): Promise<void> {
  const send = async (url: string, pod: JsonObject): Promise<AdmissionReviewResponse> => {
    const body = JSON.stringify(reviewFor(pod, { namespace: "shop", uid: "u1" }));
    const res = await post(new URL(url).pathname, body);
    expect(res.status, res.body).toBe(200);
    return JSON.parse(res.body) as AdmissionReviewResponse;
  };
  const drive = async (configs: JsonObject[], s: Scenario) => {
    const pod = scenarioPod(s);
    const urls = calledUrls(configs, s.ns, (pod.metadata as JsonObject).labels as Record<string, string>);
    if (s.revision === undefined) return expect(urls, s.what).toEqual([]);
    expect(urls, s.what).toHaveLength(1);
    expectRevisionSidecar(s, s.revision, pod, await send(urls[0] as string, pod));
  };

  // Both revisions, the tags on 1-30: every labelling reaches its revision.
  let configs = serve(["1-30", "1-31"], { default: "1-30", prod: "1-30" });
  for (const s of SCENARIOS) await drive(configs, s);

  // The tag moves: a config change and re-rendered registrations, the same function.
  configs = serve(["1-30", "1-31"], { default: "1-30", prod: "1-31" });
  await drive(configs, { what: "prod after the move", ns: { "istio.io/rev": "prod" }, revision: "1-31" });
  await drive(configs, { what: "1-30 still served", ns: { "istio.io/rev": "1-30" }, revision: "1-30" });

  // The old revision goes: its label selects nothing, and a stale URL is denied by name.
  configs = serve(["1-31"], { default: "1-31", prod: "1-31" });
  await drive(configs, {
    what: "istio-injection=enabled",
    ns: { "istio-injection": "enabled" },
    revision: "1-31",
  });
  await drive(configs, { what: "old label", ns: { "istio.io/rev": "1-30" }, revision: undefined });
  const stale = await send(
    BASE.replace("/cluster/", "/rev/1-30/cluster/"),
    scenarioPod(SCENARIOS[0] as Scenario),
  );
  expect(stale.response.allowed).toBe(false);
  expect(stale.response.status?.message).toMatch(/no revision "1-30".*holds 1-31/);
}

describe.skipIf(!ricAvailable)("the canary path through the Lambda bundle, real runtime client", () => {
  it("serves every revision and tag, moves the tag and drops the old revision by config", async () => {
    const root = mkdtempSync(join(tmpdir(), "outrigger-lambda-"));
    cpSync(resolve(REPO, "dist/aws"), root, { recursive: true });
    const lambda = await startLambda(root, ENV);
    try {
      await canaryPath(async (path, body) => {
        const out = await lambda.invoke(v2Event({ rawPath: path, rawQueryString: "timeout=10s", body }));
        expect(out.ok, lambda.stdout.join("")).toBe(true);
        const res = out.body as { statusCode: number; body: string };
        return { status: res.statusCode, body: res.body };
      });
    } finally {
      await lambda.stop();
      rmSync(root, { recursive: true, force: true });
    }
  }, 120_000);
});

function freePort(): Promise<number> {
  return new Promise((done) => {
    const s = createServer().listen(0, "127.0.0.1", () => {
      const a = s.address();
      s.close(() => done(typeof a === "object" && a ? a.port : 0));
    });
  });
}

describe("the canary path through the GCP bundle, real functions-framework", () => {
  it("serves every revision and tag, moves the tag and drops the old revision by config", async () => {
    const FF = resolve(REPO, "node_modules/@google-cloud/functions-framework/build/src/main.js");
    const port = await freePort();
    const output: string[] = [];
    const child = spawn(
      process.execPath,
      [FF, "--target=inject", `--source=${resolve(REPO, "dist/gcp")}`, `--port=${port}`],
      { env: { ...process.env, ...ENV, NODE_ENV: "" } },
    );
    child.stdout?.setEncoding("utf8").on("data", (x: string) => output.push(x));
    child.stderr?.setEncoding("utf8").on("data", (x: string) => output.push(x));
    try {
      const base = `http://127.0.0.1:${port}`;
      for (let i = 0; i < 100; i++) {
        const up = await fetch(`${base}/healthz`).then(
          (r) => r.status === 200,
          () => false,
        );
        if (up) break;
        await new Promise((r) => setTimeout(r, 100));
      }
      await canaryPath(async (path, body) => {
        const res = await fetch(`${base}${path}?timeout=10s`, {
          method: "POST",
          headers: { "content-type": "application/json" },
          body,
        });
        return { status: res.status, body: await res.text() };
      });
    } finally {
      child.kill("SIGKILL");
    }
  }, 120_000);
});
