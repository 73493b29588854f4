import { describe, expect, it } from "vitest";
import { matchSelector } from "../../core/decide/selector.ts";
import type { JsonObject } from "../../core/json.ts";
import {
  ISTIOD_ENTRY_SUFFIX,
  istiodInjectorsAlongside,
  istioSelections,
} from "../../core/registration/istiod.ts";
import { mutatingWebhookConfiguration, type WebhookOptions } from "../../core/registration/webhook.ts";

/**
 * Issue 13 item 10: Outrigger's registration must be one istiod and istioctl never touch, with the
 * selectors of istiod's own. The istiod-shaped configurations below are written from the fields the
 * istio-discovery chart (manifests/charts/istio-control/istio-discovery/templates/mutatingwebhook.yaml
 * and revision-tags-mwc.yaml, 1.29.6 to 1.31.0-rc.0) sets: the labels and entry names the
 * controllers select on, and the selectors.
 */

const url = "https://abc.execute-api.eu-west-1.amazonaws.com/inject/t/token/cluster/c1";
const render = (opts: Partial<WebhookOptions> = {}): JsonObject => {
  const r = mutatingWebhookConfiguration({ url, ...opts });
  if (!r.ok) throw new Error(r.error);
  return r.value;
};
const entries = (c: JsonObject) => c.webhooks as JsonObject[];

type Expr = { key: string; operator: string; values?: string[] };
const sel = (...matchExpressions: Expr[]) => ({ matchExpressions });
const In = (key: string, ...values: string[]): Expr => ({ key, operator: "In", values });
const NotIn = (key: string, ...values: string[]): Expr => ({ key, operator: "NotIn", values });
const Absent = (key: string): Expr => ({ key, operator: "DoesNotExist" });

/** istiod's injector registration for a revision ("" is the default one), as its chart shapes it. */
function istiodRegistration(revision: string, auto = false): JsonObject {
  const rev = revision || "default";
  const entry = (prefix: string, ns: JsonObject, obj: JsonObject) => ({
    name: `${prefix}${ISTIOD_ENTRY_SUFFIX}`,
    clientConfig: {
      service: { name: revision ? `istiod-${revision}` : "istiod", namespace: "istio-system" },
    },
    rules: [{ operations: ["CREATE"], apiGroups: [""], apiVersions: ["v1"], resources: ["pods"] }],
    namespaceSelector: ns,
    objectSelector: obj,
  });
  const webhooks = [
    entry(
      "rev.namespace.",
      sel(In("istio.io/rev", rev), Absent("istio-injection")),
      sel(NotIn("sidecar.istio.io/inject", "false")),
    ),
    entry(
      "rev.object.",
      sel(Absent("istio.io/rev"), Absent("istio-injection")),
      sel(NotIn("sidecar.istio.io/inject", "false"), In("istio.io/rev", rev)),
    ),
  ];
  if (!revision) {
    webhooks.push(
      entry(
        "namespace.",
        sel(In("istio-injection", "enabled")),
        sel(NotIn("sidecar.istio.io/inject", "false")),
      ),
      entry(
        "object.",
        sel(Absent("istio-injection"), Absent("istio.io/rev")),
        sel(In("sidecar.istio.io/inject", "true"), Absent("istio.io/rev")),
      ),
    );
    if (auto)
      webhooks.push(
        entry(
          "auto.",
          sel(
            Absent("istio-injection"),
            Absent("istio.io/rev"),
            NotIn(
              "kubernetes.io/metadata.name",
              "kube-system",
              "kube-public",
              "kube-node-lease",
              "local-path-storage",
            ),
          ),
          sel(Absent("sidecar.istio.io/inject"), Absent("istio.io/rev")),
        ),
      );
  }
  return {
    apiVersion: "admissionregistration.k8s.io/v1",
    kind: "MutatingWebhookConfiguration",
    metadata: {
      name: revision ? `istio-sidecar-injector-${revision}` : "istio-sidecar-injector",
      labels: { "istio.io/rev": rev, app: "sidecar-injector", "app.kubernetes.io/name": "istiod" },
    },
    webhooks: webhooks as unknown as JsonObject[],
  } as JsonObject;
}

/** A revision tag's registration (`istioctl tag set` or the chart's revisionTags). */
function tagRegistration(tag: string, revision: string): JsonObject {
  const base = istiodRegistration(revision);
  return {
    ...base,
    metadata: {
      name: `istio-revision-tag-${tag}`,
      labels: { "istio.io/rev": revision, "istio.io/tag": tag, app: "sidecar-injector" },
    },
  };
}

/**
 * The loop of pkg/webhooks/webhookpatch.go patchMutatingWebhookConfig, for an istiod of `revision`:
 * the entries whose caBundle it would rewrite.
 */
function certPatcherRewrites(config: JsonObject, revision: string): string[] {
  const labels = ((config.metadata as JsonObject).labels ?? {}) as Record<string, string>;
  if (!Object.hasOwn(labels, "istio.io/rev") || labels["istio.io/rev"] !== revision) return [];
  return entries(config)
    .map((w) => w.name as string)
    .filter((n) => n.endsWith("sidecar-injector.istio.io"));
}

const VARIANTS: [string, Partial<WebhookOptions>][] = [
  ["default", {}],
  ["default, namespaces by default", { namespacesByDefault: true }],
  ["revision canary", { revision: "canary" }],
  ["revision default", { revision: "default" }],
  ["custom name", { name: "istio-sidecar-injector-outrigger" }],
];

describe("Outrigger's registration beside istiod", () => {
  it.each(VARIANTS)("%s: selected by none of Istio's controllers and commands", (_, opts) => {
    const mwc = render(opts);
    expect(istioSelections(mwc).map((s) => s.who)).toEqual([]);
    for (const revision of ["default", "canary", "1-30-3", opts.revision ?? "default"])
      expect(certPatcherRewrites(mwc, revision), revision).toEqual([]);
    const labels = (mwc.metadata as JsonObject).labels as Record<string, string>;
    expect(Object.keys(labels).filter((k) => k.startsWith("istio.io/") || k === "app")).toEqual([]);
    for (const w of entries(mwc)) expect(String(w.name).endsWith(ISTIOD_ENTRY_SUFFIX)).toBe(false);
  });

  it("the rules select istiod's own registrations, tags and the registration Outrigger used to render", () => {
    const istiod = istiodRegistration("");
    expect(certPatcherRewrites(istiod, "default")).toHaveLength(4);
    const who = (c: JsonObject) => istioSelections(c).map((s) => s.who.split(" (")[0]);
    expect(who(istiod)).toEqual([
      "istiod's webhook cert patcher",
      "istioctl tag set/generate and istioctl install",
      "istioctl tag list",
      "istioctl kube-inject without --injectConfigFile",
      "istioctl x injector list",
    ]);
    expect(who(tagRegistration("default", "canary"))).toEqual(
      expect.arrayContaining([
        "istiod's revision tag watcher",
        "istiod's default revision watcher",
        "istioctl tag remove",
      ]),
    );
    expect(who(tagRegistration("prod", "canary"))).not.toContain("istiod's default revision watcher");
    // What `webhook-config` printed before: Istio's label and entry names on Outrigger's URL.
    const before = render();
    (before.metadata as JsonObject).labels = { "istio.io/rev": "default", app: "sidecar-injector" };
    for (const w of entries(before)) w.name = String(w.name).replace(/outrigger$/, "istio.io");
    expect(certPatcherRewrites(before, "default")).toHaveLength(4);
    expect(who(before)).toContain("istiod's webhook cert patcher");
  });

  it.each([
    ["", false],
    ["", true],
    ["canary", false],
  ])(
    "revision %j (auto %s): the same entries are called as istiod's, for every label combination",
    (revision, auto) => {
      const ours = entries(render({ revision: revision || undefined, namespacesByDefault: auto }));
      const theirs = entries(istiodRegistration(revision, auto));
      const called = (hooks: JsonObject[], ns: Record<string, string>, pod: Record<string, string>) =>
        hooks
          .filter((h) => {
            const n = matchSelector(h.namespaceSelector, ns);
            const o = matchSelector(h.objectSelector, pod);
            return n.ok && n.matches && o.ok && o.matches;
          })
          .map((h) => String(h.name).split(".sidecar-injector.")[0]);
      const nsValues = [undefined, "enabled", "disabled"];
      const revValues = [undefined, "default", "canary"];
      const injectValues = [undefined, "true", "false"];
      let compared = 0;
      for (const nsName of ["shop", "kube-system"])
        for (const legacy of nsValues)
          for (const nsRev of revValues)
            for (const inject of injectValues)
              for (const podRev of revValues) {
                const ns: Record<string, string> = { "kubernetes.io/metadata.name": nsName };
                if (legacy) ns["istio-injection"] = legacy;
                if (nsRev) ns["istio.io/rev"] = nsRev;
                const pod: Record<string, string> = {};
                if (inject) pod["sidecar.istio.io/inject"] = inject;
                if (podRev) pod["istio.io/rev"] = podRev;
                // Outrigger leaves the system namespaces out of every entry (Istio's injector skips them).
                const expected = nsName === "kube-system" ? [] : called(theirs, ns, pod);
                expect(called(ours, ns, pod), JSON.stringify({ ns, pod })).toEqual(expected);
                compared += 1;
              }
      expect(compared).toBe(162);
    },
  );
});

describe("istiodInjectorsAlongside", () => {
  const ours = render();

  it("warns when the file holds istiod's active injector as well as Outrigger's", () => {
    const w = istiodInjectorsAlongside([ours, istiodRegistration("")]);
    expect(w).toHaveLength(1);
    expect(w[0]).toContain("istio-sidecar-injector/namespace.sidecar-injector.istio.io");
    expect(w[0]).toContain("two sidecars");
    expect(istiodInjectorsAlongside([ours, tagRegistration("default", "canary")])).toHaveLength(1);
  });

  it("is quiet for either alone, and for an injector istioctl deactivated", () => {
    expect(istiodInjectorsAlongside([ours])).toEqual([]);
    expect(istiodInjectorsAlongside([istiodRegistration(""), istiodRegistration("canary")])).toEqual([]);
    const deactivated = istiodRegistration("");
    for (const w of entries(deactivated)) {
      w.namespaceSelector = { matchLabels: { "istio.io/deactivated": "never-match" } };
      w.objectSelector = { matchLabels: { "istio.io/deactivated": "never-match" } };
    }
    expect(istiodInjectorsAlongside([ours, deactivated])).toEqual([]);
  });

  it("warns about an Outrigger registration that istiod would patch (one applied before this fix)", () => {
    const old = render();
    (old.metadata as JsonObject).labels = { "istio.io/rev": "default", app: "sidecar-injector" };
    for (const w of entries(old)) w.name = String(w.name).replace(/outrigger$/, "istio.io");
    const w = istiodInjectorsAlongside([old]);
    expect(w).toHaveLength(1);
    expect(w[0]).toContain("istiod's webhook cert patcher");
  });
});
