import { spawn, spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { resolve } from "node:path";
import { REPO } from "./fixtures.ts";

/** The CLI as users run it: the esbuild bundle that `npm test` builds first. */
export const CLI = resolve(REPO, "dist/cli/index.cjs");

export function builtCli(): string {
  if (!existsSync(CLI)) throw new Error("dist/cli/index.cjs is missing: run `npm run build` (npm test does)");
  return CLI;
}

export interface CliResult {
  status: number | null;
  stdout: string;
  stderr: string;
}

export function runCli(args: string[], input?: string, timeout = 20_000): CliResult {
  const r = spawnSync(process.execPath, [builtCli(), ...args], {
    input,
    encoding: "utf8",
    cwd: REPO,
    timeout,
    maxBuffer: 512 * 1024 * 1024,
  });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** Starts `outrigger serve` on a free port and resolves with its URL once it is listening. */
export function startServer(
  args: string[] = [],
  env: Record<string, string> = {},
): Promise<{ url: string; stop: () => Promise<void>; logs: string[] }> {
  const child = spawn(process.execPath, [builtCli(), "serve", "--port", "0", ...args], {
    cwd: REPO,
    env: { ...process.env, ...env },
  });
  const logs: string[] = [];
  return new Promise((resolveStart, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not start: ${logs.join("")}`)), 15_000);
    child.stderr.setEncoding("utf8");
    child.stderr.on("data", (chunk: string) => {
      logs.push(chunk);
      const m = /"url":"(https?:\/\/[^"]+)\/inject"/.exec(logs.join(""));
      if (m?.[1]) {
        clearTimeout(timer);
        resolveStart({
          url: m[1],
          logs,
          stop: () =>
            new Promise((done) => {
              child.once("exit", () => done());
              child.kill("SIGTERM");
            }),
        });
      }
    });
    child.once("exit", (code) => reject(new Error(`server exited ${code}: ${logs.join("")}`)));
  });
}
