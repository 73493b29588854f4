import {
  createServer as createHttpServer,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from "node:http";
import { createServer as createHttpsServer } from "node:https";
import { MAX_BODY_BYTES } from "../../core/admission/http.ts";
import type { App } from "../shared/router.ts";

export interface ServerOptions {
  app: App;
  tls?: { cert: string | Buffer; key: string | Buffer };
}

/** The webhook on a plain Node HTTP(S) server: the local twin of the cloud handlers, same routes. */
export function createServer({ app, tls }: ServerOptions): Server {
  const handler = (req: IncomingMessage, res: ServerResponse) => {
    readBody(req, MAX_BODY_BYTES + 1)
      .then((body) =>
        app.handle({
          method: req.method ?? "GET",
          url: req.url ?? "/",
          contentType: req.headers["content-type"],
          body,
        }),
      )
      .then(
        (out) => res.writeHead(out.status, out.headers).end(out.body),
        () => res.writeHead(400).end(),
      );
  };
  return tls ? createHttpsServer(tls, handler) : createHttpServer(handler);
}

/** Reads at most `limit` bytes: enough to tell that a body is over the cap without holding all of it. */
function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on("data", (chunk: Buffer) => {
      if (size >= limit) return;
      chunks.push(chunk);
      size += chunk.length;
    });
    req.on("end", () => resolve(Buffer.concat(chunks)));
    req.on("error", reject);
  });
}
