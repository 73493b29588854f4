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
      "rev.namespace.sidecar-injector.istio.io",
      "rev.object.sidecar-injector.istio.io",
      "namespace.sidecar-injector.istio.io",
      "object.sidecar-injector.istio.io",
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
      "namespace.sidecar-injector.istio.io",
    ]);
    expect(called(hooks, { "istio-injection": "enabled" }, { "sidecar.istio.io/inject": "false" })).toEqual(
      [],
    );
    expect(called(hooks, { "istio-injection": "disabled" }, { "sidecar.istio.io/inject": "true" })).toEqual(
      [],
    );
    expect(called(hooks, {}, { "sidecar.istio.io/inject": "true" })).toEqual([
      "object.sidecar-injector.istio.io",
    ]);
    expect(called(hooks, { "istio.io/rev": "default" }, {})).toEqual([
      "rev.namespace.sidecar-injector.istio.io",
    ]);
    expect(called(hooks, {}, {})).toEqual(["auto.sidecar-injector.istio.io"]);
    expect(render({ url, revision: "canary" }).map((h) => h.name)).toHaveLength(2);
  });

  it("refuses URLs the API server would refuse", () => {
    expect(mutatingWebhookConfiguration({ url: "http://x/inject" }).ok).toBe(false);
    expect(mutatingWebhookConfiguration({ url: "https://x/inject?a=b" }).ok).toBe(false);
    expect(mutatingWebhookConfiguration({ url: "nope" }).ok).toBe(false);
    expect(mutatingWebhookConfiguration({ url, timeoutSeconds: 31 }).ok).toBe(false);
  });
});
