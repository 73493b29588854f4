import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startServer } from "../helpers/cli.ts";
import { readShared } from "../helpers/fixtures.ts";

// `outrigger serve` (what `npm start` runs), as a real process on a real port.
describe("local server", () => {
  let server: Awaited<ReturnType<typeof startServer>>;
  beforeAll(async () => {
    server = await startServer();
  });
  afterAll(async () => {
    await server?.stop();
  });

  it("answers a captured AdmissionReview on POST /inject?timeout=10s", async () => {
    const res = await fetch(`${server.url}/inject?timeout=10s`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: readShared("fixtures/apiserver/sample-admissionreview-v1.json"),
    });
    expect(res.status).toBe(200);
    const body = (await res.json()) as { response: { allowed: boolean; patchType: string } };
    expect(body.response).toMatchObject({ allowed: true, patchType: "JSONPatch" });
  });

  it("reports health with the config version", async () => {
    const res = await fetch(`${server.url}/healthz`);
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({
      status: "ok",
      configVersion: expect.stringMatching(/^[0-9a-f]{16}$/),
    });
  });

  it("answers 404 elsewhere and 415 for a wrong content type", async () => {
    expect((await fetch(`${server.url}/other`)).status).toBe(404);
    const res = await fetch(`${server.url}/inject`, {
      method: "POST",
      headers: { "content-type": "text/plain" },
      body: "x",
    });
    expect(res.status).toBe(415);
  });

  it("logs one JSON line per admission with the decision", async () => {
    await fetch(`${server.url}/inject`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: readShared("fixtures/apiserver/sample-admissionreview-v1.json"),
    });
    await new Promise((r) => setTimeout(r, 100));
    const lines = server.logs
      .join("")
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l));
    const admission = lines.find((l) => l.message === "admission injected");
    expect(admission).toMatchObject({ severity: "INFO", pod: "inject-v1/demo", outcome: "injected" });
    expect(admission.reasons.length).toBeGreaterThan(0);
  });
});
