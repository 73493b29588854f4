import {
  createServer as createHttpServer,
  type ServerOptions as HttpServerOptions,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from "node:http";
import { createServer as createHttpsServer } from "node:https";
import { MAX_BODY_BYTES, tooLarge } from "../../core/admission/http.ts";
import type { App, RequestHead, WebResponse } from "../shared/router.ts";

export interface Timeouts {
  /** Milliseconds to receive a request's headers; a connection that trickles them is closed. */
  headersMs: number;
  /** Milliseconds to receive a whole request, headers and body. */
  requestMs: number;
}

/**
 * The API server gives a webhook at most 30 s and sends its request in one go; a client slower
 * than that is holding a connection open, not calling a webhook.
 */
export const DEFAULT_TIMEOUTS: Timeouts = { headersMs: 10_000, requestMs: 30_000 };

export interface ServerOptions {
  app: App;
  tls?: { cert: string | Buffer; key: string | Buffer };
  timeouts?: Timeouts;
}

/** The webhook on a plain Node HTTP(S) server: the local twin of the cloud handlers, same routes. */
export function createServer({ app, tls, timeouts = DEFAULT_TIMEOUTS }: ServerOptions): Server {
  const handler = nodeHandler(app);
  const options = serverOptions(timeouts);
  return tls ? createHttpsServer({ ...options, ...tls }, handler) : createHttpServer(options, handler);
}

/** Node's own enforcement of the timeouts; it checks open connections once a second. */
export function serverOptions(timeouts: Timeouts): HttpServerOptions {
  // Node refuses a headers timeout longer than the request timeout; the whole request bounds both.
  const headersMs = Math.min(timeouts.headersMs, timeouts.requestMs);
  return {
    headersTimeout: headersMs,
    requestTimeout: timeouts.requestMs,
    connectionsCheckingInterval: Math.min(1_000, headersMs),
  };
}

/**
 * A Node request listener for the app. The head is checked before the body: a refused request is
 * answered at once, with its body never read (the connection is closed instead of drained); an
 * accepted one has its body read up to the limit, as bytes, never inflated or parsed here.
 */
export function nodeHandler(app: App | Promise<App>): (req: IncomingMessage, res: ServerResponse) => void {
  return (req, res) => {
    void serve(app, req, res).catch(() => {
      if (!res.headersSent) reply(req, res, { status: 500, headers: {}, body: "" });
      else res.destroy();
    });
  };
}

async function serve(appOrPromise: App | Promise<App>, req: IncomingMessage, res: ServerResponse) {
  const app = await appOrPromise;
  const head = headOf(req);
  const early = app.preflight(head);
  if (early) return reply(req, res, early);
  const body = await readBody(req, MAX_BODY_BYTES);
  if (body === undefined) {
    const over = tooLarge();
    return reply(req, res, {
      status: over.status,
      headers: { "content-type": over.contentType },
      body: over.body,
    });
  }
  reply(req, res, await app.handle({ ...head, body }));
}

function headOf(req: IncomingMessage): RequestHead {
  const length = req.headers["content-length"];
  return {
    method: req.method ?? "GET",
    url: req.url ?? "/",
    contentType: req.headers["content-type"],
    contentEncoding: req.headers["content-encoding"],
    contentLength: length !== undefined && /^\d+$/.test(length) ? Number(length) : undefined,
  };
}

/**
 * After an early answer, at most this much more of the body is read (and dropped); then reading
 * stops and the connection is closed a moment later. The moment lets a caller that is still
 * sending (an API server with a stale token, say) read the answer: closing a socket with unread
 * data resets the connection, and a reset can discard an answer the caller has not read yet.
 */
const DISCARD_LIMIT = 64 * 1024;
const CLOSE_AFTER_MS = 1_000;

function reply(req: IncomingMessage, res: ServerResponse, out: WebResponse): void {
  if (!req.complete) {
    let discarded = 0;
    req.removeAllListeners("data");
    req.on("data", (chunk: Buffer) => {
      discarded += chunk.length;
      if (discarded <= DISCARD_LIMIT) return;
      req.pause();
      req.removeAllListeners("data");
      setTimeout(() => req.socket.destroy(), CLOSE_AFTER_MS).unref();
    });
    req.resume();
  }
  // A length rather than chunks: the answer is whole, and a client reads it in one go.
  res.writeHead(out.status, { ...out.headers, "content-length": Buffer.byteLength(out.body) }).end(out.body);
}

/** The body, or undefined once it passes `limit` bytes: reading stops there, nothing more is held. */
function readBody(req: IncomingMessage, limit: number): Promise<Buffer | undefined> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        req.off("data", onData).off("end", onEnd);
        chunks.length = 0;
        resolve(undefined);
        return;
      }
      chunks.push(chunk);
    };
    const onEnd = () => resolve(Buffer.concat(chunks, size));
    req.on("data", onData).on("end", onEnd).on("error", reject);
  });
}
