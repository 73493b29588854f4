import { readFileSync } from "node:fs";
import { createSecureContext } from "node:tls";
import { parseArgs } from "node:util";
import { createServer, DEFAULT_TIMEOUTS } from "../server/node.ts";
import { appFromEnv, primeEngine } from "../shared/bootstrap.ts";
import { engineFromFile } from "../shared/engine-file.ts";
import { log } from "../shared/log.ts";
import { type App, createApp, fixedSource } from "../shared/router.ts";
import { loadTokens } from "../shared/tokens.ts";
import { fileProblem } from "./io.ts";
import { type Command, EXIT_CODES, InputError, UsageError } from "./usage.ts";

export const serve: Command = {
  summary: "run the webhook locally over HTTP or HTTPS (the same handler as the cloud functions)",
  help: `Usage: outrigger serve [--port N] [--host H] [--config FILE] [--tls-cert FILE --tls-key FILE]
                       [--header-timeout S] [--request-timeout S]

Serves POST /inject, POST /inject/<path envs> and GET /healthz (README "HTTP") until stopped.
Without --config it reads the environment the cloud handlers read (OUTRIGGER_CONFIG,
OUTRIGGER_CONFIG_URL, OUTRIGGER_TOKENS, ...), falling back to the built-in config. With --config
the file is the config, and the URL tokens still come from OUTRIGGER_TOKENS or
OUTRIGGER_TOKENS_SECRET (OUTRIGGER_REQUIRE_TOKEN=true makes their absence an error). A real API
server calls https URLs only: give it --tls-cert and --tls-key.

Flags:
      --port N          port to listen on (default: $PORT, else 8080; 0 picks a free one)
      --host H          address to listen on (default 127.0.0.1)
      --config FILE     Outrigger config
      --tls-cert FILE   PEM certificate chain, with --tls-key
      --tls-key FILE    PEM private key, with --tls-cert
      --header-timeout S  seconds to receive a request's headers before the connection is
                        closed (default 10)
      --request-timeout S seconds to receive a whole request (default 30, the API server's
                        longest webhook timeout)

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
      "header-timeout": { type: "string", default: String(DEFAULT_TIMEOUTS.headersMs / 1000) },
      "request-timeout": { type: "string", default: String(DEFAULT_TIMEOUTS.requestMs / 1000) },
    },
    strict: true,
  });
  const port = Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    throw new UsageError(`--port ${values.port}: not a port`);
  if (Boolean(values["tls-cert"]) !== Boolean(values["tls-key"])) {
    throw new UsageError("--tls-cert and --tls-key go together");
  }
  const timeouts = {
    headersMs: seconds("--header-timeout", values["header-timeout"]),
    requestMs: seconds("--request-timeout", values["request-timeout"]),
  };
  const tls =
    values["tls-cert"] && values["tls-key"] ? readTls(values["tls-cert"], values["tls-key"]) : undefined;
  // With --config the file is the config; without, the same environment the cloud handlers read
  // (OUTRIGGER_CONFIG, OUTRIGGER_CONFIG_URL, OUTRIGGER_TOKENS, ...), falling back to the built-in config.
  let app: App;
  if (values.config !== undefined) {
    const engine = engineFromFile(values.config, process.env);
    if (!engine.ok) throw new InputError(engine.error);
    for (const w of engine.value.warnings) log("WARNING", w, { configSource: values.config });
    // The same token variables as the handlers, so the URL `webhook-config` prints works here too;
    // a token source that fails stops the server rather than opening /inject.
    const tokens = await loadTokens(process.env);
    if (!tokens.ok) throw new InputError(tokens.error);
    primeEngine(engine.value, process.env);
    app = createApp({ source: fixedSource(engine.value), tokens: tokens.value });
  } else {
    app = await appFromEnv(process.env);
  }
  const exposure = exposureWarning(values.host ?? "", Boolean(tls), process.env);
  if (exposure) log("WARNING", exposure);
  const server = createServer({ app, tls, timeouts });
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

function seconds(flag: string, value: string | undefined): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0 || n > 3600)
    throw new UsageError(`${flag} ${value}: want seconds, 0 < S <= 3600`);
  return Math.round(n * 1000);
}

/**
 * The one line that says `/inject` is open to the network: on an address other than loopback, without
 * URL tokens anyone who can reach the port injects, and without TLS the token and the pods travel in
 * clear. Undefined when neither is missing or the address is loopback.
 */
export function exposureWarning(
  host: string,
  tls: boolean,
  env: Record<string, string | undefined>,
): string | undefined {
  if (/^(?:127\.\d+\.\d+\.\d+|::1|localhost|\[::1\])$/i.test(host)) return undefined;
  const tokens = [env.OUTRIGGER_TOKENS, env.OUTRIGGER_TOKENS_SECRET].some((v) => v && v.trim() !== "");
  const missing = [
    tokens ? "" : "no URL token (OUTRIGGER_TOKENS)",
    tls ? "" : "no TLS (--tls-cert, --tls-key)",
  ];
  const said = missing.filter((m) => m !== "");
  if (said.length === 0) return undefined;
  const risk = tokens
    ? "the token and the pods cross the network in clear"
    : "anyone who can reach this port can use /inject";
  return `serving on ${host} with ${said.join(" and ")}: ${risk}; bind 127.0.0.1 or give what is missing (SECURITY.md)`;
}

/** The certificate and key, checked before the server starts: each mistake named with its file. */
function readTls(cert: string, key: string): { cert: Buffer; key: Buffer } {
  const read = (path: string, flag: string) => {
    try {
      return readFileSync(path);
    } catch (e) {
      const problem = fileProblem((e as NodeJS.ErrnoException).code, (e as Error).message);
      throw new InputError(`${flag} ${path}: cannot read: ${problem}`);
    }
  };
  const material = { cert: read(cert, "--tls-cert"), key: read(key, "--tls-key") };
  const certText = material.cert.toString("latin1");
  const keyText = material.key.toString("latin1");
  const hasCert = (t: string) => t.includes("-----BEGIN CERTIFICATE-----");
  const hasKey = (t: string) => /-----BEGIN [A-Z ]*PRIVATE KEY-----/.test(t);
  if (!hasCert(certText) && hasKey(certText) && hasCert(keyText))
    throw new InputError(
      `--tls-cert ${cert} holds a private key and --tls-key ${key} a certificate: swap them`,
    );
  if (!hasCert(certText))
    throw new InputError(`--tls-cert ${cert}: no PEM certificate (-----BEGIN CERTIFICATE-----) in it`);
  if (!hasKey(keyText))
    throw new InputError(`--tls-key ${key}: no PEM private key (-----BEGIN ... PRIVATE KEY-----) in it`);
  try {
    createSecureContext(material);
  } catch (e) {
    const why = /key values mismatch/i.test((e as Error).message)
      ? "the key is not the certificate's"
      : (e as Error).message;
    throw new InputError(`--tls-cert ${cert} and --tls-key ${key} cannot be used together: ${why}`);
  }
  return material;
}
