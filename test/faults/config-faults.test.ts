import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { isObject, type JsonObject } from "../../core/json.ts";
import { ConfigStore } from "../../functions/shared/config/store.ts";
import { configureLogs } from "../../functions/shared/log.ts";
import { createApp } from "../../functions/shared/router.ts";
import { applyResponse, readShared } from "../helpers/fixtures.ts";

// The config store misbehaving while admissions keep coming: a real HTTP config server on loopback
// that can go down, answer slowly, serve a corrupt object, or change; the store under it and the
// shared router in front, as in a deployed function. Time is the store's injected clock for TTLs,
// and real time for the request budget (which is real time in production too).
type Mode = "ok" | "down" | "slow" | "corrupt";

const capture = JSON.parse(readShared("fixtures/apiserver/sample-admissionreview-v1.json")) as JsonObject;
const configFor = (v: string) =>
  `injectedAnnotations:\n  outrigger.test/version: "${v}"\nvalues:\n  global:\n    proxy:\n      logLevel: "${v === "v1" ? "warning" : "debug"}"\n`;

describe("config faults under load", () => {
  let server: Server;
  let mode: Mode = "ok";
  let version = "v1";
  let now = 0;
  const logs: JsonObject[] = [];

  beforeAll(async () => {
    configureLogs({ sink: (l) => logs.push(JSON.parse(l)) });
    server = createServer((req, res) => {
      if (mode === "down") return req.socket.destroy();
      const send = () => {
        const body = mode === "corrupt" ? "policy: [unterminated\n\t- {" : configFor(version);
        res.writeHead(200, { "content-type": "application/yaml", etag: `"${mode}-${version}"` }).end(body);
      };
      if (mode === "slow") setTimeout(send, 3000);
      else send();
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  });
  afterAll(async () => {
    configureLogs({ sink: (l) => process.stderr.write(`${l}\n`) });
    await new Promise<void>((r) => server.close(() => r()));
  });

  async function storeAndApp() {
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/config.yaml`;
    const store = await ConfigStore.fromEnv(
      { OUTRIGGER_CONFIG_URL: url, OUTRIGGER_CONFIG_TTL: "10" },
      { now: () => now, loadTimeoutMs: 2000 },
    );
    return { store, app: createApp({ source: store, tokens: [] }) };
  }

  /** Fires n admissions at once with a 2 s API-server timeout; returns each answer's version and time. */
  async function burst(app: ReturnType<typeof createApp>, n: number) {
    return Promise.all(
      Array.from({ length: n }, async (_, i) => {
        const review = structuredClone(capture);
        (review.request as JsonObject).uid = `u${i}`;
        const t0 = performance.now();
        const res = await app.handle({
          method: "POST",
          url: "/inject?timeout=2s",
          contentType: "application/json",
          body: JSON.stringify(review),
        });
        const ms = performance.now() - t0;
        expect(res.status).toBe(200);
        const answer = JSON.parse(res.body);
        expect(answer.response.uid).toBe(`u${i}`);
        const pod = applyResponse((review.request as JsonObject).object as JsonObject, answer);
        return { ms, version: versionOf(pod) };
      }),
    );
  }

  /** Both markers of the config version must agree: one admission never sees a mix of two configs. */
  function versionOf(pod: JsonObject): string {
    const annotations = ((pod.metadata as JsonObject).annotations ?? {}) as Record<string, string>;
    const marker = annotations["outrigger.test/version"] ?? "none";
    const spec = pod.spec as JsonObject;
    const proxy = [
      ...((spec.containers ?? []) as JsonObject[]),
      ...((spec.initContainers ?? []) as JsonObject[]),
    ].find((c) => c.name === "istio-proxy");
    const args = isObject(proxy) && Array.isArray(proxy.args) ? proxy.args.map(String) : [];
    const level = args.find((a) => a.startsWith("--proxyLogLevel="))?.split("=")[1];
    expect(level).toBe(marker === "v1" ? "warning" : "debug");
    return marker;
  }

  it("serves the last good config through an outage, a slow store and a corrupt object, within the budget", async () => {
    mode = "ok";
    version = "v1";
    now = 0;
    const { store, app } = await storeAndApp();
    expect(store.health()).toMatchObject({ ok: true });
    expect((await burst(app, 50)).every((r) => r.version === "v1")).toBe(true);

    for (const fault of ["down", "slow", "corrupt"] as const) {
      mode = fault;
      now += 11_000; // past the TTL: every request may trigger a revalidation
      const results = await burst(app, 50);
      expect(
        results.every((r) => r.version === "v1"),
        fault,
      ).toBe(true);
      // Half of the 2 s budget at most waits on the store; allow scheduling slack on a loaded machine.
      expect(Math.max(...results.map((r) => r.ms)), fault).toBeLessThan(1900);
      expect(store.health()).toMatchObject({ ok: true });
    }
    await new Promise((r) => setTimeout(r, 3200)); // let the slow load finish in the background
    const events = logs.map((l) => String(l.message));
    expect(events.some((m) => /refused|could not|error|failed/i.test(m))).toBe(true);
  }, 30_000);

  it("picks up a changed config after the TTL; admissions in flight see the old or the new, never a mix", async () => {
    mode = "ok";
    version = "v1";
    now = 0;
    const { app } = await storeAndApp();
    expect((await burst(app, 20)).every((r) => r.version === "v1")).toBe(true);
    version = "v2";
    now += 5_000; // within the TTL: still v1
    expect((await burst(app, 20)).every((r) => r.version === "v1")).toBe(true);
    now += 6_000; // past it
    const during = await burst(app, 100);
    expect(during.every((r) => r.version === "v1" || r.version === "v2")).toBe(true);
    const after = await burst(app, 20);
    expect(after.every((r) => r.version === "v2")).toBe(true);
  }, 30_000);
});
