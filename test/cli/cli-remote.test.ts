import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer as createHttpServer, type Server } from "node:http";
import { createServer as createHttpsServer } from "node:https";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { builtCli } from "../helpers/cli.ts";
import { REPO } from "../helpers/fixtures.ts";
import { selfSignedCert } from "../helpers/tls.ts";

/**
 * Issue 14, item 13: inject --remote against stand-in deployments: refused connections, TLS failures
 * and HTTP errors in words; --ca-file for a private CA; the token from a file or OUTRIGGER_TOKEN.
 */

const dir = mkdtempSync(join(tmpdir(), "outrigger-cli-remote-"));
const APP = resolve(REPO, "examples/quick-start/app.yaml");
const cert = join(dir, "cert.pem");
const key = join(dir, "key.pem");
const servers: Server[] = [];
/** Paths the stand-ins were asked for, to see where the token went. */
const seen: string[] = [];

/** The CLI as a child process; async, since the stand-in servers run in this process. */
function run(
  args: string[],
  env: Record<string, string> = {},
): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((done) => {
    const child = spawn(process.execPath, [builtCli(), ...args], {
      cwd: REPO,
      env: { ...process.env, ...env },
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (c) => (stdout += c));
    child.stderr.on("data", (c) => (stderr += c));
    child.on("close", (status) => done({ status, stdout, stderr }));
  });
}

/** Answers every review as the webhook would when it does not inject: allowed, no patch. */
function answer(body: string): string {
  const uid = (JSON.parse(body) as { request: { uid: string } }).request.uid;
  return JSON.stringify({
    apiVersion: "admission.k8s.io/v1",
    kind: "AdmissionReview",
    response: { uid, allowed: true },
  });
}

function listen(server: Server): Promise<string> {
  servers.push(server);
  return new Promise((ok) =>
    server.listen(0, "127.0.0.1", () => ok(String((server.address() as AddressInfo).port))),
  );
}

const handler =
  (status: number) => (req: import("node:http").IncomingMessage, res: import("node:http").ServerResponse) => {
    seen.push(req.url ?? "");
    let body = "";
    req.on("data", (c) => (body += c));
    req.on("end", () => {
      res.writeHead(status, { "content-type": status === 200 ? "application/json" : "text/plain" });
      res.end(status === 200 ? answer(body) : "upstream is down for maintenance\n");
    });
  };

let httpsPort = "";
let failingPort = "";
let closedPort = "";

beforeAll(async () => {
  selfSignedCert(cert, key);
  httpsPort = await listen(
    createHttpsServer({ cert: readFileSync(cert), key: readFileSync(key) }, handler(200)),
  );
  failingPort = await listen(createHttpServer(handler(503)));
  // A port that was just free: nothing listens there.
  const probe = createHttpServer();
  closedPort = await new Promise((ok) =>
    probe.listen(0, "127.0.0.1", () => ok(String((probe.address() as AddressInfo).port))),
  );
  await new Promise((ok) => probe.close(ok));
});

afterAll(async () => {
  await Promise.all(servers.map((s) => new Promise((ok) => s.close(ok))));
  rmSync(dir, { recursive: true, force: true });
});

describe("inject --remote", () => {
  it("connection refused says so", async () => {
    const r = await run(["inject", "-f", APP, "--remote", `http://127.0.0.1:${closedPort}/inject`]);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain("connection refused");
    expect(r.stderr.trim().split("\n")).toHaveLength(1);
  });

  it("an HTTP error gives the status and the first line of the answer", async () => {
    const r = await run(["inject", "-f", APP, "--remote", `http://127.0.0.1:${failingPort}/inject`]);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain("answered HTTP 503: upstream is down for maintenance");
  });

  it("a certificate from a private CA fails TLS, and points at --ca-file", async () => {
    const r = await run(["inject", "-f", APP, "--remote", `https://127.0.0.1:${httpsPort}/inject`]);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain(
      "TLS: the server's certificate is not signed by a trusted CA (give its CA with --ca-file)",
    );
  });

  it("--ca-file trusts that CA", async () => {
    const r = await run([
      "inject",
      "-f",
      APP,
      "--remote",
      `https://127.0.0.1:${httpsPort}/inject`,
      "--ca-file",
      cert,
    ]);
    expect(r.stderr).toContain("was not injected by the webhook");
    expect(r.status).toBe(0);
  });

  it("plain http to a TLS port is a TLS-less failure in words, not a stack", async () => {
    const r = await run(["inject", "-f", APP, "--remote", `http://127.0.0.1:${httpsPort}/inject`]);
    expect(r.status).toBe(1);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });

  it("reads the token from OUTRIGGER_TOKEN and from --token-file, never printing it", async () => {
    const url = `https://127.0.0.1:${httpsPort}/inject`;
    seen.length = 0;
    const fromEnv = await run(["inject", "-f", APP, "--remote", url, "--ca-file", cert], {
      OUTRIGGER_TOKEN: "envsecret",
    });
    expect(fromEnv.status).toBe(0);
    const tokenFile = join(dir, "token");
    writeFileSync(tokenFile, "filesecret\n");
    const fromFile = await run(
      ["inject", "-f", APP, "--remote", url, "--ca-file", cert, "--token-file", tokenFile],
      {
        OUTRIGGER_TOKEN: "envsecret",
      },
    );
    expect(fromFile.status).toBe(0);
    expect(seen).toEqual(["/inject/t/envsecret", "/inject/t/filesecret"]);
    expect(fromEnv.stderr + fromFile.stderr).not.toMatch(/envsecret|filesecret/);
  });

  it("--token and --token-file together are a usage error", async () => {
    const r = await run([
      "inject",
      "-f",
      APP,
      "--remote",
      "https://x/inject",
      "--token",
      "a",
      "--token-file",
      "b",
    ]);
    expect(r.status).toBe(2);
  });
});
