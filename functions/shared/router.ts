import { admitHttp } from "../../core/admission/http.ts";
import type { Engine } from "../../core/engine.ts";
import { logAdmission } from "./log.ts";

/**
 * Routes shared by every front end (local server, Cloud Function, Lambda): each turns its platform's
 * request into a WebRequest and writes back the WebResponse, and nothing else.
 * Routes: POST /inject[/<path envs>] → admission; GET /healthz → config version; anything else 404.
 */
export interface WebRequest {
  method: string;
  /** Path and query as received (`/inject/cluster/c1?timeout=10s`). */
  url: string;
  contentType: string | undefined;
  body: Uint8Array | string | undefined;
}

export interface WebResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
}

export function route(req: WebRequest, engine: Engine): WebResponse {
  const path = pathOf(req.url);
  if (path === "/healthz" && req.method === "GET") {
    return json(200, { status: "ok", configVersion: engine.version });
  }
  if ((path === "/inject" || path.startsWith("/inject/")) && req.method === "POST") {
    const res = admitHttp({ path, contentType: req.contentType, body: req.body }, engine);
    logAdmission(res.log, { path: redactPath(path), configVersion: engine.version });
    return { status: res.status, headers: { "content-type": res.contentType }, body: res.body };
  }
  return { status: 404, headers: { "content-type": "text/plain; charset=utf-8" }, body: "not found\n" };
}

function pathOf(url: string): string {
  const q = url.indexOf("?");
  return q < 0 ? url : url.slice(0, q);
}

/** Path envs name clusters and networks, which are fine to log; cap the length so logs stay small. */
function redactPath(path: string): string {
  return path.length > 200 ? `${path.slice(0, 200)}...` : path;
}

function json(status: number, body: unknown): WebResponse {
  return { status, headers: { "content-type": "application/json" }, body: JSON.stringify(body) };
}
