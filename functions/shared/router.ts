import { admitWithoutConfig } from "../../core/admission/admit.ts";
import { admitHttp, answerHttp, type HttpAdmissionResponse, headError } from "../../core/admission/http.ts";
import { parsePathEnvs } from "../../core/admission/path-envs.ts";
import type { Engine } from "../../core/engine.ts";
import { log, logAdmission } from "./log.ts";
import { matchToken, tokenFromPath } from "./tokens.ts";

/**
 * The routes every front end shares (local server, Cloud Function, Lambda). Each adapter turns its
 * platform's request into a WebRequest and writes back the WebResponse, and does nothing else.
 *
 *   POST /inject[/<path envs>]          admission (no tokens configured: local use)
 *   POST /inject/t/<token>[/<path envs>] admission, when tokens are configured
 *   POST /inject[/t/<token>]/rev/<rev>[/<path envs>]  the same, answered by Istio revision <rev>
 *                                       (core/deployment.ts; admit() reads it, unknown: denied)
 *   GET  /healthz                       200 with the config version, or 503 with the reason
 *   anything else                       404
 */
/** What a request says before its body: enough to refuse it without reading a byte of the body. */
export interface RequestHead {
  method: string;
  /** Path and query as received (`/inject/t/abc/cluster/c1?timeout=10s`). */
  url: string;
  contentType: string | undefined;
  /** `Content-Encoding`; a compressed body is refused, never inflated. */
  contentEncoding?: string | undefined;
  /** `Content-Length`, when the request declares one. */
  contentLength?: number | undefined;
}

export interface WebRequest extends RequestHead {
  body: Uint8Array | string | undefined;
}

export interface WebResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
}

/** Where the engine comes from: fixed (local) or loaded and revalidated from a config source. */
export interface EngineSource {
  current(): Engine | undefined;
  /** Revalidates if due; resolves by the budget whatever happens, serving the last good config. */
  refresh(budgetMs: number): Promise<void>;
  /** `refused`: why a newer config was refused while this one serves (generic, no config text). */
  health(): { ok: true; version: string; refused?: string } | { ok: false; reason: string };
  readonly failureMode: "deny" | "allow";
}

export interface AppOptions {
  source: EngineSource;
  /**
   * URL tokens; with none, `/inject` is open (local use) and a token-shaped path is refused.
   * "unavailable": tokens were configured but could not be read, so nothing is let in.
   */
  tokens: readonly string[] | "unavailable";
}

export interface App {
  /**
   * The answer a request gets from its head alone (every refusal, /healthz, a compressed or
   * oversized body), or undefined when its body has to be read. Front ends that stream the body
   * call this first, so a refused request costs no body read, no inflation and no JSON parse.
   */
  preflight(head: RequestHead): WebResponse | undefined;
  handle(req: WebRequest): Promise<WebResponse>;
}

/** The API server's default webhook timeout, used when the request carries no `?timeout=`. */
const DEFAULT_TIMEOUT_MS = 10_000;

const NOT_FOUND: WebResponse = {
  status: 404,
  headers: { "content-type": "text/plain; charset=utf-8" },
  body: "not found\n",
};

let rejectedTotal = 0;

export function createApp({ source, tokens }: AppOptions): App {
  /** The head's answer, or where the admission goes; the same checks, in the same order, for every front end. */
  const route = (
    head: RequestHead,
    started: number,
  ): { answer: WebResponse } | { rest: string; timeoutMs: number } => {
    const { path, timeoutMs } = parseUrl(head.url);
    if (path === "/healthz" && head.method === "GET") return { answer: health(source, tokens) };
    if (!(path === "/inject" || path.startsWith("/inject/"))) return { answer: NOT_FOUND };

    const { token, rest } = tokenFromPath(path);
    const authorised =
      tokens === "unavailable"
        ? false
        : tokens.length === 0
          ? token === undefined
          : token !== undefined && matchToken(token, tokens);
    // The key `t` is the token's: as a path env it would put a token (`/inject/t/T1/t/T1`) into the pod.
    const tokenKey = authorised && hasTokenKey(rest);
    if (!authorised || tokenKey || head.method !== "POST") {
      // Same answer for every refusal, so a caller learns nothing about which part was wrong.
      if (!authorised || tokenKey) {
        rejectedTotal += 1;
        log("WARNING", `request refused: ${tokenKey ? "path env key t" : "missing or wrong URL token"}`, {
          rejectedTotal,
        });
      }
      return { answer: NOT_FOUND };
    }
    const early = headError(head);
    if (early) {
      logAdmission(early.log, early.status, elapsed(started), { path: shortPath(rest) });
      return { answer: toWeb(early) };
    }
    return { rest, timeoutMs };
  };

  return {
    preflight(head) {
      const routed = route(head, performance.now());
      return "answer" in routed ? routed.answer : undefined;
    },

    async handle(req) {
      const started = performance.now();
      const routed = route(req, started);
      if ("answer" in routed) return routed.answer;
      const { rest, timeoutMs } = routed;

      // Half the API server's budget for a config revalidation; the rest is for the answer itself.
      await source.refresh(Math.max(0, timeoutMs / 2 - 100));
      const engine = source.current();
      const httpReq = {
        path: rest,
        contentType: req.contentType,
        contentEncoding: req.contentEncoding,
        body: req.body,
      };
      const res = engine
        ? admitHttp(httpReq, engine)
        : answerHttp(httpReq, (body) => admitWithoutConfig(body, source.failureMode));
      logAdmission(res.log, res.status, elapsed(started), {
        path: shortPath(rest),
        configVersion: engine?.version,
      });
      return toWeb(res);
    },
  };
}

const elapsed = (started: number) => Math.round((performance.now() - started) * 1000) / 1000;
const shortPath = (rest: string) => (rest.length > 200 ? `${rest.slice(0, 200)}...` : rest);

/** Whether the path envs after the token name `t` (in any case or form: `/t/x`, `:ENV:t=x`, `%74`). */
function hasTokenKey(rest: string): boolean {
  return Object.hasOwn(parsePathEnvs(rest).envs, "T");
}

function toWeb(res: HttpAdmissionResponse): WebResponse {
  return { status: res.status, headers: { "content-type": res.contentType }, body: res.body };
}

function health(source: EngineSource, tokens: AppOptions["tokens"]): WebResponse {
  const h: ReturnType<EngineSource["health"]> =
    tokens === "unavailable"
      ? { ok: false, reason: "URL tokens could not be loaded (see the logs)" }
      : source.health();
  const body = h.ok
    ? { status: "ok", configVersion: h.version, ...(h.refused ? { refused: h.refused } : {}) }
    : { status: "unavailable", reason: h.reason };
  return {
    status: h.ok ? 200 : 503,
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body),
  };
}

/** The path, and the budget the API server gives the call (`?timeout=10s`, a Go duration). */
export function parseUrl(url: string): { path: string; timeoutMs: number } {
  const q = url.indexOf("?");
  const path = q < 0 ? url : url.slice(0, q);
  const timeout = q < 0 ? null : new URLSearchParams(url.slice(q + 1)).get("timeout");
  return {
    path: path || "/",
    timeoutMs: timeout ? (goDurationMs(timeout) ?? DEFAULT_TIMEOUT_MS) : DEFAULT_TIMEOUT_MS,
  };
}

const UNITS: Record<string, number> = { ms: 1, s: 1000, m: 60_000 };

function goDurationMs(s: string): number | undefined {
  const m = /^(\d+(?:\.\d+)?)(ms|s|m)$/.exec(s.trim());
  if (!m) return undefined;
  const ms = Number(m[1]) * (UNITS[m[2] as string] ?? 1000);
  return Number.isFinite(ms) && ms > 0 ? Math.min(ms, 30_000) : undefined;
}

/** An engine that never changes: the local server and tests with a config file. */
export function fixedSource(engine: Engine): EngineSource {
  return {
    current: () => engine,
    refresh: async () => {},
    health: () => ({ ok: true, version: engine.version }),
    failureMode: "deny",
  };
}
