// Handler-level numbers for BENCHMARKS.md: bundle sizes, cold start of a fresh process that loads a
// bundle and answers its first admission, and warm latency through the local HTTP server.
import { spawnSync } from "node:child_process";
import { readFileSync, statSync } from "node:fs";
import type { AddressInfo } from "node:net";
import { resolve } from "node:path";
import { defaultEngine } from "../core/engine.ts";
import { createServer } from "../functions/server/node.ts";
import { configureLogs } from "../functions/shared/log.ts";
import { createApp, fixedSource } from "../functions/shared/router.ts";

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
  return ["dist/gcp/index.js", "dist/aws/index.js", "dist/cli/index.cjs"].map((f) => [f, statSync(f).size]);
}

function wall(args: string[]): number {
  const t0 = process.hrtime.bigint();
  const r = spawnSync(process.execPath, args, { encoding: "utf8" });
  if (r.status !== 0) throw new Error(`cold-start probe failed: ${r.stderr}`);
  return Number(process.hrtime.bigint() - t0) / 1e6;
}

/** Fresh process: load the Lambda bundle and answer one admission; minus bare `node -e 0`. */
export function coldStart(runs = 10): { bare: Stats; aws: Stats; added: number } {
  const capture = resolve(process.cwd(), "../shared/fixtures/apiserver/sample-admissionreview-v1.json");
  const probe = `
    const body = require("fs").readFileSync(${JSON.stringify(capture)}, "utf8");
    require(${JSON.stringify(resolve("dist/aws/index.js"))}).handler({
      version: "2.0", rawPath: "/inject", rawQueryString: "", headers: { "content-type": "application/json" },
      requestContext: { http: { method: "POST" }, stage: "$default" }, body, isBase64Encoded: false,
    }).then((r) => { if (r.statusCode !== 200) process.exit(1); });`;
  const bare = summarise(Array.from({ length: runs }, () => wall(["-e", "0"])));
  const aws = summarise(Array.from({ length: runs }, () => wall(["-e", probe])));
  return { bare, aws, added: aws.median - bare.median };
}

/** Sequential requests to the local server (the same router as the cloud handlers) over loopback. */
export async function warmServer(n = 2000): Promise<Stats> {
  configureLogs({ sink: () => {} });
  const server = createServer({ app: createApp({ source: fixedSource(defaultEngine()), tokens: [] }) });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/inject?timeout=10s`;
  const body = readFileSync(
    resolve(process.cwd(), "../shared/fixtures/apiserver/sample-admissionreview-v1.json"),
    "utf8",
  );
  const times: number[] = [];
  for (let i = 0; i < n + 100; i++) {
    const t0 = process.hrtime.bigint();
    const res = await fetch(url, { method: "POST", headers: { "content-type": "application/json" }, body });
    await res.arrayBuffer();
    if (i >= 100) times.push(Number(process.hrtime.bigint() - t0) / 1e6);
  }
  server.close();
  return summarise(times);
}
