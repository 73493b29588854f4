import { describe, expect, it } from "vitest";
import { matchSelector } from "../../core/decide/selector.ts";
import type { JsonObject } from "../../core/json.ts";
import { mutatingWebhookConfiguration } from "../../core/registration/webhook.ts";

const render = (opts: Parameters<typeof mutatingWebhookConfiguration>[0]) => {
  const r = mutatingWebhookConfiguration(opts);
  if (!r.ok) throw new Error(r.error);
  return r.value.webhooks as JsonObject[];
};

/** Which entries the API server would call for a namespace and a pod (Istio's layer A). */
const called = (hooks: JsonObject[], ns: Record<string, string>, pod: Record<string, string>) =>
  hooks
    .filter(
      (h) =>
        (matchSelector(h.namespaceSelector, ns) as { matches: boolean }).matches &&
        (matchSelector(h.objectSelector, pod) as { matches: boolean }).matches,
    )
    .map((h) => h.name);

describe("the webhook registration", () => {
  const url = "https://example.run.app/inject/t/token/cluster/c1";

  it("has Istio's entries and excludes the system namespaces", () => {
    const hooks = render({ url });
    expect(hooks.map((h) => h.name)).toEqual([
      "rev.namespace.sidecar-injector.outrigger",
      "rev.object.sidecar-injector.outrigger",
      "namespace.sidecar-injector.outrigger",
      "object.sidecar-injector.outrigger",
    ]);
    expect(hooks[0]).toMatchObject({
      sideEffects: "None",
      failurePolicy: "Fail",
      admissionReviewVersions: ["v1", "v1beta1"],
      clientConfig: { url },
    });
    expect(
      called(hooks, { "kubernetes.io/metadata.name": "kube-system", "istio-injection": "enabled" }, {}),
    ).toEqual([]);
  });

  it("selects as Istio's layer A does", () => {
    const hooks = render({ url, namespacesByDefault: true });
    expect(called(hooks, { "istio-injection": "enabled" }, {})).toEqual([
      "namespace.sidecar-injector.outrigger",
    ]);
    expect(called(hooks, { "istio-injection": "enabled" }, { "sidecar.istio.io/inject": "false" })).toEqual(
      [],
    );
    expect(called(hooks, { "istio-injection": "disabled" }, { "sidecar.istio.io/inject": "true" })).toEqual(
      [],
    );
    expect(called(hooks, {}, { "sidecar.istio.io/inject": "true" })).toEqual([
      "object.sidecar-injector.outrigger",
    ]);
    expect(called(hooks, { "istio.io/rev": "default" }, {})).toEqual([
      "rev.namespace.sidecar-injector.outrigger",
    ]);
    expect(called(hooks, {}, {})).toEqual(["auto.sidecar-injector.outrigger"]);
    expect(render({ url, revision: "canary" }).map((h) => h.name)).toHaveLength(2);
  });

  it("refuses URLs the API server would refuse", () => {
    expect(mutatingWebhookConfiguration({ url: "http://x/inject" }).ok).toBe(false);
    expect(mutatingWebhookConfiguration({ url: "https://x/inject?a=b" }).ok).toBe(false);
    expect(mutatingWebhookConfiguration({ url: "nope" }).ok).toBe(false);
    expect(mutatingWebhookConfiguration({ url, timeoutSeconds: 31 }).ok).toBe(false);
  });

  it("refuses a URL whose path no Outrigger route answers (every call would get 404)", () => {
    const refused = (u: string) => {
      const r = mutatingWebhookConfiguration({ url: u });
      return r.ok ? "" : r.error;
    };
    for (const u of [
      "https://x.example.com/",
      "https://x.example.com",
      "https://x.example.com/healthz",
      "https://x.example.com/injector/t/abc",
      "https://x.example.com/prod/inject/t/abc",
      "https://x.example.com/inject/t",
      "https://x.example.com/inject/t/",
      "https://abc.execute-api.eu-west-1.amazonaws.com/prod/inject/t/",
      "https://abc.execute-api.eu-west-1.amazonaws.com/a/b/inject/t/abc",
    ])
      expect(refused(u), u).toMatch(/^--url: path ".*" (is not an Outrigger route|has no token)/);
    for (const u of [
      url,
      "https://x.example.com/inject",
      "https://x.example.com/inject/t/abc",
      "https://x.example.com/inject/cluster/c1",
      "https://abc.execute-api.eu-west-1.amazonaws.com/prod/inject/t/abc/net/n1",
      "https://abc.lambda-url.eu-west-1.on.aws/inject/t/abc",
    ])
      expect(refused(u), u).toBe("");
  });

  it("refuses an empty or invalid --name, and Istio's revision-tag names", () => {
    for (const name of ["", "Outrigger", "-x", "a_b", "x".repeat(254), "istio-revision-tag-default"]) {
      const r = mutatingWebhookConfiguration({ url, name });
      expect(r.ok, JSON.stringify(name)).toBe(false);
      if (!r.ok) expect(r.error).toMatch(/^--name /);
    }
    const named = mutatingWebhookConfiguration({ url, name: "outrigger.prod-1" });
    expect(named.ok && (named.value.metadata as JsonObject).name).toBe("outrigger.prod-1");
  });
});
