import { readFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startServer } from "../helpers/cli.ts";
import { readShared } from "../helpers/fixtures.ts";
import { selfSignedCert } from "../helpers/tls.ts";

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

describe("local server with TLS (a real API server only calls https URLs)", () => {
  it("serves the webhook over https with the given certificate", async () => {
    const { mkdtempSync } = await import("node:fs");
    const { tmpdir } = await import("node:os");
    const { join } = await import("node:path");
    const { request } = await import("node:https");
    const dir = mkdtempSync(join(tmpdir(), "outrigger-tls-"));
    const cert = join(dir, "cert.pem");
    const key = join(dir, "key.pem");
    selfSignedCert(cert, key);
    const tls = await startServer(["--tls-cert", cert, "--tls-key", key]);
    try {
      expect(tls.url.startsWith("https://")).toBe(true);
      const body = readShared("fixtures/apiserver/sample-admissionreview-v1.json");
      const answer = await new Promise<{ status: number; text: string }>((resolve, reject) => {
        const req = request(
          `${tls.url}/inject`,
          { method: "POST", headers: { "content-type": "application/json" }, ca: readFileSync(cert) },
          (res) => {
            let text = "";
            res
              .setEncoding("utf8")
              .on("data", (c: string) => (text += c))
              .on("end", () => resolve({ status: res.statusCode ?? 0, text }));
          },
        );
        req.on("error", reject);
        req.end(body);
      });
      expect(answer.status).toBe(200);
      expect(JSON.parse(answer.text).response.patchType).toBe("JSONPatch");
    } finally {
      await tls.stop();
    }
  });
});

describe("admission log lines", () => {
  it("keep `message` for the event and put a denial's reason in `detail`", async () => {
    const { configureLogs, logAdmission } = await import("../../functions/shared/log.ts");
    const lines: string[] = [];
    configureLogs({ sink: (l) => lines.push(l) });
    logAdmission({ uid: "u", outcome: "denied", message: "no uid", warnings: [] }, 200, 1);
    configureLogs({ sink: (l) => process.stderr.write(`${l}\n`) });
    expect(JSON.parse(lines[0] ?? "{}")).toMatchObject({
      message: "admission denied",
      detail: "no uid",
      severity: "WARNING",
    });
  });
});
