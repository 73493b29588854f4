import { createRequire } from "node:module";
import { resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { toWebRequest } from "../../functions/aws/event.ts";
import { REPO, readShared } from "../helpers/fixtures.ts";
import { restEvent, v2Event } from "../helpers/lambda-events.ts";
import { ricAvailable, startLambda } from "../helpers/lambda-runtime.ts";

const TASK_ROOT = resolve(REPO, "dist/aws");
const capture = readShared("fixtures/apiserver/sample-admissionreview-v1.json");
const TOKENS = { OUTRIGGER_TOKENS: "old-token,new-token" };

/** The event cases, run once through the real runtime client and once against the bundle directly. */
const cases = [
  {
    name: "REST API (payload 1.0)",
    event: restEvent({ path: "/inject/t/new-token/cluster/c1", body: capture, query: { timeout: "10s" } }),
    status: 200,
  },
  {
    name: "REST API with a base64 body",
    event: restEvent({ path: "/inject/t/new-token", body: capture, base64: true }),
    status: 200,
  },
  {
    name: "HTTP API (payload 2.0) on a named stage",
    event: v2Event({
      rawPath: "/prod/inject/t/new-token/net/n1",
      body: capture,
      rawQueryString: "timeout=10s",
      stage: "prod",
    }),
    status: 200,
  },
  {
    name: "function URL with a base64 body",
    event: v2Event({ rawPath: "/inject/t/old-token", body: capture, base64: true }),
    status: 200,
  },
  { name: "health check", event: v2Event({ method: "GET", rawPath: "/healthz" }), status: 200 },
  { name: "wrong token", event: v2Event({ rawPath: "/inject/t/nope", body: capture }), status: 404 },
  { name: "no token", event: restEvent({ path: "/inject", body: capture }), status: 404 },
  {
    name: "wrong content type",
    event: v2Event({ rawPath: "/inject/t/new-token", body: capture, contentType: "text/plain" }),
    status: 415,
  },
];

interface Result {
  statusCode: number;
  body: string;
  isBase64Encoded: boolean;
  headers: Record<string, string>;
}

function checkResult(name: string, status: number, result: Result) {
  expect(result.statusCode, name).toBe(status);
  expect(result.isBase64Encoded).toBe(false);
  if (status === 200 && !name.startsWith("health")) {
    const review = JSON.parse(result.body);
    expect(review.response).toMatchObject({
      uid: "0de6848f-a084-4840-bbfd-aaf470fa8649",
      allowed: true,
      patchType: "JSONPatch",
    });
  }
  if (status === 404) expect(result.body).toBe("not found\n");
}

describe("Lambda event translation", () => {
  it("reads path, query and body from each event shape", () => {
    expect(toWebRequest(cases[0]!.event)).toMatchObject({
      method: "POST",
      url: "/inject/t/new-token/cluster/c1?timeout=10s",
    });
    expect(toWebRequest(cases[2]!.event)).toMatchObject({ url: "/inject/t/new-token/net/n1?timeout=10s" });
    const b64 = toWebRequest(cases[3]!.event);
    expect(Buffer.from(b64.body as Uint8Array).toString("utf8")).toBe(capture);
    expect(toWebRequest(v2Event({ rawPath: "/prod", stage: "prod" })).url).toBe("/");
  });
});

describe("Lambda handler bundle, called directly with the event fixtures", () => {
  let handler: (e: unknown) => Promise<Result>;
  beforeAll(() => {
    Object.assign(process.env, TOKENS);
    const require = createRequire(import.meta.url);
    handler = require(resolve(TASK_ROOT, "index.js")).handler;
  });
  it.each(cases.map((c) => [c.name, c] as const))("%s", async (_n, c) => {
    checkResult(c.name, c.status, await handler(c.event));
  });
});

// The real Lambda runtime client needs its native part, built by `npm ci` when autoconf, automake
// and libtool are installed (.ci/run installs them). Without it these run as skipped, and the same
// events are still covered by the direct calls above.
describe.skipIf(!ricAvailable)("Lambda handler under the real runtime client (aws-lambda-ric)", () => {
  let lambda: Awaited<ReturnType<typeof startLambda>>;
  beforeAll(async () => {
    lambda = await startLambda(TASK_ROOT, TOKENS);
  });
  afterAll(async () => lambda?.stop());

  it.each(cases.map((c) => [c.name, c] as const))("%s", async (_n, c) => {
    const out = await lambda.invoke(c.event);
    expect(out.ok).toBe(true);
    checkResult(c.name, c.status, out.body as Result);
  });

  it("writes Lambda JSON log lines with level and an EMF metrics block, and never the token", () => {
    const lines = lambda.stdout
      .join("")
      .split("\n")
      .filter((l) => l.startsWith("{"));
    const admission = lines.map((l) => JSON.parse(l)).find((l) => l.message === "admission injected");
    expect(admission).toMatchObject({ level: "INFO", outcome: "injected", namespace: "inject-v1" });
    expect(admission._aws.CloudWatchMetrics[0].Metrics.map((m: { Name: string }) => m.Name)).toContain(
      "sidecar_injection_requests_total",
    );
    expect(lambda.stdout.join("")).not.toContain("new-token");
    expect(lambda.stdout.join("")).not.toContain("old-token");
  });
});
