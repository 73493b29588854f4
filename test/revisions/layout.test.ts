import { describe, expect, it } from "vitest";
import { admit } from "../../core/admission/admit.ts";
import { parsePathEnvs } from "../../core/admission/path-envs.ts";
import { matchSelector } from "../../core/decide/selector.ts";
import { loadEngine } from "../../core/engine.ts";
import type { JsonObject } from "../../core/json.ts";
import { deploymentRegistrations, revisionUrl } from "../../core/registration/revisions.ts";
import { reviewFor } from "../helpers/fixtures.ts";
import { deploymentConfig, helloPod } from "./canary-fixture.ts";

const loadError = (text: string): string => {
  const e = loadEngine(text);
  return e.ok ? "" : e.error;
};

describe("revisions and tags in the config", () => {
  it("refuses a revision given twice, naming it", () => {
    const text = deploymentConfig(["1-30", "1-30"], { tags: { default: "1-30" } });
    expect(loadError(text)).toMatch(/revision "1-30" is given twice/);
  });

  it("refuses a tag of an unknown revision, a tag named as a revision, settings of an unknown revision", () => {
    const err = loadError(
      deploymentConfig(["1-30", "1-31"], {
        tags: { default: "1-30", prod: "1-32", "1-31": "1-30" },
        revisions: { "1-29": { nativeSidecars: true }, "1-30": { native: true } },
      }),
    );
    expect(err).toMatch(/tags\.prod: no revision "1-32" in the ConfigMaps; they hold 1-30, 1-31/);
    expect(err).toMatch(/tags\.1-31: "1-31" is a revision/);
    expect(err).toMatch(/revisions\.1-29: no revision "1-29"/);
    expect(err).toMatch(/revisions\.1-30\.native: unknown key/);
  });

  it("asks for a default when several revisions have none, and takes the only one otherwise", () => {
    expect(loadError(deploymentConfig(["1-30", "1-31"], {}))).toMatch(/no default one: set `tags: \{default/);
    const one = loadEngine(deploymentConfig(["1-31"], {}));
    expect(one.ok && one.value.revision).toBe("1-31");
  });

  it("the engine a config loads to is the default revision's, every revision on its deployment", () => {
    const e = loadEngine(
      deploymentConfig(["1-30", "1-31"], {
        tags: { default: "1-31" },
        revisions: { "1-31": { nativeSidecars: true } },
      }),
    );
    if (!e.ok) throw new Error(e.error);
    expect(e.value.revision).toBe("1-31");
    expect([...(e.value.deployment?.revisions.keys() ?? [])]).toEqual(["1-30", "1-31"]);
    expect(e.value.deployment?.revisions.get("1-31")?.config.nativeSidecars).toBe(true);
    expect(e.value.deployment?.revisions.get("1-30")?.config.nativeSidecars).toBe(false);
  });
});

describe("the revision route", () => {
  const engine = loadEngine(deploymentConfig(["1-30", "1-31"], { tags: { default: "1-30", prod: "1-31" } }));
  if (!engine.ok) throw new Error(engine.error);
  const review = reviewFor(helloPod(), { namespace: "shop", uid: "u" });

  it("reads rev in either path form and keeps it out of the envs", () => {
    expect(parsePathEnvs("/inject/rev/1-31/cluster/c1")).toMatchObject({
      envs: { ISTIO_META_CLUSTER_ID: "c1" },
      revisions: ["1-31"],
    });
    expect(parsePathEnvs("/inject/:ENV:cluster=c1:ENV:rev=1-31")).toMatchObject({ revisions: ["1-31"] });
  });

  it("denies an unknown revision, a tag, and two revisions, naming them", () => {
    const msg = (path: string) => admit(review, engine.value, path).review.response.status?.message ?? "";
    expect(msg("/inject/rev/1-29")).toMatch(/no revision "1-29".*holds 1-30, 1-31/);
    expect(msg("/inject/rev/prod")).toMatch(/"prod" .* is a tag of revision "1-31"/);
    expect(msg("/inject/rev/1-30/rev/1-31")).toMatch(/several revisions \(1-30, 1-31\)/);
    const log = admit(review, engine.value, "/inject/rev/1-29").log;
    expect(log).toMatchObject({ outcome: "denied", revision: "1-29" });
    expect(admit(review, engine.value, "/inject").log.revision).toBe("1-30");
  });

  it("puts the revision after the token, or at the end of an :ENV: path", () => {
    expect(revisionUrl("https://h/inject/t/tok/cluster/c1", "1-31")).toEqual({
      ok: true,
      value: "https://h/inject/t/tok/rev/1-31/cluster/c1",
    });
    expect(revisionUrl("https://h/prod/inject", "1-31")).toEqual({
      ok: true,
      value: "https://h/prod/inject/rev/1-31",
    });
    expect(revisionUrl("https://h/inject/t/tok/:ENV:cluster=c1", "1-31")).toEqual({
      ok: true,
      value: "https://h/inject/t/tok/:ENV:cluster=c1:ENV:rev=1-31",
    });
    expect(revisionUrl("https://h/inject/t/tok/rev/1-30", "1-31").ok).toBe(false);
    for (const url of [
      "https://h/inject/t/tok/cluster/c1/rev/1-31",
      "https://h/inject/t/tok/:ENV:cluster=c1:ENV:rev=1-31",
    ]) {
      const path = new URL(url).pathname.replace("/t/tok", "");
      expect(parsePathEnvs(path)).toMatchObject({
        envs: { ISTIO_META_CLUSTER_ID: "c1" },
        revisions: ["1-31"],
      });
    }
  });
});

describe("the registrations of a deployment", () => {
  const layout = { revisions: ["1-30", "1-31"], default: "1-30", tags: { default: "1-30", prod: "1-31" } };
  const regs = deploymentRegistrations({ url: "https://h/inject/t/tok", layout });
  if (!regs.ok) throw new Error(regs.error);
  const names = (c: JsonObject) => (c.webhooks as JsonObject[]).map((w) => String(w.name).split(".")[0]);

  it("has one per revision and one per tag, the legacy entries only on the default tag's", () => {
    expect(regs.value.map((r) => [(r.config.metadata as JsonObject).name, r.revision, r.tag])).toEqual([
      ["outrigger-sidecar-injector-1-30", "1-30", undefined],
      ["outrigger-sidecar-injector-1-31", "1-31", undefined],
      ["outrigger-revision-tag-default", "1-30", "default"],
      ["outrigger-revision-tag-prod", "1-31", "prod"],
    ]);
    expect(regs.value.map((r) => names(r.config))).toEqual([
      ["rev", "rev"],
      ["rev", "rev"],
      ["rev", "rev", "namespace", "object"],
      ["rev", "rev"],
    ]);
    for (const r of regs.value)
      for (const w of r.config.webhooks as JsonObject[])
        expect((w.clientConfig as JsonObject).url).toBe(`https://h/inject/t/tok/rev/${r.revision}`);
  });

  it("selects no namespace twice: every label set reaches at most one entry of one configuration", () => {
    const values = {
      "istio.io/rev": ["1-30", "1-31", "prod", "default", "x"],
      "istio-injection": ["enabled", "disabled"],
    };
    const sets: Record<string, string>[] = [{}];
    for (const [k, vs] of Object.entries(values))
      for (const s of [...sets]) for (const v of vs) sets.push({ ...s, [k]: v });
    const podSets = [
      {},
      { "sidecar.istio.io/inject": "true" },
      { "sidecar.istio.io/inject": "false" },
      ...sets.slice(1, 6),
    ];
    for (const ns of sets)
      for (const pod of podSets) {
        const hits = regs.value.flatMap((r) =>
          (r.config.webhooks as JsonObject[]).filter(
            (w) =>
              (matchSelector(w.namespaceSelector, ns) as { matches: boolean }).matches &&
              (matchSelector(w.objectSelector, pod) as { matches: boolean }).matches,
          ),
        );
        expect(hits.length, JSON.stringify({ ns, pod })).toBeLessThanOrEqual(1);
      }
  });

  it("--revision limits them to one revision and its tags", () => {
    const only = deploymentRegistrations({ url: "https://h/inject/t/tok", layout, only: "1-31" });
    expect(only.ok && only.value.map((r) => r.tag ?? r.revision)).toEqual(["1-31", "prod"]);
    expect(deploymentRegistrations({ url: "https://h/inject", layout, only: "1-29" }).ok).toBe(false);
  });
});
