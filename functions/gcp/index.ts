import type { HttpFunction } from "@google-cloud/functions-framework";
import { appFromEnv } from "../shared/bootstrap.ts";
import { fdSink } from "../shared/fd-sink.ts";
import { configureLogs } from "../shared/log.ts";
import { frontFunctionsFramework } from "./front.ts";

/**
 * The Cloud Function (gen2): `inject`, an HTTP function for functions-framework, exported by name
 * so the bundle is self-contained (functions-framework finds it on the module, no registry needed).
 */

// Express, which functions-framework builds its server on after loading this module, prints stack
// traces in error pages unless NODE_ENV is production; a webhook must never show one.
process.env.NODE_ENV = "production";
configureLogs({ format: "gcp", sink: fdSink(2) });

// Config and tokens load at cold start, while the platform is still starting the instance.
const app = appFromEnv(process.env);

// Requests are served in front of functions-framework's body parsers (see front.ts), so `inject`
// below only runs where this module is used without functions-framework's server.
frontFunctionsFramework(app);

export const inject: HttpFunction = async (req, res) => {
  const out = await (await app).handle({
    method: req.method,
    url: req.originalUrl || req.url,
    contentType: req.get("content-type"),
    contentEncoding: req.get("content-encoding"),
    // Where functions-framework parsed the body, the raw bytes are what the contract is about.
    body: req.rawBody ?? (typeof req.body === "string" ? req.body : undefined),
  });
  res.status(out.status).set(out.headers).send(out.body);
};
