import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

/**
 * A fake of the three Google endpoints Outrigger calls, on node:http bound to 127.0.0.1:0. No GCS
 * emulator runs on this machine (firebase-tools needs Java 21, fake-gcs-server is Go), so this
 * implements just what the loaders use, with the real API's shapes:
 *
 * - GCS JSON API `objects.get`: `GET /storage/v1/b/{bucket}/o/{object}` (also without the
 *   `/storage/v1` prefix, as the SDK calls an emulator) for metadata, `?alt=media` for the bytes,
 *   `generation=`, `ifGenerationNotMatch=` (304) and `ifGenerationMatch=` (412); generations
 *   increase on every put.
 * - the metadata server's token endpoint (requires `Metadata-Flavor: Google`, as the real one does).
 * - Secret Manager `GET /v1/projects/{p}/secrets/{s}/versions/{v}:access` (payload base64).
 *
 * With `bearer` set, GCS and Secret Manager answer 401 unless the request carries that token,
 * which is how the metadata-token path is checked. Real Google auth is not: that needs a deploy.
 */
export interface FakeRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  headers: IncomingMessage["headers"];
}

interface StoredObject {
  text: string;
  generation: number;
}

export interface GoogleFake {
  /** `http://127.0.0.1:<port>` */
  base: string;
  /** host:port, the form STORAGE_EMULATOR_HOST and GCE_METADATA_HOST take. */
  host: string;
  requests: FakeRequest[];
  /** The token the metadata server hands out and GCS/Secret Manager require; undefined: no auth check. */
  bearer: string | undefined;
  tokenRequests: number;
  put(bucket: string, name: string, text: string): number;
  putSecret(name: string, text: string): void;
  /** While stalled, every request waits until `release()`. */
  stall(): void;
  release(): void;
  close(): Promise<void>;
}

export async function startGoogleFake(options: { bearer?: string } = {}): Promise<GoogleFake> {
  const objects = new Map<string, StoredObject>();
  const secrets = new Map<string, string>();
  // Real generations are microsecond timestamps, below 2^53, so they survive a JS number.
  let nextGeneration = 1_700_000_000_000_000;
  let stalled: Promise<void> | undefined;
  let releaseStall: (() => void) | undefined;

  const json = (res: ServerResponse, status: number, body: unknown) => {
    res.writeHead(status, { "content-type": "application/json; charset=UTF-8" }).end(JSON.stringify(body));
  };
  const googleError = (res: ServerResponse, status: number, reason: string, message: string) =>
    json(res, status, { error: { code: status, message, errors: [{ message, domain: "global", reason }] } });

  const handle = (req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? "/", "http://fake");
    fake.requests.push({
      method: req.method ?? "GET",
      path: url.pathname,
      query: url.searchParams,
      headers: req.headers,
    });

    if (url.pathname === "/computeMetadata/v1/instance/service-accounts/default/token") {
      if (req.headers["metadata-flavor"] !== "Google")
        return googleError(res, 403, "forbidden", "Missing Metadata-Flavor:Google header.");
      fake.tokenRequests += 1;
      return json(res, 200, {
        access_token: fake.bearer ?? "fake-access-token",
        expires_in: 3599,
        token_type: "Bearer",
      });
    }

    if (fake.bearer !== undefined && req.headers.authorization !== `Bearer ${fake.bearer}`)
      return googleError(res, 401, "required", "Anonymous caller does not have storage.objects.get access.");

    const secret = /^\/v1\/(projects\/[^/]+\/secrets\/[^/]+\/versions\/[^/]+):access$/.exec(url.pathname);
    if (secret && req.method === "GET") {
      const name = secret[1] as string;
      const text = secrets.get(name);
      if (text === undefined)
        return json(res, 404, {
          error: { code: 404, message: `Secret [${name}] not found.`, status: "NOT_FOUND" },
        });
      return json(res, 200, { name, payload: { data: Buffer.from(text).toString("base64") } });
    }

    const object = /^(?:\/storage\/v1)?\/b\/([^/]+)\/o\/([^/]+)$/.exec(url.pathname);
    if (object && req.method === "GET") {
      const bucket = decodeURIComponent(object[1] as string);
      const name = decodeURIComponent(object[2] as string);
      const stored = objects.get(`${bucket}/${name}`);
      const q = url.searchParams;
      const wanted = q.get("generation");
      if (!stored || (wanted !== null && wanted !== String(stored.generation)))
        return googleError(res, 404, "notFound", `No such object: ${bucket}/${name}`);
      const gen = String(stored.generation);
      if (q.get("ifGenerationNotMatch") === gen) return res.writeHead(304).end();
      const match = q.get("ifGenerationMatch");
      if (match !== null && match !== gen)
        return googleError(res, 412, "conditionNotMet", "Precondition Failed");
      if (q.get("alt") === "media") {
        const body = Buffer.from(stored.text);
        return res
          .writeHead(200, {
            "content-type": "application/octet-stream",
            "content-length": body.length,
            "x-goog-generation": gen,
          })
          .end(body);
      }
      return json(res, 200, {
        kind: "storage#object",
        id: `${bucket}/${name}/${gen}`,
        bucket,
        name,
        generation: gen,
        metageneration: "1",
        size: String(Buffer.byteLength(stored.text)),
        etag: `CP${gen}`,
      });
    }
    return googleError(res, 404, "notFound", "Not Found");
  };

  const server: Server = createServer((req, res) => {
    if (stalled) void stalled.then(() => handle(req, res));
    else handle(req, res);
  });
  await new Promise<void>((done) => server.listen(0, "127.0.0.1", done));
  const { port } = server.address() as AddressInfo;

  const fake: GoogleFake = {
    base: `http://127.0.0.1:${port}`,
    host: `127.0.0.1:${port}`,
    requests: [],
    bearer: options.bearer,
    tokenRequests: 0,
    put(bucket, name, text) {
      nextGeneration += 1;
      objects.set(`${bucket}/${name}`, { text, generation: nextGeneration });
      return nextGeneration;
    },
    putSecret(name, text) {
      secrets.set(name, text);
    },
    stall() {
      stalled ??= new Promise((done) => {
        releaseStall = done;
      });
    },
    release() {
      releaseStall?.();
      stalled = undefined;
    },
    close() {
      fake.release();
      server.closeAllConnections();
      return new Promise((done) => server.close(() => done()));
    },
  };
  return fake;
}
