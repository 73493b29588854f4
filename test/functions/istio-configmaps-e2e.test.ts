import { spawn } from "node:child_process";
import { cpSync, mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { AdmissionReviewResponse } from "../../core/admission/review.ts";
import type { JsonObject } from "../../core/json.ts";
import { startServer } from "../helpers/cli.ts";
import { applyResponse, REPO, readShared, reviewFor } from "../helpers/fixtures.ts";
import { type GoogleFake, startGoogleFake } from "../helpers/gcs-fake.ts";
import { podDocuments, podFromWorkload } from "../helpers/istio-cases.ts";
import { releaseCases, releaseConfigMaps, releaseEnv } from "../helpers/istio-releases.ts";
import { v2Event } from "../helpers/lambda-events.ts";
import { ricAvailable, startLambda } from "../helpers/lambda-runtime.ts";
import { normalizeWebhookPod } from "../helpers/parity.ts";
import { type LocalS3, S3_TEST_ENV, startS3 } from "../helpers/s3.ts";

/**
 * Istio 1.30.3's own ConfigMaps in object storage, served by every front end: the Lambda bundle under
 * the real runtime client reading them from S3 (s3rver), the GCP bundle under the real
 * functions-framework reading them from GCS (the in-repo GCS fake), and `outrigger serve`. Each injects
 * the corpus's `hello` Deployment's pod exactly as istiod 1.30.3 does (its golden).
 */

const RELEASE = "1.30.3";
const c = releaseCases(RELEASE).find((x) => x.id === "hello");
if (!c) throw new Error("no hello case");
const configText = releaseConfigMaps(RELEASE, c);
const env = releaseEnv(c);
const dir = `fixtures/istio-releases/${RELEASE}`;
const [workload] = podDocuments(readShared(dir, c.input));
const [goldenDoc] = podDocuments(readShared(dir, c.golden));
const { pod, namespace } = podFromWorkload(workload as JsonObject);
const golden = podFromWorkload(goldenDoc as JsonObject).pod;
const body = JSON.stringify(reviewFor(pod, { namespace, uid: "e2e-1" }));

function expectGolden(review: AdmissionReviewResponse): void {
  expect(review.response.allowed, JSON.stringify(review.response.status)).toBe(true);
  const injected = applyResponse(pod, review);
  expect(normalizeWebhookPod(injected, true, false)).toEqual(normalizeWebhookPod(golden, false, false));
}

function freePort(): Promise<number> {
  return new Promise((done) => {
    const s = createServer().listen(0, "127.0.0.1", () => {
      const a = s.address();
      s.close(() => done(typeof a === "object" && a ? a.port : 0));
    });
  });
}

let s3: LocalS3;
let google: GoogleFake;
beforeAll(async () => {
  s3 = await startS3(["istio"]);
  await s3.put("istio", "istio-configmaps.yaml", configText);
  google = await startGoogleFake();
  google.put("istio", "istio-configmaps.yaml", configText);
});
afterAll(async () => {
  await s3?.close();
  await google?.close();
});

const s3Env = () => ({
  ...S3_TEST_ENV,
  ...env,
  OUTRIGGER_CONFIG_URL: "s3://istio/istio-configmaps.yaml",
  AWS_ENDPOINT_URL_S3: s3.endpoint,
});

describe.skipIf(!ricAvailable)(
  `Lambda bundle, Istio ${RELEASE} ConfigMaps from S3, real runtime client`,
  () => {
    it("injects the pod istiod would", async () => {
      const root = mkdtempSync(join(tmpdir(), "outrigger-lambda-"));
      cpSync(resolve(REPO, "dist/aws"), root, { recursive: true });
      const lambda = await startLambda(root, s3Env());
      try {
        const out = await lambda.invoke(v2Event({ rawPath: "/inject", body }));
        expect(out.ok, lambda.stdout.join("")).toBe(true);
        const res = out.body as { statusCode: number; body: string };
        expect(res.statusCode).toBe(200);
        expectGolden(JSON.parse(res.body) as AdmissionReviewResponse);
      } finally {
        await lambda.stop();
        rmSync(root, { recursive: true, force: true });
      }
    });
  },
);

describe(`GCP bundle, Istio ${RELEASE} ConfigMaps from GCS, real functions-framework`, () => {
  it("injects the pod istiod would", async () => {
    const FF = resolve(REPO, "node_modules/@google-cloud/functions-framework/build/src/main.js");
    const port = await freePort();
    const output: string[] = [];
    const child = spawn(
      process.execPath,
      [FF, "--target=inject", `--source=${resolve(REPO, "dist/gcp")}`, `--port=${port}`],
      {
        env: {
          ...process.env,
          ...env,
          NODE_ENV: "",
          OUTRIGGER_CONFIG_URL: "gs://istio/istio-configmaps.yaml",
          STORAGE_EMULATOR_HOST: google.host,
        },
      },
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
      const res = await fetch(`${base}/inject?timeout=10s`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body,
      });
      expect(res.status, output.join("")).toBe(200);
      expectGolden((await res.json()) as AdmissionReviewResponse);
    } finally {
      child.kill("SIGKILL");
    }
  });
});

describe(`outrigger serve, Istio ${RELEASE} ConfigMaps from S3`, () => {
  it("injects the pod istiod would", async () => {
    const server = await startServer([], s3Env());
    try {
      const res = await fetch(`${server.url}/inject?timeout=10s`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body,
      });
      expect(res.status, server.logs.join("")).toBe(200);
      expectGolden((await res.json()) as AdmissionReviewResponse);
    } finally {
      await server.stop();
    }
  });
});
