import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { createServer, type IncomingMessage } from "node:http";
import { resolve } from "node:path";
import { REPO } from "./fixtures.ts";

/**
 * A stand-in for the Lambda Runtime API (the RIE is a download from outside npm, so it cannot run
 * here): it hands events to the real runtime client, aws-lambda-ric, and collects the results.
 * Only the four routes the client calls are served.
 */
export const RIC_BIN = resolve(REPO, "node_modules/aws-lambda-ric/bin/index.mjs");
export const ricAvailable = existsSync(resolve(REPO, "node_modules/aws-lambda-ric/dist/rapid-client.node"));

interface Pending {
  event: unknown;
  resolve: (result: { ok: boolean; body: unknown }) => void;
}

export async function startLambda(taskRoot: string, env: Record<string, string> = {}) {
  const queue: Pending[] = [];
  const waiting: ((p: Pending) => void)[] = [];
  const inflight = new Map<string, Pending>();
  const stdout: string[] = [];
  let seq = 0;

  const read = (req: IncomingMessage) =>
    new Promise<string>((done) => {
      const chunks: Buffer[] = [];
      req.on("data", (c: Buffer) => chunks.push(c));
      req.on("end", () => done(Buffer.concat(chunks).toString("utf8")));
    });

  const server = createServer(async (req, res) => {
    const url = req.url ?? "";
    if (req.method === "GET" && url.endsWith("/runtime/invocation/next")) {
      const next = queue.shift() ?? (await new Promise<Pending>((r) => waiting.push(r)));
      const id = `req-${++seq}`;
      inflight.set(id, next);
      res.writeHead(200, {
        "content-type": "application/json",
        "lambda-runtime-aws-request-id": id,
        "lambda-runtime-deadline-ms": String(Date.now() + 30_000),
        "lambda-runtime-invoked-function-arn": "arn:aws:lambda:us-east-1:000000000000:function:outrigger",
        "lambda-runtime-trace-id": "Root=1-00000000-000000000000000000000000",
      });
      res.end(JSON.stringify(next.event));
      return;
    }
    const m = /\/runtime\/invocation\/([^/]+)\/(response|error)$/.exec(url);
    const body = await read(req);
    if (m?.[1] && inflight.has(m[1])) {
      inflight.get(m[1])?.resolve({ ok: m[2] === "response", body: body ? JSON.parse(body) : null });
      inflight.delete(m[1]);
    }
    res.writeHead(202).end();
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const address = server.address();
  const port = typeof address === "object" && address ? address.port : 0;

  const child = spawn(process.execPath, [RIC_BIN, "index.handler"], {
    cwd: taskRoot,
    env: {
      ...process.env,
      ...env,
      AWS_LAMBDA_RUNTIME_API: `127.0.0.1:${port}`,
      LAMBDA_TASK_ROOT: taskRoot,
      _HANDLER: "index.handler",
    },
  });
  child.stdout.setEncoding("utf8").on("data", (c: string) => stdout.push(c));
  child.stderr.setEncoding("utf8").on("data", (c: string) => stdout.push(c));

  return {
    stdout,
    invoke(event: unknown): Promise<{ ok: boolean; body: unknown }> {
      return new Promise((resolveInvoke) => {
        const p = { event, resolve: resolveInvoke };
        const w = waiting.shift();
        if (w) w(p);
        else queue.push(p);
      });
    },
    async stop() {
      child.kill("SIGKILL");
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}
