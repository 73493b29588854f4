import { describe, expect, it } from "vitest";
import { type AdmitResult, admit } from "../../core/admission/admit.ts";
import type { AdmissionReviewResponse } from "../../core/admission/review.ts";
import { defaultEngine, type Engine, loadEngine } from "../../core/engine.ts";
import type { JsonObject } from "../../core/json.ts";
import { MEMO_LIMITS } from "../../core/memo.ts";
import type { Template } from "../../core/render/template.ts";
import { applyResponse, readShared, readSharedJson, reviewFor } from "../helpers/fixtures.ts";
import { podDocuments, podFromWorkload } from "../helpers/istio-cases.ts";
import { RELEASES, releaseCorpus } from "../helpers/istio-releases.ts";
import { type Corpus, engineFor, MASTER } from "../helpers/parity.ts";

// admit(..., { remember: true }) answers a repeated admission with the patch it gave before
// (core/admission/repeat.ts). What must hold: the remembered answer is exactly the fresh one (but for
// the uid it echoes), and anything the answer depends on (pod, namespace, route, engine) makes it
// answer afresh.

/** The default engine with every template counting its renders. */
function countingEngine(base: Engine = defaultEngine()): { engine: Engine; renders: () => number } {
  let renders = 0;
  const templates = new Map<string, Template>();
  for (const [name, t] of base.templates) {
    templates.set(name, {
      syntax: t.syntax,
      render(data, limits) {
        renders++;
        return t.render(data, limits);
      },
    });
  }
  return { engine: { ...base, templates }, renders: () => renders };
}

function pod(app: string, extra: JsonObject = {}): JsonObject {
  return {
    apiVersion: "v1",
    kind: "Pod",
    metadata: { generateName: `${app}-`, labels: { app }, ...extra },
    spec: { containers: [{ name: app, image: "nginx" }] },
  };
}

/** The answer with its uid blanked, for comparing answers to different requests. */
function withoutUid(review: AdmissionReviewResponse): string {
  return JSON.stringify({ ...review, response: { ...review.response, uid: "" } });
}

describe("remembered answers", () => {
  it("answers a repeat without rendering, with the same patch and its own uid", () => {
    const { engine, renders } = countingEngine();
    const first = admit(reviewFor(pod("web"), { uid: "a" }), engine, "/inject", { remember: true });
    const again = admit(reviewFor(pod("web"), { uid: "b" }), engine, "/inject", { remember: true });
    expect(renders()).toBe(1);
    expect(again.review.response.uid).toBe("b");
    expect(again.review.response.patch).toBe(first.review.response.patch);
    expect(withoutUid(again.review)).toBe(withoutUid(first.review));
    expect({ ...again.log, uid: "a" }).toEqual(first.log);
    expect(again.pod).toBeUndefined();
  });

  it("answers afresh without `remember`, and for another pod, namespace, route or engine", () => {
    const { engine, renders } = countingEngine();
    const run = (p: JsonObject, opts: { namespace?: string; path?: string; engine?: Engine } = {}) =>
      admit(reviewFor(p, { namespace: opts.namespace ?? "shop" }), opts.engine ?? engine, opts.path, {
        remember: true,
      });
    run(pod("web"));
    expect(renders()).toBe(1);
    admit(reviewFor(pod("web"), { namespace: "shop" }), engine);
    admit(reviewFor(pod("web"), { namespace: "shop" }), engine);
    expect(renders()).toBe(3);
    const other = run(pod("api"));
    expect(renders()).toBe(4);
    expect(JSON.stringify(applyResponse(pod("api"), other.review))).toContain(
      '"service.istio.io/canonical-name":"api"',
    );
    run(pod("web", { annotations: { "example.com/build": "2" } }));
    run(pod("web"), { namespace: "other" });
    run(pod("web"), { path: "/inject/cluster/c2" });
    run(pod("web"), { engine: { ...engine } });
    expect(renders()).toBe(8);
  });

  it("keeps a bounded number of answers, forgetting the oldest first", () => {
    const { engine, renders } = countingEngine();
    const run = (i: number) => admit(reviewFor(pod(`app-${i}`)), engine, "/inject", { remember: true });
    for (let i = 0; i <= MEMO_LIMITS.entries; i++) run(i);
    expect(renders()).toBe(MEMO_LIMITS.entries + 1);
    run(MEMO_LIMITS.entries);
    expect(renders()).toBe(MEMO_LIMITS.entries + 1);
    run(0);
    expect(renders()).toBe(MEMO_LIMITS.entries + 2);
  });

  it("does not remember a pod with its own name: it is unique in its namespace", () => {
    const { engine, renders } = countingEngine();
    const named = { ...pod("web"), metadata: { name: "web-0", labels: { app: "web" } } };
    const first = admit(reviewFor(named), engine, "/inject", { remember: true });
    const again = admit(reviewFor(named), engine, "/inject", { remember: true });
    expect(renders()).toBe(2);
    expect(again.review.response.patch).toBe(first.review.response.patch);
  });

  /** The captured pod as a ReplicaSet's, its token volume named as the API server names one. */
  function replica(suffix: string): JsonObject {
    const sample = readSharedJson("fixtures/apiserver/sample-admissionreview-v1.json") as JsonObject;
    const p = (sample.request as JsonObject).object as JsonObject;
    const meta = p.metadata as JsonObject;
    delete meta.name;
    delete meta.managedFields;
    meta.generateName = "demo-5d8f7c9b6-";
    const text = JSON.stringify(p).replaceAll("kube-api-access-5hlsr", `kube-api-access-${suffix}`);
    return JSON.parse(text) as JsonObject;
  }
  const review = (p: JsonObject, e: Engine, remember: boolean) =>
    admit(reviewFor(p, { namespace: "inject-v1" }), e, "/inject", { remember }).review;

  it("answers a replica with its own token volume name from memory once a renamed one agreed", () => {
    const { engine, renders } = countingEngine();
    review(replica("aaaaa"), engine, true);
    expect(renders()).toBe(1);
    // The first other name is answered afresh, and checked against the remembered answer.
    review(replica("bbbbb"), engine, true);
    expect(renders()).toBe(2);
    for (const suffix of ["ccccc", "x7k2p", "aaaaa"]) {
      const recalled = review(replica(suffix), engine, true);
      expect(renders(), suffix).toBe(2);
      const fresh = review(replica(suffix), defaultEngine(), false);
      expect(withoutUid(recalled), suffix).toBe(withoutUid(fresh));
      expect(Buffer.from(recalled.response.patch as string, "base64").toString()).toContain(
        `kube-api-access-${suffix}`,
      );
    }
  });

  it("answers every renamed replica afresh when a template reads the name other than to copy it", () => {
    const loaded = loadEngine(
      JSON.stringify({
        templates: {
          hashed:
            'metadata:\n  labels:\n    token: "{{ range .Spec.Volumes }}{{ .Name | sha256sum | trunc 8 }}{{ end }}"\n',
        },
        defaultTemplates: ["hashed"],
      }),
    );
    if (!loaded.ok) throw new Error(loaded.error);
    const { engine, renders } = countingEngine(loaded.value);
    for (const suffix of ["aaaaa", "bbbbb", "ccccc", "ddddd"]) {
      const got = review(replica(suffix), engine, true);
      expect(withoutUid(got), suffix).toBe(withoutUid(review(replica(suffix), engine, false)));
    }
    // Every name its own render (the fresh answers above are four more).
    expect(renders()).toBe(8);
    review(replica("aaaaa"), engine, true);
    expect(renders()).toBe(8);
  });

  it("does not remember a denial", () => {
    const { engine, renders } = countingEngine();
    const bad = pod("web", { annotations: { "inject.istio.io/templates": "no-such-template" } });
    const first = admit(reviewFor(bad), engine, "/inject", { remember: true });
    const again = admit(reviewFor(bad), engine, "/inject", { remember: true });
    expect(first.review.response.allowed).toBe(false);
    expect(again.review.response.status?.message).toBe(first.review.response.status?.message);
    expect(renders()).toBe(0);
    expect(again.log.outcome).toBe("denied");
  });

  const corpora: Corpus[] = [MASTER, ...RELEASES.map((r) => releaseCorpus(r))];
  for (const corpus of corpora) {
    it(`gives every pod of Istio's ${corpus.name} corpus the answer it gets afresh`, () => {
      let compared = 0;
      for (const c of corpus.cases().filter((x) => x.golden && !x.settings.expectError)) {
        const { engine } = engineFor(c, corpus);
        if (!engine) continue;
        for (const doc of podDocuments(readShared(corpus.dir, c.input))) {
          const { pod: p, namespace } = podFromWorkload(doc);
          const fresh: AdmitResult = admit(reviewFor(p, { namespace, uid: "f" }), engine);
          admit(reviewFor(p, { namespace, uid: "1" }), engine, "/inject", { remember: true });
          const recalled = admit(reviewFor(p, { namespace, uid: "2" }), engine, "/inject", {
            remember: true,
          });
          const named = typeof (p.metadata as JsonObject | undefined)?.name === "string";
          expect(recalled.pod === undefined, `${c.id}: remembered`).toBe(!named);
          expect(withoutUid(recalled.review), c.id).toBe(withoutUid(fresh.review));
          compared++;
        }
      }
      expect(compared).toBeGreaterThan(50);
      // Three admissions of every pod of a corpus: seconds, more on a busy machine.
    }, 120_000);
  }
});
