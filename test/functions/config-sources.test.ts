import { mkdtempSync, rmSync, utimesSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ConfigSource, Fetched } from "../../functions/shared/config/source.ts";
import { sourceFromEnv } from "../../functions/shared/config/source.ts";
import { type GoogleFake, startGoogleFake } from "../helpers/gcs-fake.ts";
import { type LocalS3, S3_TEST_ENV, startS3 } from "../helpers/s3.ts";

/**
 * Each config source against a real local server: s3rver for S3, an in-repo fake of the GCS JSON
 * API and the metadata server for GCS, node:http for https, the filesystem for file://. Each is
 * driven through the 200 → 304 (unchanged) → changed cycle the store relies on.
 */

const CONFIG_A = "policy: enabled\n";
const CONFIG_B = "policy: disabled\n";

function mustSource(env: Record<string, string>, deps?: Parameters<typeof sourceFromEnv>[1]): ConfigSource {
  const s = sourceFromEnv(env, deps);
  if (!s.ok) throw new Error(s.error);
  return s.value;
}

function changed(f: Fetched): Extract<Fetched, { kind: "changed" }> {
  if (f.kind !== "changed") throw new Error(`expected a document, got ${JSON.stringify(f)}`);
  return f;
}

/** A fetch that records what was asked and answered, passing everything through. */
function recordingFetch(target: typeof fetch = fetch) {
  const calls: { url: string; headers: Headers; status: number }[] = [];
  const f: typeof fetch = async (input, init) => {
    const res = await target(input, init);
    calls.push({ url: String(input), headers: new Headers(init?.headers), status: res.status });
    return res;
  };
  return { fetch: f, calls };
}

/** A port nothing listens on (fetch refuses some low ports outright, so not port 1). */
async function closedPort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((done) => s.listen(0, "127.0.0.1", done));
  const port = (s.address() as AddressInfo).port;
  await new Promise<void>((done) => s.close(() => done()));
  return port;
}

/** Sends requests for `from` to `to` instead: how a test reaches a fake of a fixed Google host. */
const redirecting =
  (from: string, to: string): typeof fetch =>
  (input, init) =>
    fetch(String(input).replace(from, to), init);

describe("sourceFromEnv", () => {
  it("uses the built-in config with nothing set, and the inline document with OUTRIGGER_CONFIG", async () => {
    const builtin = mustSource({});
    expect(builtin).toMatchObject({ description: "built-in", static: true });
    expect(await builtin.load()).toEqual({ kind: "changed", text: "" });
    const inline = mustSource({ OUTRIGGER_CONFIG: CONFIG_A });
    expect(inline.description).toBe("OUTRIGGER_CONFIG");
    expect(await inline.load()).toEqual({ kind: "changed", text: CONFIG_A });
  });

  it("refuses both at once, and unknown schemes without echoing the URL", () => {
    expect(sourceFromEnv({ OUTRIGGER_CONFIG: CONFIG_A, OUTRIGGER_CONFIG_URL: "s3://b/k" })).toEqual({
      ok: false,
      error: "OUTRIGGER_CONFIG and OUTRIGGER_CONFIG_URL are both set; set one",
    });
    const bad = sourceFromEnv({ OUTRIGGER_CONFIG_URL: "ftp://user:hunter2@host/cfg?sig=SECRETSIG" });
    expect(bad.ok).toBe(false);
    expect(!bad.ok && bad.error).toContain('unsupported scheme "ftp:"');
    expect(JSON.stringify(bad)).not.toMatch(/hunter2|SECRETSIG/);
    expect(sourceFromEnv({ OUTRIGGER_CONFIG_URL: "s3://bucket-only" })).toMatchObject({ ok: false });
    expect(sourceFromEnv({ OUTRIGGER_CONFIG_URL: "gs://bucket-only" })).toMatchObject({ ok: false });
  });

  it("refuses plain http except to this machine", () => {
    expect(sourceFromEnv({ OUTRIGGER_CONFIG_URL: "http://config.example.com/c.yaml" })).toEqual({
      ok: false,
      error: "OUTRIGGER_CONFIG_URL: http:// is only allowed to localhost; use https://",
    });
    expect(sourceFromEnv({ OUTRIGGER_CONFIG_URL: "http://127.0.0.1:1/c.yaml" }).ok).toBe(true);
  });

  it("needs AWS credentials and a region for s3://, and names the variables, not their values", () => {
    const r = sourceFromEnv({ OUTRIGGER_CONFIG_URL: "s3://cfg/c.yaml", AWS_REGION: "eu-west-1" });
    expect(r).toMatchObject({ ok: false });
    expect(!r.ok && r.error).toContain("AWS_ACCESS_KEY_ID");
    const noRegion = sourceFromEnv({
      OUTRIGGER_CONFIG_URL: "s3://cfg/c.yaml",
      AWS_ACCESS_KEY_ID: "AKID",
      AWS_SECRET_ACCESS_KEY: "SECRETKEY",
    });
    expect(noRegion).toEqual({ ok: false, error: "s3://cfg/c.yaml: AWS_REGION is not set" });
  });
});

describe("file:// source", () => {
  const dir = mkdtempSync(join(tmpdir(), "outrigger-file-"));
  const path = join(dir, "config.yaml");
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("loads, answers unchanged while the mtime holds, and loads again after a change", async () => {
    writeFileSync(path, CONFIG_A);
    utimesSync(path, 1_000, 1_000);
    const source = mustSource({ OUTRIGGER_CONFIG_URL: pathToFileURL(path).href });
    expect(source.description).toBe(`file://${path}`);
    const first = changed(await source.load());
    expect(first.text).toBe(CONFIG_A);
    expect(first.validator?.kind).toBe("mtime");
    expect(await source.load(first.validator)).toEqual({ kind: "unchanged" });

    writeFileSync(path, CONFIG_B);
    utimesSync(path, 2_000, 2_000);
    const second = changed(await source.load(first.validator));
    expect(second.text).toBe(CONFIG_B);
    expect(second.validator).not.toEqual(first.validator);
  });

  it("reports a missing file by its error code", async () => {
    const source = mustSource({ OUTRIGGER_CONFIG_URL: pathToFileURL(join(dir, "missing.yaml")).href });
    expect(await source.load()).toEqual({
      kind: "error",
      reason: `file://${join(dir, "missing.yaml")}: cannot read (ENOENT)`,
    });
  });
});

describe("https:// source (node:http on 127.0.0.1)", () => {
  let server: Server;
  let base = "";
  const docs = new Map<
    string,
    { text: string; etag?: string; lastModified?: string; status?: number; length?: number }
  >();
  beforeAll(async () => {
    server = createServer((req, res) => {
      const doc = docs.get(new URL(req.url ?? "/", "http://x").pathname);
      if (!doc) return res.writeHead(404).end("nope");
      if (doc.status) return res.writeHead(doc.status).end("server says no");
      if (doc.etag && req.headers["if-none-match"] === doc.etag) return res.writeHead(304).end();
      if (doc.lastModified && req.headers["if-modified-since"] === doc.lastModified)
        return res.writeHead(304).end();
      const headers: Record<string, string> = { "content-type": "application/yaml" };
      if (doc.etag) headers.etag = doc.etag;
      if (doc.lastModified) headers["last-modified"] = doc.lastModified;
      if (doc.length) headers["content-length"] = String(doc.length);
      res.writeHead(200, headers).end(doc.length ? undefined : doc.text);
    });
    await new Promise<void>((done) => server.listen(0, "127.0.0.1", done));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((done) => server.close(() => done())));

  it("sends If-None-Match with the ETag and treats 304 as unchanged", async () => {
    docs.set("/etag.yaml", { text: CONFIG_A, etag: '"v1"' });
    const rec = recordingFetch();
    const source = mustSource(
      { OUTRIGGER_CONFIG_URL: `${base}/etag.yaml?sig=PRESIGNED-SECRET` },
      { fetch: rec.fetch },
    );
    expect(source.description).toBe(`${base}/etag.yaml`);
    const first = changed(await source.load());
    expect(first).toEqual({ kind: "changed", text: CONFIG_A, validator: { kind: "etag", value: '"v1"' } });
    expect(await source.load(first.validator)).toEqual({ kind: "unchanged" });
    expect(rec.calls[1]?.headers.get("if-none-match")).toBe('"v1"');
    expect(rec.calls[1]?.status).toBe(304);

    docs.set("/etag.yaml", { text: CONFIG_B, etag: '"v2"' });
    expect(changed(await source.load(first.validator)).text).toBe(CONFIG_B);
  });

  it("falls back to If-Modified-Since when the server sends no ETag", async () => {
    const lastModified = "Wed, 21 Oct 2026 07:28:00 GMT";
    docs.set("/lm.yaml", { text: CONFIG_A, lastModified });
    const rec = recordingFetch();
    const source = mustSource({ OUTRIGGER_CONFIG_URL: `${base}/lm.yaml` }, { fetch: rec.fetch });
    const first = changed(await source.load());
    expect(first.validator).toEqual({ kind: "last-modified", value: lastModified });
    expect(await source.load(first.validator)).toEqual({ kind: "unchanged" });
    expect(rec.calls[1]?.headers.get("if-modified-since")).toBe(lastModified);
  });

  it("reports HTTP errors by status and refuses an oversized document before reading it", async () => {
    docs.set("/broken.yaml", { text: "", status: 503 });
    const broken = mustSource({ OUTRIGGER_CONFIG_URL: `${base}/broken.yaml?token=SECRET` });
    const r = await broken.load();
    expect(r).toEqual({ kind: "error", reason: `${base}/broken.yaml: HTTP 503` });

    docs.set("/huge.yaml", { text: "", length: 5 * 1024 * 1024 });
    const huge = await mustSource({ OUTRIGGER_CONFIG_URL: `${base}/huge.yaml` }).load();
    expect(huge).toEqual({
      kind: "error",
      reason: `${base}/huge.yaml: the document is 5242880 bytes; the limit is 4194304`,
    });
  });

  it("reports an unreachable server without the URL's query", async () => {
    const port = await closedPort();
    const r = await mustSource({
      OUTRIGGER_CONFIG_URL: `http://127.0.0.1:${port}/c.yaml?token=SECRET`,
    }).load();
    expect(r).toEqual({
      kind: "error",
      reason: `http://127.0.0.1:${port}/c.yaml: network error ECONNREFUSED`,
    });
  });
});

describe("s3:// source (s3rver, which does not verify SigV4 signatures)", () => {
  let s3: LocalS3;
  beforeAll(async () => {
    s3 = await startS3(["cfg"]);
  });
  afterAll(() => s3.close());

  it("GETs the object signed, then gets 304 for If-None-Match, then the new object", async () => {
    const etag = await s3.put("cfg", "clusters/c1.yaml", CONFIG_A);
    const rec = recordingFetch();
    const source = mustSource(
      {
        OUTRIGGER_CONFIG_URL: "s3://cfg/clusters/c1.yaml",
        AWS_ENDPOINT_URL_S3: `${s3.endpoint}/`,
        ...S3_TEST_ENV,
      },
      { fetch: rec.fetch },
    );
    expect(source.description).toBe("s3://cfg/clusters/c1.yaml");
    const first = changed(await source.load());
    expect(first).toEqual({ kind: "changed", text: CONFIG_A, validator: { kind: "etag", value: etag } });
    // Path-style against the override, signed with the role's session credentials.
    expect(rec.calls[0]?.url).toBe(`${s3.endpoint}/cfg/clusters/c1.yaml`);
    expect(rec.calls[0]?.headers.get("authorization")).toMatch(
      /^AWS4-HMAC-SHA256 Credential=S3RVER\/\d{8}\/us-east-1\/s3\/aws4_request, SignedHeaders=[a-z0-9;-]+, Signature=[0-9a-f]{64}$/,
    );
    expect(rec.calls[0]?.headers.get("x-amz-security-token")).toBe("test-session-token");

    expect(await source.load(first.validator)).toEqual({ kind: "unchanged" });
    expect(rec.calls[1]?.headers.get("if-none-match")).toBe(etag);
    expect(rec.calls[1]?.status).toBe(304);

    await s3.put("cfg", "clusters/c1.yaml", CONFIG_B);
    expect(changed(await source.load(first.validator)).text).toBe(CONFIG_B);
  });

  it("reports a missing object with S3's error code", async () => {
    const source = mustSource({
      OUTRIGGER_CONFIG_URL: "s3://cfg/nope.yaml",
      AWS_ENDPOINT_URL_S3: s3.endpoint,
      ...S3_TEST_ENV,
    });
    expect(await source.load()).toEqual({ kind: "error", reason: "s3://cfg/nope.yaml: HTTP 404 NoSuchKey" });
  });

  it("addresses real S3 virtual-hosted style, and path-style for a bucket with dots", async () => {
    const urls: string[] = [];
    const capture: typeof fetch = async (input) => {
      urls.push(String(input));
      return new Response(null, { status: 304 });
    };
    const env = { ...S3_TEST_ENV, AWS_REGION: "eu-west-1" };
    await mustSource({ OUTRIGGER_CONFIG_URL: "s3://cfg/a b/c.yaml", ...env }, { fetch: capture }).load();
    await mustSource({ OUTRIGGER_CONFIG_URL: "s3://my.cfg/c.yaml", ...env }, { fetch: capture }).load();
    expect(urls).toEqual([
      "https://cfg.s3.eu-west-1.amazonaws.com/a%20b/c.yaml",
      "https://s3.eu-west-1.amazonaws.com/my.cfg/c.yaml",
    ]);
  });
});

describe("gs:// source (in-repo fake of the GCS JSON API and the metadata server)", () => {
  let google: GoogleFake;
  beforeAll(async () => {
    google = await startGoogleFake();
  });
  afterAll(() => google.close());

  it("with STORAGE_EMULATOR_HOST: no token, metadata then media pinned to the generation, then 304", async () => {
    const gen1 = google.put("cfg", "clusters/c1.yaml", CONFIG_A);
    const source = mustSource({
      OUTRIGGER_CONFIG_URL: "gs://cfg/clusters/c1.yaml",
      STORAGE_EMULATOR_HOST: google.host,
    });
    expect(source.description).toBe("gs://cfg/clusters/c1.yaml");
    google.requests.length = 0;
    const first = changed(await source.load());
    expect(first).toEqual({
      kind: "changed",
      text: CONFIG_A,
      validator: { kind: "generation", value: String(gen1) },
    });
    expect(google.requests.map((r) => [r.path, r.query.get("alt"), r.query.get("generation")])).toEqual([
      ["/storage/v1/b/cfg/o/clusters%2Fc1.yaml", null, null],
      ["/storage/v1/b/cfg/o/clusters%2Fc1.yaml", "media", String(gen1)],
    ]);
    expect(google.requests.every((r) => r.headers.authorization === undefined)).toBe(true);

    google.requests.length = 0;
    expect(await source.load(first.validator)).toEqual({ kind: "unchanged" });
    expect(google.requests).toHaveLength(1);
    expect(google.requests[0]?.query.get("ifGenerationNotMatch")).toBe(String(gen1));

    const gen2 = google.put("cfg", "clusters/c1.yaml", CONFIG_B);
    expect(changed(await source.load(first.validator))).toEqual({
      kind: "changed",
      text: CONFIG_B,
      validator: { kind: "generation", value: String(gen2) },
    });
  });

  it("without an emulator: a metadata-server token, cached until shortly before it expires", async () => {
    const authed = await startGoogleFake({ bearer: "ya29.fake-token" });
    try {
      authed.put("cfg", "c.yaml", CONFIG_A);
      let now = 1_000_000;
      const source = mustSource(
        { OUTRIGGER_CONFIG_URL: "gs://cfg/c.yaml", GCE_METADATA_HOST: authed.host },
        { fetch: redirecting("https://storage.googleapis.com", authed.base), now: () => now },
      );
      const first = changed(await source.load());
      expect(first.text).toBe(CONFIG_A);
      expect(await source.load(first.validator)).toEqual({ kind: "unchanged" });
      expect(authed.tokenRequests).toBe(1);
      const tokenCall = authed.requests.find((r) => r.path.endsWith("/token"));
      expect(tokenCall?.headers["metadata-flavor"]).toBe("Google");
      // The fake's token lives 3599 s; a fresh one is fetched a minute before that.
      now += 3540_000;
      expect(await source.load(first.validator)).toEqual({ kind: "unchanged" });
      expect(authed.tokenRequests).toBe(2);
    } finally {
      await authed.close();
    }
  });

  it("reports a missing object with Google's reason, and a metadata server that is down", async () => {
    const missing = mustSource({
      OUTRIGGER_CONFIG_URL: "gs://cfg/nope.yaml",
      STORAGE_EMULATOR_HOST: `http://${google.host}/`,
    });
    expect(await missing.load()).toEqual({ kind: "error", reason: "gs://cfg/nope.yaml: HTTP 404 notFound" });

    const noMetadata = mustSource({
      OUTRIGGER_CONFIG_URL: "gs://cfg/c.yaml",
      GCE_METADATA_HOST: `127.0.0.1:${await closedPort()}`,
    });
    const r = await noMetadata.load();
    expect(r).toEqual({
      kind: "error",
      reason: "gs://cfg/c.yaml: metadata server: network error ECONNREFUSED",
    });
  });
});
