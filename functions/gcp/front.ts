import http, { type RequestListener } from "node:http";
import { DEFAULT_TIMEOUTS, nodeHandler, serverOptions } from "../server/node.ts";
import type { App } from "../shared/router.ts";

/**
 * The layer in front of functions-framework's body parsers.
 *
 * functions-framework (what Cloud Run functions run, and `npm start`) builds an Express app whose
 * first middlewares are body-parser's: every request body, up to 1 GB, is read, gunzipped and
 * JSON-parsed before any function code runs, so a refused request (wrong token, 200 MB of gzip)
 * costs the instance its memory. None of that is configurable. What it does do is load the
 * function module first and then create its server with `http.createServer(app)`; this module, run
 * at load, replaces that one call so the server's requests go to the webhook's own Node handler,
 * the one `outrigger serve` runs: head checked first, body read to the limit, never inflated.
 * The Express app is left unused (its 404 pages, HTML error pages and parsers with it).
 *
 * Only a call with an Express app as its listener is taken, once; any other createServer call goes
 * through untouched. The tests run the bundle under the real functions-framework and fail if the
 * layer is not in front (memory and time of refused requests, no Express page).
 */
export function frontFunctionsFramework(app: Promise<App>): void {
  const original = http.createServer;
  const replacement = ((...args: unknown[]) => {
    const listener = args.find((a) => typeof a === "function");
    if (args.length !== 1 || !isExpressApp(listener)) return Reflect.apply(original, http, args);
    http.createServer = original;
    return original(serverOptions(DEFAULT_TIMEOUTS), nodeHandler(app));
  }) as typeof http.createServer;
  http.createServer = replacement;
}

/** An Express application: a request listener that also has Express's `handle`, `use` and `set`. */
function isExpressApp(f: unknown): f is RequestListener {
  const app = f as { handle?: unknown; use?: unknown; set?: unknown } | undefined;
  return (
    typeof f === "function" &&
    typeof app?.handle === "function" &&
    typeof app.use === "function" &&
    typeof app.set === "function"
  );
}
