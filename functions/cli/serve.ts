import { readFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { createServer } from "../server/node.ts";
import { appFromEnv } from "../shared/bootstrap.ts";
import { engineFromFile } from "../shared/engine-file.ts";
import { log } from "../shared/log.ts";
import { type App, createApp, fixedSource } from "../shared/router.ts";
import { type Command, EXIT_CODES, InputError, UsageError } from "./usage.ts";

export const serve: Command = {
  summary: "run the webhook locally over HTTP or HTTPS (the same handler as the cloud functions)",
  help: `Usage: outrigger serve [--port N] [--host H] [--config FILE] [--tls-cert FILE --tls-key FILE]

Serves POST /inject, POST /inject/<path envs> and GET /healthz (README "HTTP") until stopped.
Without --config it reads the environment the cloud handlers read (OUTRIGGER_CONFIG,
OUTRIGGER_CONFIG_URL, OUTRIGGER_TOKENS, ...), falling back to the built-in config. A real API
server calls https URLs only: give it --tls-cert and --tls-key.

Flags:
      --port N          port to listen on (default: $PORT, else 8080; 0 picks a free one)
      --host H          address to listen on (default 127.0.0.1)
      --config FILE     Outrigger config
      --tls-cert FILE   PEM certificate chain, with --tls-key
      --tls-key FILE    PEM private key, with --tls-cert

Examples:
  outrigger serve --port 8443 --tls-cert tls.crt --tls-key tls.key --host 0.0.0.0
  OUTRIGGER_CONFIG_URL=s3://my-bucket/outrigger.yaml outrigger serve

${EXIT_CODES}
`,
  run: runServe,
};

/** Runs until killed. */
async function runServe(args: string[]): Promise<number> {
  const { values } = parseArgs({
    args,
    options: {
      port: { type: "string", default: process.env.PORT ?? "8080" },
      host: { type: "string", default: "127.0.0.1" },
      config: { type: "string" },
      "tls-cert": { type: "string" },
      "tls-key": { type: "string" },
    },
    strict: true,
  });
  const port = Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    throw new UsageError(`--port ${values.port}: not a port`);
  if (Boolean(values["tls-cert"]) !== Boolean(values["tls-key"])) {
    throw new UsageError("--tls-cert and --tls-key go together");
  }
  const tls =
    values["tls-cert"] && values["tls-key"] ? readTls(values["tls-cert"], values["tls-key"]) : undefined;
  // With --config the file is the config; without, the same environment the cloud handlers read
  // (OUTRIGGER_CONFIG, OUTRIGGER_CONFIG_URL, OUTRIGGER_TOKENS, ...), falling back to the built-in config.
  let app: App;
  if (values.config !== undefined) {
    const engine = engineFromFile(values.config);
    if (!engine.ok) throw new InputError(engine.error);
    app = createApp({ source: fixedSource(engine.value), tokens: [] });
  } else {
    app = await appFromEnv(process.env);
  }
  const server = createServer({ app, tls });
  return new Promise((resolve) => {
    server.on("error", (e) => {
      process.stderr.write(`outrigger serve: ${e.message}\n`);
      resolve(1);
    });
    server.listen(port, values.host, () => {
      const addr = server.address();
      const actual = typeof addr === "object" && addr ? addr.port : port;
      log("INFO", "listening", { url: `${tls ? "https" : "http"}://${values.host}:${actual}/inject` });
    });
    const stop = () => server.close(() => resolve(0));
    process.once("SIGINT", stop);
    process.once("SIGTERM", stop);
  });
}

function readTls(cert: string, key: string) {
  try {
    return { cert: readFileSync(cert), key: readFileSync(key) };
  } catch (e) {
    throw new InputError(`cannot read TLS files: ${(e as Error).message}`);
  }
}
