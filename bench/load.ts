// `npm run load`: drives the local server (the same router the Cloud Function and Lambda use) with
// autocannon over loopback, 60 s at a fixed rate and 60 s flat out, and reports throughput, latency
// percentiles, errors and memory. Bounded in time and aimed only at 127.0.0.1.
import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import autocannon from "autocannon";

const SECONDS = Number(process.env.LOAD_SECONDS ?? 60);
const RATE = Number(process.env.LOAD_RATE ?? 2000);

function mb(bytes: number): string {
  return (bytes / 1024 / 1024).toFixed(1);
}

async function run(url: string, body: string, title: string, overallRate?: number) {
  const result = await autocannon({
    url,
    method: "POST",
    headers: { "content-type": "application/json" },
    body,
    connections: 32,
    pipelining: 1,
    duration: SECONDS,
    ...(overallRate ? { overallRate } : {}),
  });
  const l = result.latency;
  console.log(
    `| ${title} | ${result.requests.average.toFixed(0)} | ${l.p50} | ${l.p90} | ${l.p99} | ${l.max} | ${result.errors + result.timeouts + result.non2xx} |`,
  );
}

/** The server runs as its own process (`outrigger serve`), so the load generator does not share its thread. */
function startServer(): Promise<{ url: string; pid: number; stop: () => void }> {
  const child = spawn(process.execPath, [resolve("dist/cli/index.cjs"), "serve", "--port", "0"], {
    stdio: ["ignore", "ignore", "pipe"],
  });
  return new Promise((done, fail) => {
    let seen = "";
    const onData = (chunk: Buffer) => {
      seen += chunk.toString("utf8");
      const m = /"url":"(http:\/\/[^"]+)\/inject"/.exec(seen);
      if (m?.[1]) {
        // Admission log lines are not read from here on; drain them so the pipe never blocks the server.
        child.stderr.off("data", onData);
        child.stderr.resume();
        done({ url: m[1], pid: child.pid ?? 0, stop: () => child.kill() });
      }
    };
    child.stderr.on("data", onData);
    child.once("exit", (code) => fail(new Error(`server exited ${code}: ${seen}`)));
  });
}

/** Resident memory of the server process, from /proc. */
function rssOf(pid: number): number {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
  return m ? Number(m[1]) * 1024 : 0;
}

async function main() {
  const server = await startServer();
  const url = `${server.url}/inject?timeout=10s`;
  const body = readFileSync(
    resolve(process.cwd(), "../shared/fixtures/apiserver/sample-admissionreview-v1.json"),
    "utf8",
  );

  await autocannon({
    url,
    method: "POST",
    headers: { "content-type": "application/json" },
    body,
    duration: 5,
  });
  const before = rssOf(server.pid);
  console.log(
    `load: node ${process.version}, ${SECONDS} s per run; server (one process, one thread) and autocannon (32 connections) on 2 cores`,
  );
  console.log(
    "| run | req/s (mean) | p50 ms | p90 ms | p99 ms | max ms | errors |\n|---|---|---|---|---|---|---|",
  );
  await run(url, body, `fixed ${RATE}/s`, RATE);
  await run(url, body, "maximum");
  const after = rssOf(server.pid);
  console.log(
    `\nserver rss after warm-up: ${mb(before)} MB; at end: ${mb(after)} MB (${(((after - before) / before) * 100).toFixed(1)}%)`,
  );
  server.stop();
}

main().catch((e) => {
  console.error(e);
  process.exitCode = 1;
});
