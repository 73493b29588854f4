import { describe, expect, it } from "vitest";
import type { AdmissionReviewResponse } from "../../core/admission/review.ts";
import { layoutOf } from "../../core/deployment.ts";
import { type Engine, loadEngine } from "../../core/engine.ts";
import type { JsonObject } from "../../core/json.ts";
import { deploymentRegistrations, handlingOf, type Registration } from "../../core/registration/revisions.ts";
import { createApp, fixedSource } from "../../functions/shared/router.ts";
import { reviewFor } from "../helpers/fixtures.ts";
import {
  BASE,
  BESIDE,
  calledUrls,
  expectRevisionSidecar,
  SCENARIOS,
  type Scenario,
  scenarioPod,
  TOKEN,
} from "./canary-drive.ts";
import { deploymentConfig, helloPod } from "./canary-fixture.ts";

/**
 * The canary path of README "Revisions and tags", driven through the handlers' router: each pod is
 * sent where the registrations send it (their selectors evaluated as the API server does, by the
 * decision fixtures' evaluator), to the URL of the entry that selects it, and must come back with
 * the sidecar its revision alone would give it.
 */

function engineOf(text: string): Engine {
  const e = loadEngine(text);
  if (!e.ok) throw new Error(e.error);
  return e.value;
}

function registrationsOf(engine: Engine): Registration[] {
  const r = deploymentRegistrations({ url: BASE, layout: layoutOf(engine) });
  if (!r.ok) throw new Error(r.error);
  return r.value;
}

async function post(engine: Engine, url: string, pod: JsonObject): Promise<AdmissionReviewResponse> {
  const app = createApp({ source: fixedSource(engine), tokens: [TOKEN] });
  const path = new URL(url).pathname;
  const body = JSON.stringify(reviewFor(pod, { namespace: "shop", uid: "u1" }));
  const res = await app.handle({
    method: "POST",
    url: `${path}?timeout=10s`,
    contentType: "application/json",
    body,
  });
  expect(res.status, res.body).toBe(200);
  return JSON.parse(res.body) as AdmissionReviewResponse;
}

async function drive(engine: Engine, s: Scenario): Promise<void> {
  const pod = scenarioPod(s);
  const labels = (pod.metadata as JsonObject).labels as Record<string, string>;
  const regs = registrationsOf(engine);
  const urls = calledUrls(
    regs.map((r) => r.config),
    s.ns,
    labels,
  );
  const handling = handlingOf(regs, s.ns, labels);
  if (s.revision === undefined) {
    expect(urls, s.what).toEqual([]);
    expect(handling.revision, s.what).toBeUndefined();
    return;
  }
  // Istio's selectors are exclusive: one entry of one configuration, never two sidecars.
  expect(urls, s.what).toHaveLength(1);
  expect(handling.revision, s.what).toBe(s.revision);
  expectRevisionSidecar(s, s.revision, pod, await post(engine, urls[0] as string, pod));
}

describe("a canary upgrade from 1.30.3 to 1.31.0-rc.0 in one deployment", () => {
  const both = engineOf(deploymentConfig(["1-30", "1-31"], BESIDE({ default: "1-30", prod: "1-30" })));

  it.each<Scenario>(SCENARIOS)("$what", async (s) => drive(both, s));

  it("moves the tag by config: prod → 1-31, no other change", async () => {
    const moved = engineOf(deploymentConfig(["1-30", "1-31"], BESIDE({ default: "1-30", prod: "1-31" })));
    await drive(moved, { what: "prod after the move", ns: { "istio.io/rev": "prod" }, revision: "1-31" });
    await drive(moved, { what: "1-30 still served", ns: { "istio.io/rev": "1-30" }, revision: "1-30" });
  });

  it("removes the old revision: its pods are no longer selected, and a stale URL is denied by name", async () => {
    const after = engineOf(
      deploymentConfig(["1-31"], {
        tags: { default: "1-31", prod: "1-31" },
        revisions: { "1-31": { nativeSidecars: true } },
      }),
    );
    await drive(after, {
      what: "istio-injection=enabled",
      ns: { "istio-injection": "enabled" },
      revision: "1-31",
    });
    await drive(after, { what: "old label", ns: { "istio.io/rev": "1-30" }, revision: undefined });
    const stale = await post(after, `${BASE.replace("/cluster/", "/rev/1-30/cluster/")}`, helloPod());
    expect(stale.response.allowed).toBe(false);
    expect(stale.response.status?.message).toMatch(/no revision "1-30".*holds 1-31/);
  });
});
