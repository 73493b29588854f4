import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import type { JsonObject } from "../../core/json.ts";
import { builtCli } from "../helpers/cli.ts";
import { REPO, reviewFor } from "../helpers/fixtures.ts";

/**
 * Issue 13 item 5: the render memories keep text the pod's author controls. 300 pods, each with its
 * own 256 KiB annotation value that lands in the rendered sidecar, sent to `outrigger serve` (the
 * built CLI, its own process): the server's resident memory must end within 64 MiB of where it was
 * after warm-up. Without a byte bound, the 256 remembered renders and parses of such pods took it up
 * by about 300 MiB, and it stayed there.
 */
const KIB = 1024;
const MIB = 1024 * KIB;

function rssOf(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, "utf8");
  const kb = /VmRSS:\s+(\d+) kB/.exec(status)?.[1];
  if (kb === undefined) throw new Error("no VmRSS in /proc status");
  return Number(kb) * KIB;
}

function pod(i: number, valueBytes: number): JsonObject {
  const app = `big-${i}`;
  const filler = "abcdefghijklmnopqrstuvwxyz0123456789"
    .repeat(Math.ceil(valueBytes / 36))
    .slice(0, valueBytes);
  return {
    apiVersion: "v1",
    kind: "Pod",
    metadata: {
      generateName: `${app}-`,
      labels: { app },
      annotations: {
        // Each pod its own value, so no memory entry is ever reused.
        "sidecar.istio.io/bootstrapOverride": `${i}-${filler}`,
      },
    },
    spec: { containers: [{ name: "app", image: "example.com/app:1" }] },
  };
}

async function serve(): Promise<{ url: string; pid: number; stop: () => Promise<void> }> {
  const child = spawn(process.execPath, [builtCli(), "serve", "--port", "0"], {
    cwd: REPO,
    env: process.env,
  });
  let logs = "";
  return new Promise((resolveStart, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not start: ${logs}`)), 15_000);
    child.stderr.setEncoding("utf8");
    child.stderr.on("data", (chunk: string) => {
      logs += chunk;
      const m = /"url":"(https?:\/\/[^"]+)\/inject"/.exec(logs);
      if (m?.[1] && child.pid !== undefined) {
        clearTimeout(timer);
        logs = ""; // the admission lines are not kept
        resolveStart({
          url: `${m[1]}/inject`,
          pid: child.pid,
          stop: () =>
            new Promise((done) => {
              child.once("exit", () => done());
              child.kill("SIGTERM");
            }),
        });
      }
    });
    child.once("exit", (code) => reject(new Error(`server exited ${code}: ${logs}`)));
  });
}

/** The decoded JSON Patch's length. */
async function admitOver(url: string, body: JsonObject): Promise<number> {
  const res = await fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body),
  });
  const review = (await res.json()) as { response?: { allowed?: boolean; patch?: string } };
  expect(res.status).toBe(200);
  expect(review.response?.allowed).toBe(true);
  expect(review.response?.patch).toBeDefined();
  return Buffer.from(review.response?.patch ?? "", "base64").length;
}

describe("render memories are bounded by bytes", () => {
  it("300 pods with distinct 256 KiB values leave the server's RSS within 64 MiB", async () => {
    const server = await serve();
    try {
      // Warm-up: the same path with small values, so code and first-use allocations are in place.
      for (let i = 0; i < 30; i++) await admitOver(server.url, reviewFor(pod(1000 + i, 1 * KIB)));
      const before = rssOf(server.pid);
      for (let i = 0; i < 300; i++) {
        const patch = await admitOver(server.url, reviewFor(pod(i, 256 * KIB)));
        // The value lands in the rendered sidecar (a volume names it), else this would prove nothing.
        expect(patch).toBeGreaterThan(256 * KIB);
      }
      const after = rssOf(server.pid);
      console.info(
        `outrigger serve RSS after warm-up ${Math.round(before / MIB)} MiB, after 300 pods ${Math.round(after / MIB)} MiB`,
      );
      expect(after - before, `RSS ${Math.round(before / MIB)} → ${Math.round(after / MIB)} MiB`).toBeLessThan(
        64 * MIB,
      );
    } finally {
      await server.stop();
    }
  }, 120_000);
});
