// `npm run load`: drives the local server (the same router the Cloud Function and Lambda use) over
// loopback, 60 s per run: two open-loop paced runs (evenly spaced and Poisson arrivals over a pool
// of keep-alive sockets), then autocannon at a fixed rate and flat out; it reports throughput,
// latency percentiles, errors and memory. Bounded in time and aimed only at 127.0.0.1.
//
// What is measured is the server: it runs as its own process (`outrigger serve`, one Node thread),
// and where `taskset` exists and there are two cores or more, it is pinned to core 0 and this process
// (the load generators, and the reading of the server's log lines) to core 1, so the two never take
// turns on one core. One connection carries one request at a time (no pipelining: the API server
// does not pipeline webhook calls).
//
// How autocannon keeps a rate: each connection sends its share of the per-second rate back to back
// as fast as answers come, then waits for the next second. So the fixed-rate run is bursts of up to
// LOAD_CONNECTIONS requests in flight, not evenly spaced arrivals, and its latencies include the
// queueing of those bursts. In the maximum run every connection always has a request in flight, so
// by Little's law its latency is about connections / throughput whatever the server does.
//
// The paced runs model the API server instead: pod creations arrive independently of each other and
// of the answers (open loop), each call on a pooled keep-alive connection, one request at a time per
// connection, at most LOAD_SOCKETS connections (a call waits for a free one when all are busy).
// Latency runs from the time a request was scheduled, not from when it was sent, so a stalled
// server (or a late generator) shows in the percentiles instead of thinning the arrivals.
import { spawn, spawnSync } from "node:child_process";
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync } from "node:fs";
import { Agent, request } from "node:http";
import { availableParallelism, tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { performance } from "node:perf_hooks";
import { Worker } from "node:worker_threads";
import autocannon from "autocannon";
import type { JsonObject } from "../core/json.ts";
import { bodiesLike, distinctReview, replicaReview } from "./handlers.ts";

const SECONDS = Number(process.env.LOAD_SECONDS ?? 60);
const RATE = Number(process.env.LOAD_RATE ?? 2000);
const CONNECTIONS = Number(process.env.LOAD_CONNECTIONS ?? 32);
/** The paced runs' connection pool (the API server's), by default as many as autocannon's connections. */
const SOCKETS = Number(process.env.LOAD_SOCKETS ?? CONNECTIONS);
const WARMUP_SECONDS = 10;
/**
 * The share of distinct pods (own name, labels, annotations: no memory can answer them), the rest
 * replicas (the captured pod as a ReplicaSet creates it, again and again, each with its own
 * kube-api-access-xxxxx token volume as the API server gives it: handlers.ts replicaReview), as a
 * cluster rolling out and scaling sees them.
 */
const DISTINCT = Number(process.env.LOAD_DISTINCT ?? 0.2);
/**
 * The API server's bound on a webhook call (the `timeout=10s` it sends), which covers waiting for a
 * connection too: a paced request unanswered by then is dropped and counted as an error, so the
 * queue behind a saturated server stays bounded (about LOAD_RATE × 10 s requests) and a run ends.
 */
const REQUEST_TIMEOUT_MS = 10_000;
/** A send later than this after its scheduled time puts the generator's own delay into the latencies. */
const LATE_MS = 1;

function mb(bytes: number): string {
  return (bytes / 1024 / 1024).toFixed(1);
}

/** The bodies in the mix: every 1/DISTINCT-th request (spread evenly) a pod never seen before. */
let runs = 0;

interface Mix {
  next: () => string;
  /** Bodies handed out, and how many of them were distinct pods. */
  counts: { total: number; distinct: number };
}

function mixedBodies(captured: string): Mix {
  // Each run names its pods apart from the runs before (the server remembers across runs).
  const runId = `r${++runs}`;
  const base = JSON.parse(captured) as JsonObject;
  // Replicas as a cluster sends them: each with its own kube-api-access-xxxxx token volume.
  const replica = bodiesLike(base, replicaReview);
  const distinct = bodiesLike(base, distinctReview);
  const counts = { total: 0, distinct: 0 };
  let n = 0;
  let owed = 0;
  const next = () => {
    counts.total++;
    owed += DISTINCT;
    if (owed < 1) return replica((counts.total % 36 ** 5).toString(36).padStart(5, "0"));
    owed -= 1;
    n++;
    counts.distinct++;
    return distinct(`${runId}-${n}`);
  };
  return { next, counts };
}

function mixCell({ total, distinct }: Mix["counts"]): string {
  return `${((distinct / Math.max(total, 1)) * 100).toFixed(1)}% of ${total}`;
}

/** The one-minute load average: the machine is shared, and other processes' load moves the tails. */
function loadAverage(): string {
  return readFileSync("/proc/loadavg", "utf8").split(" ")[0] ?? "?";
}

const ROW_HEADER =
  "| run | req/s (mean) | p50 ms | p90 ms | p99 ms | max ms | errors | waited for a socket | distinct pods (of bodies) | load avg start → end |\n" +
  "|---|---|---|---|---|---|---|---|---|---|";

async function run(url: string, body: string, title: string, overallRate?: number) {
  const mix = mixedBodies(body);
  const load = loadAverage();
  const result = await autocannon({
    url,
    method: "POST",
    headers: { "content-type": "application/json" },
    requests: [
      {
        setupRequest: (req) => ({ ...req, body: mix.next() }),
      },
    ],
    connections: CONNECTIONS,
    pipelining: 1,
    duration: SECONDS,
    ...(overallRate ? { overallRate } : {}),
  });
  const l = result.latency;
  // Every autocannon connection has its own socket: its queueing is in the bursts, not in a pool.
  console.log(
    `| ${title} | ${result.requests.average.toFixed(0)} | ${l.p50} | ${l.p90} | ${l.p99} | ${l.max} | ${result.errors + result.timeouts + result.non2xx} | – | ${mixCell(mix.counts)} | ${load} → ${loadAverage()} |`,
  );
}

type Arrivals = "even" | "poisson";

/** A monotonic clock in milliseconds that reads the same in every thread of this process. */
function nowMs(): number {
  const [s, ns] = process.hrtime();
  return s * 1e3 + ns / 1e6;
}

/** mulberry32: a fixed seed gives every run and every build the same Poisson arrivals to compare. */
function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** The send times, in milliseconds from the start of the run. */
function schedule(arrivals: Arrivals, rate: number, seconds: number): Float64Array {
  const gap = 1000 / rate;
  const end = seconds * 1000;
  if (arrivals === "even")
    return Float64Array.from({ length: Math.floor(rate * seconds) }, (_, k) => k * gap);
  const random = seeded(16);
  const times: number[] = [];
  // Exponential gaps: each arrival independent of the others, at the same mean rate.
  for (let t = -Math.log(1 - random()) * gap; t < end; t += -Math.log(1 - random()) * gap) times.push(t);
  return Float64Array.from(times);
}

/**
 * The pacer runs in its own thread: Node's timers tick in whole milliseconds, which would send the
 * 0.5 ms gaps of 2,000/s as pairs, and a sleeping thread wakes to within tens of microseconds without
 * spinning a core. It posts how many sends are due; the main thread sends them. The main thread's
 * delay in doing so is the generator's lag, measured per request.
 */
const PACER = `
const { parentPort, workerData } = require("node:worker_threads");
const offsets = workerData;
const cell = new Int32Array(new SharedArrayBuffer(4));
const now = () => { const [s, ns] = process.hrtime(); return s * 1e3 + ns / 1e6; };
parentPort.once("message", (epoch) => {
  let k = 0;
  while (k < offsets.length) {
    const t = now();
    let due = k;
    while (due < offsets.length && epoch + offsets[due] <= t) due++;
    if (due > k) {
      parentPort.postMessage(due);
      k = due;
    } else {
      Atomics.wait(cell, 0, 0, epoch + offsets[k] - t);
    }
  }
});
`;

interface Paced {
  row: string;
  note: string;
}

/** One open-loop run: every scheduled request is sent on time whatever the answers before it did. */
async function paced(url: URL, captured: string, arrivals: Arrivals, title: string): Promise<Paced> {
  const offsets = schedule(arrivals, RATE, SECONDS);
  const n = offsets.length;
  const mix = mixedBodies(captured);
  const agent = new Agent({ keepAlive: true, maxSockets: SOCKETS, scheduling: "fifo" });
  const latencies = new Float64Array(n);
  const lags = new Float64Array(n);
  let answered = 0;
  let settled = 0;
  let errors = 0;
  let waited = 0;
  let timedOut = 0;
  let inFlight = 0;
  let lastEnd = 0;
  let nextBody = mix.next();
  const load = loadAverage();

  const pacer = new Worker(PACER, { eval: true, workerData: offsets });
  await new Promise<void>((online, fail) => {
    pacer.once("online", online);
    pacer.once("error", fail);
  });
  // The worker is running; a short lead lets it reach its wait before the first send is due.
  const epoch = nowMs() + 50;
  const cpuBefore = process.cpuUsage();
  const eluBefore = performance.eventLoopUtilization();

  // Connections opened: a pool that keeps its sockets alive opens about LOAD_SOCKETS of them. A weak
  // set, so closed sockets (a timeout closes one) are not kept alive by the counting.
  const sockets = new WeakSet<object>();
  let opened = 0;
  const finished = new Promise<void>((done, fail) => {
    pacer.once("error", fail);
    const settle = (k: number, ok: boolean) => {
      inFlight--;
      settled++;
      if (ok) {
        const end = nowMs();
        latencies[answered++] = end - (epoch + (offsets[k] as number));
        lastEnd = end;
      } else {
        errors++;
      }
      if (settled === n) done();
    };
    const send = (k: number) => {
      const scheduled = epoch + (offsets[k] as number);
      lags[k] = nowMs() - scheduled;
      if (inFlight >= SOCKETS) waited++;
      inFlight++;
      const body = nextBody;
      let over = false;
      const once = (ok: boolean) => {
        if (over) return;
        over = true;
        clearTimeout(timeout);
        settle(k, ok);
      };
      const req = request(
        {
          agent,
          host: url.hostname,
          port: url.port,
          path: `${url.pathname}${url.search}`,
          method: "POST",
          headers: { "content-type": "application/json", "content-length": Buffer.byteLength(body) },
        },
        (res) => {
          const ok = (res.statusCode ?? 0) >= 200 && (res.statusCode ?? 0) < 300;
          res.on("end", () => once(ok));
          res.on("error", () => once(false));
          res.resume();
        },
      );
      const timeout = setTimeout(() => {
        timedOut++;
        req.destroy();
      }, REQUEST_TIMEOUT_MS);
      req.on("error", () => once(false));
      // A response cut off mid-body may close without an error; after an answer, "end" came first.
      req.on("close", () => once(false));
      req.once("socket", (socket) => {
        if (sockets.has(socket)) return;
        sockets.add(socket);
        opened++;
      });
      req.end(body);
      // The next body is built now, between sends, rather than when it is due.
      if (k + 1 < n) nextBody = mix.next();
    };
    let sent = 0;
    pacer.on("message", (due: number) => {
      for (; sent < due; sent++) send(sent);
    });
    pacer.postMessage(epoch);
  });
  await finished;
  const wall = nowMs() - epoch;
  const elu = performance.eventLoopUtilization(eluBefore).utilization;
  const cpu = process.cpuUsage(cpuBefore);
  await pacer.terminate();
  agent.destroy();

  const sorted = latencies.subarray(0, answered).sort();
  const at = (q: number) => (sorted[Math.max(Math.ceil(q * answered) - 1, 0)] ?? Number.NaN).toFixed(1);
  const rate = answered / (Math.max(lastEnd - epoch, SECONDS * 1000) / 1000);
  const row = `| ${title} | ${rate.toFixed(0)} | ${at(0.5)} | ${at(0.9)} | ${at(0.99)} | ${at(1)} | ${errors} | ${waited} (${((waited / n) * 100).toFixed(1)}%) | ${mixCell(mix.counts)} | ${load} → ${loadAverage()} |`;

  const lagSorted = lags.slice().sort();
  const lagAt = (q: number) => (lagSorted[Math.max(Math.ceil(q * n) - 1, 0)] ?? Number.NaN).toFixed(2);
  const late = lags.filter((l) => l > LATE_MS).length;
  const cpuShare = ((cpu.user + cpu.system) / 1000 / wall) * 100;
  // More than 1% of sends late puts the generator's own delay into the p99.
  const behind = late / n > 0.01;
  const note =
    `${title}: ${n} scheduled, ${errors} errors of which ${timedOut} unanswered after ${REQUEST_TIMEOUT_MS / 1000} s; generator lag (send − schedule) p50 ${lagAt(0.5)} ms, p99 ${lagAt(0.99)} ms, max ${lagAt(1)} ms; ` +
    `${late} (${((late / n) * 100).toFixed(1)}%) sent over ${LATE_MS} ms late; ${opened} connections opened; generator CPU ${cpuShare.toFixed(0)}% of its core, ` +
    `event loop ${(elu * 100).toFixed(0)}% busy; ` +
    (behind
      ? "FELL BEHIND its schedule: its lag is in the latencies above (latency counts from the schedule)"
      : "kept up with its schedule");
  return { row, note };
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
  // The server's log lines (one per admission) go to a file: through a pipe this process would have to
  // keep reading them on the generator's core, and a pipe it falls behind on stalls the server's writes.
  const dir = mkdtempSync(join(tmpdir(), "outrigger-load-"));
  const logFile = join(dir, "server.log");
  const fd = openSync(logFile, "w");
  const child = spawn(command as string, args, { stdio: ["ignore", "ignore", fd] });
  closeSync(fd);
  const stop = () => {
    child.kill();
    rmSync(dir, { recursive: true, force: true });
  };
  return new Promise((done, fail) => {
    const started = Date.now();
    let settled = false;
    const failWith = (why: string) => {
      clearInterval(poll);
      if (settled) return;
      settled = true;
      const seen = readFileSync(logFile, "utf8").slice(0, 2000);
      stop();
      fail(new Error(`${why}: ${seen}`));
    };
    const poll = setInterval(() => {
      const m = /"url":"(http:\/\/[^"]+)\/inject"/.exec(readFileSync(logFile, "utf8"));
      if (m?.[1]) {
        clearInterval(poll);
        settled = true;
        done({ url: m[1], pid: child.pid ?? 0, stop });
      } else if (Date.now() - started > 10_000) failWith("server did not start within 10 s");
    }, 20);
    child.once("exit", (code) => failWith(`server exited ${code}`));
  });
}

/** Resident memory of the server process, from /proc. */
function rssOf(pid: number): number {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
  return m ? Number(m[1]) * 1024 : 0;
}

async function main() {
  const pin = canPin();
  // -a: every thread (V8's and libuv's helpers started before this line too), not only the main one.
  if (pin) spawnSync("taskset", ["-acp", "1", String(process.pid)], { stdio: "ignore" });
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
    requests: [{ setupRequest: (req) => ({ ...req, body: warm.next() }) }],
    connections: CONNECTIONS,
    duration: WARMUP_SECONDS,
  });
  const before = rssOf(server.pid);
  // The server's memory every second through all runs: flat means no growth beyond the warm-up's.
  const samples: number[] = [];
  const sampler = setInterval(() => samples.push(rssOf(server.pid)), 1000);
  console.log(
    `load: node ${process.version}, ${SECONDS} s per run after ${WARMUP_SECONDS} s of warm-up; server (one process, one thread)` +
      (pin ? " pinned to core 0, load generators pinned to core 1" : " and load generators unpinned") +
      `; no pipelining; mix: ${Math.round(DISTINCT * 100)}% distinct pods (no memory hit), ${Math.round((1 - DISTINCT) * 100)}% replicas (the captured pod with generateName, again, each with its own token volume name)`,
  );
  const even = `paced ${RATE}/s even`;
  const poisson = `paced ${RATE}/s Poisson`;
  const fixed = `fixed ${RATE}/s`;
  console.log(
    `- ${even}: the API server at a steady rate: a request every ${(1000 / RATE).toFixed(2)} ms on a pool of at most ${SOCKETS} keep-alive connections, one request each (a request waits for a free one); latency from the scheduled time\n` +
      `- ${poisson}: independent arrivals (many controllers and users): exponential gaps at the same mean rate, same pool and latency\n` +
      `- ${fixed} (autocannon, ${CONNECTIONS} connections): each connection sends its share of every second back to back: bursts of up to ${CONNECTIONS} at once, the p99 mostly their queueing\n` +
      `- maximum (autocannon, ${CONNECTIONS} connections): every connection always has a request in flight: the server's throughput ceiling; latency about ${CONNECTIONS} ÷ throughput (Little's law)\n`,
  );
  console.log(ROW_HEADER);
  const notes: string[] = [];
  for (const [arrivals, title] of [
    ["even", even],
    ["poisson", poisson],
  ] as const) {
    const result = await paced(new URL(url), body, arrivals, title);
    console.log(result.row);
    notes.push(result.note);
  }
  await run(url, body, fixed, RATE);
  await run(url, body, "maximum");
  clearInterval(sampler);
  const after = rssOf(server.pid);
  const pct = (v: number) => `${(((v - before) / before) * 100).toFixed(1)}%`;
  const low = Math.min(...samples, after);
  const high = Math.max(...samples, after);
  console.log(`\n${notes.join("\n")}`);
  console.log(
    `\nserver rss after warm-up: ${mb(before)} MB; during the runs ${mb(low)}–${mb(high)} MB (${pct(low)} to ${pct(high)}); at end: ${mb(after)} MB (${pct(after)})`,
  );
  server.stop();
}

main().catch((e) => {
  console.error(e);
  process.exitCode = 1;
});
