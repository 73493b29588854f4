import { mkdtempSync, rmSync, utimesSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { loadEngine } from "../../core/engine.ts";
import { ConfigStore, RETRY_WITHOUT_CONFIG_MS } from "../../functions/shared/config/store.ts";
import { configureLogs } from "../../functions/shared/log.ts";
import type { EngineSource } from "../../functions/shared/router.ts";
import { type GoogleFake, startGoogleFake } from "../helpers/gcs-fake.ts";
import { type LocalS3, S3_TEST_ENV, startS3 } from "../helpers/s3.ts";

/**
 * The store's lifecycle against real local servers (s3rver, the GCS fake, node:http). Time is an
 * injected clock, so the TTL is crossed by moving it, not by sleeping; only the budget tests wait
 * on real time, because the budget is real time.
 */

type Line = Record<string, unknown> & { severity: string; message: string };
const lines: Line[] = [];
configureLogs({ format: "gcp", sink: (l) => lines.push(JSON.parse(l) as Line) });
beforeEach(() => {
  lines.length = 0;
});

const CONFIG_A = "policy: enabled\n";
const CONFIG_B = "policy: disabled\n";
const version = (text: string) => {
  const e = loadEngine(text);
  if (!e.ok) throw new Error(e.error);
  return e.value.version;
};
const VERSION_A = version(CONFIG_A);
const VERSION_B = version(CONFIG_B);
// Invalid, with a value that must never reach a log line.
const INVALID =
  "injectedAnnotations: {team: CONFIDENTIAL-MARKER}\nneverInjectSelector:\n  - matchExpressions: [{key: a, operator: Bogus}]\n";
const CORRUPT = "policy: [unclosed\n  CONFIDENTIAL-MARKER: {";
// Compiles, but renders a list where a partial Pod belongs: refused by the render check.
const RENDER_FAILS = JSON.stringify({
  templates: { custom: "- CONFIDENTIAL-MARKER\n" },
  defaultTemplates: ["sidecar", "custom"],
});

function clock(start = 1_000_000) {
  const c = { t: start, now: () => c.t, advance: (ms: number) => (c.t += ms) };
  return c;
}

function countingFetch() {
  const c = {
    calls: 0,
    fetch: ((input, init) => {
      c.calls += 1;
      return fetch(input, init);
    }) as typeof fetch,
  };
  return c;
}

const messages = () => lines.map((l) => l.message);

describe("ConfigStore with S3 (s3rver)", () => {
  let s3: LocalS3;
  beforeAll(async () => {
    s3 = await startS3(["cfg"]);
  });
  afterAll(() => s3.close());

  it("loads at cold start, makes no request within the TTL, gets 304 after it, and picks up a change", async () => {
    await s3.put("cfg", "c1.yaml", CONFIG_A);
    const t = clock();
    const f = countingFetch();
    const env = {
      OUTRIGGER_CONFIG_URL: "s3://cfg/c1.yaml",
      OUTRIGGER_CONFIG_TTL: "30",
      AWS_ENDPOINT_URL_S3: s3.endpoint,
      ...S3_TEST_ENV,
    };
    const store = await ConfigStore.fromEnv(env, { now: t.now, fetch: f.fetch });
    // The router's interface, checked by the compiler.
    const asSource: EngineSource = store;
    expect(asSource.health()).toEqual({ ok: true, version: VERSION_A });
    expect(store.current()?.version).toBe(VERSION_A);
    expect(store.failureMode).toBe("deny");
    expect(lines.find((l) => l.message === "config loaded")).toMatchObject({
      severity: "INFO",
      configSource: "s3://cfg/c1.yaml",
      configVersion: VERSION_A,
    });
    expect(f.calls).toBe(1);

    t.advance(29_999);
    await store.refresh(1000);
    expect(f.calls).toBe(1);

    t.advance(1);
    await store.refresh(1000);
    expect(f.calls).toBe(2);
    expect(lines.at(-1)).toMatchObject({
      severity: "DEBUG",
      message: "config unchanged",
      configVersion: VERSION_A,
    });

    await s3.put("cfg", "c1.yaml", CONFIG_B);
    t.advance(10_000);
    await store.refresh(1000);
    expect(store.current()?.version).toBe(VERSION_A); // not due yet
    t.advance(20_000);
    await store.refresh(1000);
    expect(store.current()?.version).toBe(VERSION_B);
    expect(lines.at(-1)).toMatchObject({
      message: "config loaded",
      configSource: "s3://cfg/c1.yaml",
      configVersion: VERSION_B,
      previousVersion: VERSION_A,
    });
  });
});

describe("ConfigStore with GCS (in-repo fake)", () => {
  let google: GoogleFake;
  beforeAll(async () => {
    google = await startGoogleFake();
  });
  afterAll(() => google.close());
  const gsEnv = (object: string, extra: Record<string, string> = {}) => ({
    OUTRIGGER_CONFIG_URL: `gs://cfg/${object}`,
    STORAGE_EMULATOR_HOST: google.host,
    OUTRIGGER_CONFIG_TTL: "60",
    ...extra,
  });

  it("refuses an invalid and a corrupt document, keeps the last good one, and logs the field, never the content", async () => {
    google.put("cfg", "refuse.yaml", CONFIG_A);
    const t = clock();
    const store = await ConfigStore.fromEnv(gsEnv("refuse.yaml"), { now: t.now });
    expect(store.current()?.version).toBe(VERSION_A);

    google.put("cfg", "refuse.yaml", INVALID);
    t.advance(60_000);
    await store.refresh(1000);
    expect(store.current()?.version).toBe(VERSION_A);
    expect(store.health()).toEqual({
      ok: true,
      version: VERSION_A,
      refused: expect.stringMatching(
        /^config sha256:[0-9a-f]{12} refused: it did not validate; serving the last good config/,
      ),
    });
    const refused = lines.at(-1);
    expect(refused).toMatchObject({
      severity: "ERROR",
      message: "config refused; serving the last good config",
      configSource: "gs://cfg/refuse.yaml",
      configVersion: VERSION_A,
    });
    expect(refused?.reason).toContain("neverInjectSelector[0].matchExpressions[0].operator");

    // The refused generation is remembered: the next revalidation is a 304, not a second refusal.
    t.advance(60_000);
    google.requests.length = 0;
    await store.refresh(1000);
    expect(google.requests.map((r) => r.query.has("ifGenerationNotMatch"))).toEqual([true]);
    expect(lines.at(-1)?.message).toBe("config unchanged");

    google.put("cfg", "refuse.yaml", CORRUPT);
    t.advance(60_000);
    await store.refresh(1000);
    expect(store.current()?.version).toBe(VERSION_A);
    expect(lines.at(-1)).toMatchObject({ message: "config refused; serving the last good config" });
    expect(lines.at(-1)?.reason).toContain("not valid YAML or JSON");

    // A template that fails the render check (here: renders a list, and names a secret) is refused
    // too; health says so generically, the log names the template and the probe pod.
    google.put("cfg", "refuse.yaml", RENDER_FAILS);
    t.advance(60_000);
    await store.refresh(1000);
    expect(store.current()?.version).toBe(VERSION_A);
    const health = store.health();
    expect(health).toMatchObject({ ok: true, version: VERSION_A });
    expect(health.ok && health.refused).toContain("a template failed the render check on the probe pods");
    expect(JSON.stringify(health)).not.toMatch(/CONFIDENTIAL|custom/);
    expect(lines.at(-1)?.reason).toContain("templates.custom: fails the render check on the plain probe pod");

    // Putting the good document back is served again without recompiling it, and health is clean.
    google.put("cfg", "refuse.yaml", CONFIG_A);
    t.advance(60_000);
    await store.refresh(1000);
    expect(store.current()?.version).toBe(VERSION_A);
    expect(lines.at(-1)?.message).toBe("config unchanged");
    expect(store.health()).toEqual({ ok: true, version: VERSION_A });

    expect(JSON.stringify(lines)).not.toContain("CONFIDENTIAL-MARKER");
  });

  it("at a cold start, serves the templates that pass the render check and holds back the one that fails", async () => {
    google.put("cfg", "cold-render.yaml", RENDER_FAILS);
    const store = await ConfigStore.fromEnv(gsEnv("cold-render.yaml"), { now: clock().now });
    const engine = store.current();
    expect(engine?.templates.has("sidecar")).toBe(true);
    expect(engine?.broken.get("custom")).toContain("fails the render check");
    expect(store.health()).toMatchObject({ ok: true });
  });

  it("with no valid config at all: health is not ok, with a generic reason, and nothing is served", async () => {
    google.put("cfg", "bad-from-start.yaml", INVALID);
    const store = await ConfigStore.fromEnv(
      gsEnv("bad-from-start.yaml", { OUTRIGGER_FAILURE_MODE: "allow" }),
    );
    expect(store.current()).toBeUndefined();
    expect(store.failureMode).toBe("allow");
    expect(store.health()).toEqual({
      ok: false,
      reason: "no valid config: the config was refused by validation (see the logs)",
    });
    expect(lines.at(-1)).toMatchObject({
      severity: "ERROR",
      message: "config refused; no config to serve",
      configSource: "gs://cfg/bad-from-start.yaml",
    });
    expect(JSON.stringify(lines)).not.toContain("CONFIDENTIAL-MARKER");
  });

  it("returns by the budget when the source is slower, serves the old config, and finishes in the background", async () => {
    google.put("cfg", "slow.yaml", CONFIG_A);
    const t = clock();
    const store = await ConfigStore.fromEnv(gsEnv("slow.yaml"), { now: t.now });
    google.put("cfg", "slow.yaml", CONFIG_B);
    google.stall();
    t.advance(60_000);
    const started = performance.now();
    await store.refresh(100);
    const waited = performance.now() - started;
    expect(waited).toBeGreaterThanOrEqual(90);
    expect(waited).toBeLessThan(1000);
    expect(store.current()?.version).toBe(VERSION_A);

    // A second request meanwhile also waits at most its budget, and does not start another load.
    const before = google.requests.length;
    await store.refresh(20);
    expect(google.requests.length).toBe(before);
    expect(store.current()?.version).toBe(VERSION_A);

    google.release();
    await expect.poll(() => store.current()?.version, { timeout: 5000 }).toBe(VERSION_B);
  });

  it("shares one revalidation between concurrent requests", async () => {
    google.put("cfg", "shared.yaml", CONFIG_A);
    const t = clock();
    const store = await ConfigStore.fromEnv(gsEnv("shared.yaml"), { now: t.now });
    t.advance(60_000);
    google.requests.length = 0;
    await Promise.all([store.refresh(1000), store.refresh(1000), store.refresh(1000)]);
    expect(google.requests).toHaveLength(1);
  });

  it("bounds the cold-start load by the load timeout; a later request loads it once the source answers", async () => {
    google.put("cfg", "cold.yaml", CONFIG_A);
    const t = clock();
    google.stall();
    const store = await ConfigStore.fromEnv(gsEnv("cold.yaml"), { now: t.now, loadTimeoutMs: 150 });
    expect(store.health()).toEqual({
      ok: false,
      reason: "no valid config: the config source could not be read (see the logs)",
    });
    expect(lines.at(-1)).toMatchObject({
      severity: "ERROR",
      message: "config source error; no config to serve",
      reason: "gs://cfg/cold.yaml: timed out",
    });
    google.release();
    t.advance(RETRY_WITHOUT_CONFIG_MS);
    await store.refresh(2000);
    expect(store.health()).toEqual({ ok: true, version: VERSION_A });
  });
});

describe("ConfigStore with https, down at cold start", () => {
  let server: Server;
  let base = "";
  let up = false;
  beforeAll(async () => {
    server = createServer((_req, res) => {
      if (!up) return res.writeHead(503).end("maintenance");
      res.writeHead(200, { etag: '"a"' }).end(CONFIG_A);
    });
    await new Promise<void>((done) => server.listen(0, "127.0.0.1", done));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((done) => server.close(() => done())));

  it("is unhealthy and answers per OUTRIGGER_FAILURE_MODE (default deny), retries soon, and recovers", async () => {
    const t = clock();
    const f = countingFetch();
    const store = await ConfigStore.fromEnv(
      { OUTRIGGER_CONFIG_URL: `${base}/c.yaml`, OUTRIGGER_CONFIG_TTL: "300" },
      { now: t.now, fetch: f.fetch },
    );
    expect(store.current()).toBeUndefined();
    expect(store.failureMode).toBe("deny");
    expect(store.health()).toEqual({
      ok: false,
      reason: "no valid config: the config source could not be read (see the logs)",
    });
    expect(lines.at(-1)).toMatchObject({
      severity: "ERROR",
      reason: `${base}/c.yaml: HTTP 503`,
      configSource: `${base}/c.yaml`,
    });

    // Without a config, a retry does not wait for the 300 s TTL.
    up = true;
    t.advance(RETRY_WITHOUT_CONFIG_MS - 1);
    await store.refresh(1000);
    expect(f.calls).toBe(1);
    t.advance(1);
    await store.refresh(1000);
    expect(f.calls).toBe(2);
    expect(store.health()).toEqual({ ok: true, version: VERSION_A });

    // With one, a source outage keeps it serving.
    up = false;
    t.advance(300_000);
    await store.refresh(1000);
    expect(store.health()).toEqual({ ok: true, version: VERSION_A });
    expect(lines.at(-1)).toMatchObject({
      severity: "WARNING",
      message: "config source error; serving the last good config",
      configVersion: VERSION_A,
    });
  });
});

describe("ConfigStore with a file and with the environment", () => {
  const dir = mkdtempSync(join(tmpdir(), "outrigger-store-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("revalidates a file on every refresh with OUTRIGGER_CONFIG_TTL=0", async () => {
    const path = join(dir, "c.yaml");
    writeFileSync(path, CONFIG_A);
    utimesSync(path, 1_000, 1_000);
    const store = await ConfigStore.fromEnv({
      OUTRIGGER_CONFIG_URL: pathToFileURL(path).href,
      OUTRIGGER_CONFIG_TTL: "0",
    });
    expect(store.current()?.version).toBe(VERSION_A);
    writeFileSync(path, CONFIG_B);
    utimesSync(path, 2_000, 2_000);
    await store.refresh(1000);
    expect(store.current()?.version).toBe(VERSION_B);
  });

  it("serves the built-in config and an inline one without ever revalidating", async () => {
    const builtin = await ConfigStore.fromEnv({});
    expect(builtin.health()).toEqual({ ok: true, version: version("") });
    const t = clock();
    const inline = await ConfigStore.fromEnv(
      { OUTRIGGER_CONFIG: CONFIG_B, OUTRIGGER_CONFIG_TTL: "0" },
      { now: t.now },
    );
    expect(inline.health()).toEqual({ ok: true, version: VERSION_B });
    lines.length = 0;
    t.advance(3_600_000);
    await inline.refresh(1000);
    expect(lines).toEqual([]);
  });

  it("refuses an invalid inline config for good", async () => {
    const store = await ConfigStore.fromEnv({ OUTRIGGER_CONFIG: INVALID });
    expect(store.health()).toMatchObject({ ok: false });
    expect(lines.at(-1)).toMatchObject({
      message: "config refused; no config to serve",
      configSource: "OUTRIGGER_CONFIG",
    });
    expect(JSON.stringify(lines)).not.toContain("CONFIDENTIAL-MARKER");
  });

  it("reports a misconfigured environment in the logs and generically in health, and falls back to safe defaults", async () => {
    const both = await ConfigStore.fromEnv({
      OUTRIGGER_CONFIG: CONFIG_A,
      OUTRIGGER_CONFIG_URL: "s3://cfg/c.yaml",
    });
    expect(both.health()).toEqual({
      ok: false,
      reason: "no valid config: the config source is misconfigured (see the logs)",
    });
    expect(lines.find((l) => l.message === "config source misconfigured")?.reason).toBe(
      "OUTRIGGER_CONFIG and OUTRIGGER_CONFIG_URL are both set; set one",
    );

    lines.length = 0;
    const odd = await ConfigStore.fromEnv({
      OUTRIGGER_FAILURE_MODE: "alow",
      OUTRIGGER_CONFIG_TTL: "a minute",
    });
    expect(odd.failureMode).toBe("deny");
    expect(messages()).toEqual(
      expect.arrayContaining([
        "invalid OUTRIGGER_FAILURE_MODE; using deny",
        "invalid OUTRIGGER_CONFIG_TTL; using the default",
      ]),
    );
  });
});
