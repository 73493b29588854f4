import { spawnSync } from "node:child_process";
import { closeSync, mkdtempSync, openSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { fdSink } from "../functions/shared/fd-sink.ts";
import { REPO } from "./helpers/fixtures.ts";

// The handlers' log sinks write to stdout (Lambda) or stderr (GCP) with write(2), not through the
// process's streams (functions/shared/fd-sink.ts); the bytes and their order must be the streams'.

/** A stream that records what it is given. */
function recorder() {
  const chunks: string[] = [];
  const stream = { write: (chunk: string | Buffer) => chunks.push(chunk.toString()) > 0 };
  return { chunks, stream: () => stream as unknown as NodeJS.WritableStream };
}

describe("fdSink", () => {
  it("writes each line and its newline with write(2), through short writes", () => {
    const written: string[] = [];
    // At most 5 bytes a call, as a pipe may take.
    const sink = fdSink(
      1,
      (bytes, offset) => {
        const n = Math.min(5, bytes.length - offset);
        written.push(bytes.subarray(offset, offset + n).toString());
        return n;
      },
      recorder().stream,
    );
    sink('{"a":"é"}');
    sink("second");
    expect(written.join("")).toBe('{"a":"é"}\nsecond\n');
  });

  it("hands the rest of a line it could not write, and every line after, to the stream", () => {
    const written: string[] = [];
    let calls = 0;
    const { chunks, stream } = recorder();
    const sink = fdSink(
      1,
      (bytes, offset) => {
        if (++calls > 2)
          throw Object.assign(new Error("EAGAIN: resource temporarily unavailable"), { code: "EAGAIN" });
        written.push(bytes.subarray(offset, offset + 4).toString());
        return Math.min(4, bytes.length - offset);
      },
      stream,
    );
    sink("first line");
    sink("second");
    expect(written.join("") + chunks.join("")).toBe("first line\nsecond\n");
    expect(chunks).toEqual(["ne\n", "second\n"]);
  });

  // Lambda logs to stdout, the Cloud Function to stderr; the other stream carries the result.
  it.each([
    ["aws", 1, "stdout"],
    ["gcp", 2, "stderr"],
  ] as const)("writes the built %s bundle's log lines to a file or a pipe as fd %i", (cloud, fd, name) => {
    const file = join(mkdtempSync(join(tmpdir(), "outrigger-fd-sink-")), "out.log");
    const index = JSON.stringify(resolve(REPO, `dist/${cloud}/index.js`));
    const other = fd === 1 ? "stderr" : "stdout";
    const call =
      cloud === "aws"
        ? `require(${index}).handler({
            version: "2.0", rawPath: "/healthz", rawQueryString: "", headers: {},
            requestContext: { http: { method: "GET" }, stage: "$default" }, isBase64Encoded: false,
          }).then((r) => done(r.statusCode))`
        : `{ let status; const res = { status: (s) => ((status = s), res), set: () => res, send: () => (done(status), res) };
            require(${index}).inject({ method: "GET", originalUrl: "/healthz", url: "/healthz", get: () => undefined }, res); }`;
    const script = `const done = (s) => process.${other}.write("STATUS " + s); ${call};`;
    const env = { PATH: process.env.PATH, OUTRIGGER_TOKENS: "" };
    const toPipe = spawnSync(process.execPath, ["-e", script], { encoding: "utf8", env });
    const out = openSync(file, "w");
    const stdio = fd === 1 ? ["ignore", out, "pipe"] : ["ignore", "pipe", out];
    const toFile = spawnSync(process.execPath, ["-e", script], {
      stdio: stdio as ["ignore", "pipe", number],
      env,
    });
    closeSync(out);
    for (const [logs, result] of [
      [toPipe[name], toPipe[other]],
      [readFileSync(file, "utf8"), String(toFile[other])],
    ]) {
      expect(result).toContain("STATUS 200");
      const lines = String(logs).split("\n");
      expect(lines.pop()).toBe("");
      expect(lines.map((l) => JSON.parse(l).message)).toContain("config loaded");
    }
  });
});
