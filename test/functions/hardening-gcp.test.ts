import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { createServer } from "node:net";
import { resolve } from "node:path";
import { gzipSync } from "node:zlib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { REPO, readShared } from "../helpers/fixtures.ts";
import { rawPost } from "../helpers/raw-http.ts";

// The built Cloud Function under the real functions-framework (what `npm start` and Cloud Run
// functions run), attacked with bodies that cost a process memory and time before any check.
const FF = resolve(REPO, "node_modules/@google-cloud/functions-framework/build/src/main.js");
const TOKEN = "hardening-token-0123456789";
const MiB = 1024 * 1024;
const capture = readShared("fixtures/apiserver/sample-admissionreview-v1.json");

function freePort(): Promise<number> {
  return new Promise((done) => {
    const s = createServer().listen(0, "127.0.0.1", () => {
      const a = s.address();
      s.close(() => done(typeof a === "object" && a ? a.port : 0));
    });
  });
}

const post = rawPost;

function rssBytes(pid: number): number {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
  return Number(m?.[1] ?? 0) * 1024;
}

describe("GCP function under functions-framework, against hostile bodies", () => {
  let port = 0;
  const output: string[] = [];
  let child: ReturnType<typeof spawn>;
  beforeAll(async () => {
    port = await freePort();
    child = spawn(
      process.execPath,
      [FF, "--target=inject", `--source=${resolve(REPO, "dist/gcp")}`, `--port=${port}`],
      { env: { ...process.env, OUTRIGGER_TOKENS: TOKEN, NODE_ENV: "" } },
    );
    child.stdout?.setEncoding("utf8").on("data", (c: string) => output.push(c));
    child.stderr?.setEncoding("utf8").on("data", (c: string) => output.push(c));
    for (let i = 0; i < 100; i++) {
      try {
        if ((await fetch(`http://127.0.0.1:${port}/healthz`)).status === 200) break;
      } catch {
        // not listening yet
      }
      await new Promise((r) => setTimeout(r, 100));
    }
    // Warm up: the first admission loads and renders the templates.
    expect((await post(port, `/inject/t/${TOKEN}`, capture)).status).toBe(200);
  });
  afterAll(() => {
    child?.kill();
  });

  const bomb = gzipSync(Buffer.alloc(200 * MiB, " "), { level: 9 });
  const arrayBody = `[${"{},".repeat(10 * MiB)}{}]`;

  it.each([
    ["a gzip bomb with a wrong token", "/inject/t/wrong-token", bomb, { "content-encoding": "gzip" }, 404],
    ["a gzip bomb on another route", "/healthz/x", bomb, { "content-encoding": "gzip" }, 404],
    ["30 MiB of [{},{},...] with a wrong token", "/inject/t/wrong-token", arrayBody, {}, 404],
    ["30 MiB of [{},{},...] without a token", "/inject", arrayBody, {}, 404],
    ["30 MiB of [{},{},...] with the token", `/inject/t/${TOKEN}`, arrayBody, {}, 400],
    ["a gzip bomb with the token", `/inject/t/${TOKEN}`, bomb, { "content-encoding": "gzip" }, 415],
  ] as const)("answers %s cheaply and fast", async (_name, path, body, headers, status) => {
    const pid = child.pid as number;
    const before = rssBytes(pid);
    const res = await post(port, path, body, headers);
    expect(res.status).toBe(status);
    expect(res.text).not.toMatch(/<html|<!DOCTYPE|<pre>/i);
    // Lets a parser that reads on after the answer show itself.
    await new Promise((r) => setTimeout(r, 300));
    expect(rssBytes(pid) - before).toBeLessThan(32 * MiB);
    // Refused before the body is read: the memory check below shows it (timings are for the bench and
    // SECURITY.md, not for tests on a shared machine).
    // Still serving.
    expect((await post(port, `/inject/t/${TOKEN}`, capture)).status).toBe(200);
  });

  it("answers malformed bodies with the documented plain answers, never Express's pages", async () => {
    const cases: [string, Record<string, string>, number, RegExp][] = [
      ["{not json", {}, 200, /could not decode body/],
      ['{"a":', {}, 200, /could not decode body/],
      ["", {}, 400, /^no body found/],
      ["x=1", { "content-type": "application/x-www-form-urlencoded" }, 415, /^invalid Content-Type/],
      ['{"a":1}', { "content-type": "application/json; charset=latin1" }, 415, /^invalid Content-Type/],
      ['{"a":1}', { "content-encoding": "deflate" }, 415, /Content-Encoding/],
      ['{"a":1}', { "content-encoding": "identity" }, 200, /AdmissionReview/],
    ];
    for (const [body, headers, status, text] of cases) {
      const res = await post(port, `/inject/t/${TOKEN}`, body, headers);
      expect(res.status, body).toBe(status);
      expect(res.text, body).toMatch(text);
      expect(res.text).not.toMatch(/<html|<!DOCTYPE|<pre>/i);
    }
    // A path Express's router cannot decode is still the webhook's to answer.
    const res = await post(port, `/inject/t/${TOKEN}/cluster/%zz`, capture);
    expect(res.status).toBe(200);
  });

  it("never lets a body parser's stack trace reach the logs", () => {
    const text = output.join("");
    // Booleans, not matchers: a failure would otherwise print the 200 MB a parser logged.
    expect(/\bat .*\.js:\d+/.test(text), "a stack trace in the logs").toBe(false);
    expect(/SyntaxError|PayloadTooLargeError|UnsupportedMediaTypeError|BadRequestError/.test(text)).toBe(
      false,
    );
    expect(text.includes(TOKEN), "the token in the logs").toBe(false);
    expect(text.length, "log volume").toBeLessThan(256 * 1024);
  });
});

describe("dist/gcp deploys the functions-framework the tests ran", () => {
  const json = (path: string) => JSON.parse(readFileSync(resolve(REPO, path), "utf8"));
  const installed = (name: string) => json(`node_modules/${name}/package.json`).version as string;

  it("pins functions-framework exactly, at the installed version", () => {
    const ff = "@google-cloud/functions-framework";
    expect(json("dist/gcp/package.json").dependencies).toEqual({ [ff]: installed(ff) });
  });

  it("ships a lockfile that resolves functions-framework, express and body-parser to the tested versions", () => {
    const lock = json("dist/gcp/package-lock.json");
    expect(lock.lockfileVersion).toBe(3);
    expect(lock.packages[""].dependencies).toEqual(json("dist/gcp/package.json").dependencies);
    for (const name of ["@google-cloud/functions-framework", "express", "body-parser", "raw-body"]) {
      expect(lock.packages[`node_modules/${name}`]?.version, name).toBe(installed(name));
    }
    // Every dependency of every entry resolves inside the lockfile, as npm would look it up.
    const has = (from: string, name: string): boolean => {
      for (let base = from; ; ) {
        if (lock.packages[`${base ? `${base}/` : ""}node_modules/${name}`]) return true;
        if (!base) return false;
        const i = base.lastIndexOf("/node_modules/");
        base = i < 0 ? "" : base.slice(0, i);
      }
    };
    for (const [path, entry] of Object.entries(lock.packages) as [
      string,
      { dependencies?: object; dev?: boolean },
    ][]) {
      expect(entry.dev, path).toBeUndefined();
      for (const dep of Object.keys(entry.dependencies ?? {}))
        expect(has(path, dep), `${path} → ${dep}`).toBe(true);
    }
  });
});
