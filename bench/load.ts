// `npm run load`: drives the local server (the same router the Cloud Function and Lambda use) with
// autocannon over loopback, 60 s at a fixed rate and 60 s flat out, and reports throughput, latency
// percentiles, errors and memory. Bounded in time and aimed only at 127.0.0.1.
//
// What is measured is the server: it runs as its own process (`outrigger serve`, one Node thread),
// and where `taskset` exists and there are two cores or more, it is pinned to core 0 and this process
// (autocannon, and the reading of the server's log lines) to core 1, so the two never take turns on
// one core. One connection carries one request at a time (no pipelining: the API server does not
// pipeline webhook calls).
//
// How autocannon keeps a rate: each connection sends its share of the per-second rate back to back
// as fast as answers come, then waits for the next second. So the fixed-rate run is bursts of up to
// LOAD_CONNECTIONS requests in flight, not evenly spaced arrivals, and its latencies include the
// queueing of those bursts. In the maximum run every connection always has a request in flight, so
// by Little's law its latency is about connections / throughput whatever the server does.
import { spawn, spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { availableParallelism } from "node:os";
import { resolve } from "node:path";
import autocannon from "autocannon";
import type { JsonObject } from "../core/json.ts";
import { distinctReview } from "./handlers.ts";

const SECONDS = Number(process.env.LOAD_SECONDS ?? 60);
const RATE = Number(process.env.LOAD_RATE ?? 2000);
const CONNECTIONS = Number(process.env.LOAD_CONNECTIONS ?? 32);
const WARMUP_SECONDS = 10;
/**
 * The share of distinct pods (own name, labels, annotations: no memory can answer them), the rest
 * replicas (the captured request again), as a cluster rolling out and scaling sees them.
 */
const DISTINCT = Number(process.env.LOAD_DISTINCT ?? 0.2);

function mb(bytes: number): string {
  return (bytes / 1024 / 1024).toFixed(1);
}

/** The bodies in the mix: every 1/DISTINCT-th request (spread evenly) a pod never seen before. */
let runs = 0;

function mixedBodies(captured: string): () => string {
  // Each run names its pods apart from the runs before (the server remembers across runs).
  const runId = `r${++runs}`;
  const base = JSON.parse(captured) as JsonObject;
  let n = 0;
  let owed = 0;
  return () => {
    owed += DISTINCT;
    if (owed < 1) return captured;
    owed -= 1;
    n++;
    return distinctReview(base, `${runId}-${n}`);
  };
}

async function run(url: string, body: string, title: string, overallRate?: number) {
  const next = mixedBodies(body);
  const result = await autocannon({
    url,
    method: "POST",
    headers: { "content-type": "application/json" },
    requests: [
      {
        setupRequest: (req) => ({ ...req, body: next() }),
      },
    ],
    connections: CONNECTIONS,
    pipelining: 1,
    duration: SECONDS,
    ...(overallRate ? { overallRate } : {}),
  });
  const l = result.latency;
  console.log(
    `| ${title} | ${result.requests.average.toFixed(0)} | ${l.p50} | ${l.p90} | ${l.p99} | ${l.max} | ${result.errors + result.timeouts + result.non2xx} |`,
  );
}

/** Whether `taskset` can pin processes here (util-linux; absent on macOS and in some containers). */
function canPin(): boolean {
  if (availableParallelism() < 2) return false;
  const probe = spawnSync("taskset", ["-p", String(process.pid)], { stdio: "ignore" });
  return probe.status === 0;
}

/** The server runs as its own process (`outrigger serve`), so the load generator does not share its thread. */
function startServer(pin: boolean): Promise<{ url: string; pid: number; stop: () => void }> {
  const node = [process.execPath, resolve("dist/cli/index.cjs"), "serve", "--port", "0"];
  // taskset execs node in its own process, so the child's pid is the server's.
  const [command, ...args] = pin ? ["taskset", "-c", "0", ...node] : node;
  const child = spawn(command as string, args, { stdio: ["ignore", "ignore", "pipe"] });
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
  const pin = canPin();
  if (pin) spawnSync("taskset", ["-cp", "1", String(process.pid)], { stdio: "ignore" });
  const server = await startServer(pin);
  const url = `${server.url}/inject?timeout=10s`;
  const body = readFileSync(
    resolve(process.cwd(), "../shared/fixtures/apiserver/sample-admissionreview-v1.json"),
    "utf8",
  );

  // The warm-up sends the same mix, so the render memories are full before memory is first read.
  const warm = mixedBodies(body);
  await autocannon({
    url,
    method: "POST",
    headers: { "content-type": "application/json" },
    requests: [{ setupRequest: (req) => ({ ...req, body: warm() }) }],
    connections: CONNECTIONS,
    duration: WARMUP_SECONDS,
  });
  const before = rssOf(server.pid);
  // The server's memory every second through both runs: flat means no growth beyond the warm-up's.
  const samples: number[] = [];
  const sampler = setInterval(() => samples.push(rssOf(server.pid)), 1000);
  console.log(
    `load: node ${process.version}, ${SECONDS} s per run after ${WARMUP_SECONDS} s of warm-up; server (one process, one thread)` +
      (pin ? " pinned to core 0, autocannon pinned to core 1" : " and autocannon unpinned") +
      `; ${CONNECTIONS} connections, no pipelining; mix: ${Math.round(DISTINCT * 100)}% distinct pods (no memory hit), ${Math.round((1 - DISTINCT) * 100)}% replicas (the captured request again)`,
  );
  console.log(
    "| run | req/s (mean) | p50 ms | p90 ms | p99 ms | max ms | errors |\n|---|---|---|---|---|---|---|",
  );
  await run(url, body, `fixed ${RATE}/s`, RATE);
  await run(url, body, "maximum");
  clearInterval(sampler);
  const after = rssOf(server.pid);
  const pct = (v: number) => `${(((v - before) / before) * 100).toFixed(1)}%`;
  const low = Math.min(...samples, after);
  const high = Math.max(...samples, after);
  console.log(
    `\nserver rss after warm-up: ${mb(before)} MB; during the runs ${mb(low)}–${mb(high)} MB (${pct(low)} to ${pct(high)}); at end: ${mb(after)} MB (${pct(after)})`,
  );
  server.stop();
}

main().catch((e) => {
  console.error(e);
  process.exitCode = 1;
});
