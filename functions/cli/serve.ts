import { readFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { createServer } from "../server/node.ts";
import { appFromEnv } from "../shared/bootstrap.ts";
import { engineFromFile } from "../shared/engine-file.ts";
import { log } from "../shared/log.ts";
import { type App, createApp, fixedSource } from "../shared/router.ts";
import { InputError, UsageError } from "./usage.ts";

/** `outrigger serve [--port N] [--host H] [--config FILE] [--tls-cert F --tls-key F]`. Runs until killed. */
export async function serve(args: string[]): Promise<number> {
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
