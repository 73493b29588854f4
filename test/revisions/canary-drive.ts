import { expect } from "vitest";
import { admit } from "../../core/admission/admit.ts";
import type { AdmissionReviewResponse } from "../../core/admission/review.ts";
import { loadEngine } from "../../core/engine.ts";
import { isObject, type JsonObject } from "../../core/json.ts";
import { matchWebhooks } from "../../core/registration/match.ts";
import { applyResponse, reviewFor } from "../helpers/fixtures.ts";
import { helloPod, proxyOf, RELEASE_OF, singleConfig } from "./canary-fixture.ts";

/**
 * The canary path's steps, shared by the in-process router test (canary.test.ts) and the built
 * bundles' (canary-built.test.ts): which pods to create, where the registrations send them (their
 * selectors evaluated as the API server does, by the decision fixtures' evaluator), and what each
 * must come back with: the sidecar its revision alone would give it.
 */

export const TOKEN = "canary-token";
export const BASE = `https://fn.example.com/inject/t/${TOKEN}/cluster/c1`;

/** Each revision's native-sidecar setting (nodes upgrade with Istio). */
export const NATIVE: Record<string, boolean> = { "1-30": false, "1-31": true };
export const BESIDE = (tags: Record<string, string>, served: readonly string[] = Object.keys(NATIVE)) => ({
  tags,
  revisions: Object.fromEntries(served.map((r) => [r, { nativeSidecars: NATIVE[r] as boolean }])),
});

export interface Scenario {
  what: string;
  ns: Record<string, string>;
  pod?: Record<string, string>;
  /** The revision whose sidecar the pod gets, or undefined: no webhook is called. */
  revision: string | undefined;
}

/** A namespace labelled for each revision, for a tag, for istio-injection=enabled, for ambient, for both. */
export const SCENARIOS: Scenario[] = [
  { what: "namespace istio.io/rev=1-30", ns: { "istio.io/rev": "1-30" }, revision: "1-30" },
  { what: "namespace istio.io/rev=1-31", ns: { "istio.io/rev": "1-31" }, revision: "1-31" },
  { what: "pod istio.io/rev=1-31", ns: {}, pod: { "istio.io/rev": "1-31" }, revision: "1-31" },
  { what: "namespace tag prod", ns: { "istio.io/rev": "prod" }, revision: "1-30" },
  { what: "namespace istio-injection=enabled", ns: { "istio-injection": "enabled" }, revision: "1-30" },
  {
    what: "pod sidecar.istio.io/inject=true",
    ns: {},
    pod: { "sidecar.istio.io/inject": "true" },
    revision: "1-30",
  },
  { what: "ambient namespace", ns: { "istio.io/dataplane-mode": "ambient" }, revision: undefined },
  {
    what: "ambient and istio.io/rev=1-31 on the namespace",
    ns: { "istio.io/dataplane-mode": "ambient", "istio.io/rev": "1-31" },
    revision: "1-31",
  },
  {
    what: "ambient pod in an istio-injection=enabled namespace",
    ns: { "istio-injection": "enabled" },
    pod: { "istio.io/dataplane-mode": "ambient" },
    revision: "1-30",
  },
  { what: "an unknown tag", ns: { "istio.io/rev": "canary" }, revision: undefined },
];

/** The URLs the API server would call for a pod: every matching entry of every configuration. */
export function calledUrls(
  configs: readonly JsonObject[],
  ns: Record<string, string>,
  pod: Record<string, string>,
): string[] {
  const urls: string[] = [];
  for (const config of configs) {
    const hooks = (config.webhooks as JsonObject[]) ?? [];
    matchWebhooks(config, ns, pod).forEach((m, i) => {
      const client = hooks[i]?.clientConfig;
      if (m.called && isObject(client)) urls.push(String(client.url));
    });
  }
  return urls;
}

/** The hello pod with the scenario's labels. */
export function scenarioPod(s: Scenario): JsonObject {
  const labels = {
    ...((helloPod().metadata as JsonObject).labels as Record<string, string>),
    ...(s.pod ?? {}),
  };
  return { ...helloPod(), metadata: { ...(helloPod().metadata as JsonObject), labels } };
}

const aloneCache = new Map<string, ReturnType<typeof loadEngine>>();

/** What the revision's release alone injects, with that revision's native-sidecar setting. */
export function alone(revision: string, native: boolean, pod: JsonObject): JsonObject {
  const key = `${revision}:${native}`;
  const engine = aloneCache.get(key) ?? loadEngine(singleConfig(revision, native));
  aloneCache.set(key, engine);
  if (!engine.ok) throw new Error(engine.error);
  const r = admit(reviewFor(pod, { namespace: "shop", uid: "u1" }), engine.value, "/inject/cluster/c1");
  expect(r.review.response.allowed).toBe(true);
  return applyResponse(pod, r.review);
}

/** The pod came back with its revision's sidecar: its release's proxy, its native setting, and exactly what the revision alone injects. */
export function expectRevisionSidecar(
  s: Scenario,
  revision: string,
  pod: JsonObject,
  review: AdmissionReviewResponse,
): void {
  expect(review.response.allowed, JSON.stringify(review.response.status)).toBe(true);
  const injected = applyResponse(pod, review);
  const proxy = proxyOf(injected);
  expect(proxy?.image, s.what).toMatch(
    new RegExp(`:${(RELEASE_OF[revision] as string).replaceAll(".", "\\.")}$`),
  );
  expect(proxy?.native, s.what).toBe(NATIVE[revision]);
  expect(injected, s.what).toEqual(alone(revision, NATIVE[revision] as boolean, pod));
}
