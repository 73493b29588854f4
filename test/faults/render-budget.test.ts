import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { JsonObject } from "../../core/json.ts";
import { probePods } from "../../core/render/probe-pods.ts";
import { ConfigStore } from "../../functions/shared/config/store.ts";
import { configureLogs } from "../../functions/shared/log.ts";
import { createApp } from "../../functions/shared/router.ts";
import { reviewFor } from "../helpers/fixtures.ts";

// A config author's template and a heavy pod against a deployed function (config server on
// loopback, the store, the shared router): a config whose template fails or blows the render budget
// never replaces the last good one, /healthz says why without config text, and a pod that pushes a
// good template past the budget is denied promptly while /healthz keeps answering.

const BIG = Array.from({ length: 400 }, (_, i) => i);
/** Loops over the pod's containers twice nested: fine for the probe pods, over budget for 400 containers. */
const GOOD = JSON.stringify({
  templates: {
    custom:
      "metadata: {}\n{{ range .Spec.Containers }}{{ range $.Spec.Containers }}{{ range $.Spec.Containers }}{{ end }}{{ end }}{{ end }}",
  },
  defaultTemplates: ["sidecar", "custom"],
});
/** Nested loops over a 400-item list in the values: over budget for every pod. */
const HEAVY = JSON.stringify({
  templates: {
    custom:
      "metadata: {}\n{{ range .Values.big }}{{ range $.Values.big }}{{ range $.Values.big }}SECRET-TEXT{{ end }}{{ end }}{{ end }}",
  },
  defaultTemplates: ["sidecar", "custom"],
  values: { big: BIG },
});

describe("render budget under load", () => {
  let server: Server;
  let body = GOOD;
  let now = 0;
  const logs: JsonObject[] = [];

  beforeAll(async () => {
    configureLogs({ sink: (l) => logs.push(JSON.parse(l)) });
    server = createServer((_req, res) => {
      res.writeHead(200, { "content-type": "application/json", etag: `"${body.length}"` }).end(body);
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  });
  afterAll(async () => {
    configureLogs({ sink: (l) => process.stderr.write(`${l}\n`) });
    await new Promise<void>((r) => server.close(() => r()));
  });

  const admit = async (app: ReturnType<typeof createApp>, pod: JsonObject, uid: string) => {
    const t0 = performance.now();
    const res = await app.handle({
      method: "POST",
      url: "/inject?timeout=10s",
      contentType: "application/json",
      body: JSON.stringify(reviewFor(pod, { namespace: "probe", uid })),
    });
    return { ms: performance.now() - t0, answer: JSON.parse(res.body).response };
  };
  const healthz = async (app: ReturnType<typeof createApp>) => {
    const res = await app.handle({ method: "GET", url: "/healthz", contentType: undefined, body: undefined });
    return { status: res.status, body: JSON.parse(res.body) };
  };

  it("denies a heavy pod within the budget, refuses a heavy config, and keeps serving and answering", async () => {
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/config.json`;
    const store = await ConfigStore.fromEnv(
      { OUTRIGGER_CONFIG_URL: url, OUTRIGGER_CONFIG_TTL: "10" },
      { now: () => now, loadTimeoutMs: 5000 },
    );
    const app = createApp({ source: store, tokens: [] });
    const plain = probePods()[0]?.pod as JsonObject;
    const heavy = structuredClone(plain);
    (heavy.spec as JsonObject).containers = BIG.map((i) => ({ name: `c${i}`, image: "app" }));

    expect((await admit(app, plain, "p1")).answer.allowed).toBe(true);
    const denied = await admit(app, heavy, "h1");
    expect(denied.answer.allowed).toBe(false);
    expect(denied.answer.status.message).toMatch(/exceeded the limit of \d+ execution steps/);
    expect(denied.ms).toBeLessThan(3000);
    expect((await healthz(app)).status).toBe(200);

    body = HEAVY;
    now += 11_000;
    const t0 = performance.now();
    await store.refresh(5000);
    expect(performance.now() - t0).toBeLessThan(3000);
    const h = await healthz(app);
    expect(h.status).toBe(200);
    expect(h.body.refused).toContain("a template failed the render check");
    expect(JSON.stringify(h.body)).not.toMatch(/SECRET-TEXT|Values|custom/);
    const refusal = logs.find((l) => l.message === "config refused; serving the last good config");
    expect(String(refusal?.reason)).toMatch(/templates\.custom: fails the render check .*(steps|output)/);

    // The last good config still serves.
    expect((await admit(app, plain, "p2")).answer.allowed).toBe(true);
  });
});
