import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runCli } from "../helpers/cli.ts";
import { withoutNotice } from "./notice.ts";

const dir = mkdtempSync(join(tmpdir(), "outrigger-check-"));
const file = (name: string, text: string) => {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
};

const pod = (name: string, labels: Record<string, string> = {}, annotations: Record<string, string> = {}) =>
  `apiVersion: v1\nkind: Pod\nmetadata: {name: ${name}, labels: ${JSON.stringify(labels)}, annotations: ${JSON.stringify(annotations)}}\nspec: {containers: [{name: app, image: a}]}\n`;

interface Verdict {
  workload: { kind: string; name: string };
  namespace: string;
  webhooks: { webhook: string; called: boolean; reason: string }[];
  decision: { inject: boolean; rule: string; reasons: string[] };
  injected: boolean;
}

function checkJson(args: string[], input: string): Verdict[] {
  const r = runCli(["check", "-f", "-", "-o", "json", ...args], input);
  expect(withoutNotice(r.stderr)).toBe("");
  expect(r.status).toBe(0);
  return JSON.parse(r.stdout) as Verdict[];
}

const called = (v: Verdict) => v.webhooks.filter((w) => w.called).map((w) => w.webhook);

describe("outrigger check", () => {
  it("a namespace labelled istio-injection=enabled: the namespace entry is called and the policy injects", () => {
    const [v] = checkJson(
      ["--namespace", "shop", "--namespace-labels", "istio-injection=enabled"],
      pod("web"),
    );
    expect(v?.namespace).toBe("shop");
    expect(called(v as Verdict)).toEqual(["namespace.sidecar-injector.outrigger"]);
    expect(v?.decision).toMatchObject({ inject: true, rule: "policy" });
    expect(v?.injected).toBe(true);
  });

  it("an unlabelled namespace: no entry selects the pod, and each says which requirement failed", () => {
    const [v] = checkJson([], pod("web"));
    expect(v?.namespace).toBe("default");
    expect(called(v as Verdict)).toEqual([]);
    expect(v?.injected).toBe(false);
    const byName = Object.fromEntries((v as Verdict).webhooks.map((w) => [w.webhook, w.reason]));
    expect(byName["namespace.sidecar-injector.outrigger"]).toBe(
      "namespaceSelector needs istio-injection in (enabled)",
    );
    expect(byName["object.sidecar-injector.outrigger"]).toBe(
      "objectSelector needs sidecar.istio.io/inject in (true)",
    );
  });

  it("the system namespaces are never sent to the webhook", () => {
    const [v] = checkJson(
      ["--namespace", "kube-system", "--namespace-labels", "istio-injection=enabled"],
      pod("x"),
    );
    expect(called(v as Verdict)).toEqual([]);
    expect(v?.decision.rule).toBe("ignoredNamespace");
  });

  it("explains the webhook's rule order: the label beats the annotation", () => {
    const input = pod("web", { "sidecar.istio.io/inject": "false" }, { "sidecar.istio.io/inject": "true" });
    const [v] = checkJson(["--namespace-labels", "istio-injection=enabled"], input);
    expect(called(v as Verdict)).toEqual([]);
    expect(v?.decision).toMatchObject({ inject: false, rule: "label" });
    expect(v?.decision.reasons.join("\n")).toContain('label sidecar.istio.io/inject="false"');
  });

  it("names the neverInjectSelector that matched, from --config", () => {
    const config = file(
      "never.yaml",
      "neverInjectSelector:\n  - matchLabels: {tier: db}\n  - matchExpressions: [{key: sidecar, operator: Exists}]\n",
    );
    const [v] = checkJson(
      ["--config", config, "--namespace-labels", "istio-injection=enabled"],
      pod("db", { sidecar: "no" }),
    );
    expect(v?.decision.rule).toBe("neverInjectSelector");
    expect(v?.decision.reasons.at(-1)).toContain("neverInjectSelector[1] matched (sidecar exists)");
  });

  it("reads the cluster's registration from --webhook-config; an absent selector matches everything", () => {
    const mwc = file(
      "mwc.yaml",
      `apiVersion: admissionregistration.k8s.io/v1
kind: MutatingWebhookConfiguration
metadata: {name: custom}
webhooks:
  - name: all.example.com
    clientConfig: {url: "https://h/inject"}
    rules: [{operations: [CREATE], apiGroups: [""], apiVersions: [v1], resources: [pods]}]
    sideEffects: None
    admissionReviewVersions: [v1]
  - name: deployments-only.example.com
    clientConfig: {url: "https://h/inject"}
    rules: [{operations: [CREATE], apiGroups: [apps], apiVersions: [v1], resources: [deployments]}]
    sideEffects: None
    admissionReviewVersions: [v1]
`,
    );
    const expected = [
      {
        webhook: "all.example.com",
        called: true,
        reason: "namespaceSelector and objectSelector match",
        registration: "custom",
      },
      {
        webhook: "deployments-only.example.com",
        called: false,
        reason: "its rules do not cover pod CREATE",
        registration: "custom",
      },
    ];
    expect(checkJson(["--webhook-config", mwc], pod("web"))[0]?.webhooks).toEqual(expected);
    // As `kubectl get mutatingwebhookconfigurations -o yaml` prints them: a List.
    const text = readFileSync(mwc, "utf8")
      .replace(/^/gm, "    ")
      .replace(/^ {4}apiVersion/, "  - apiVersion");
    const list = file("mwc-list.yaml", `apiVersion: v1\nkind: List\nitems:\n${text}`);
    expect(checkJson(["--webhook-config", list], pod("web"))[0]?.webhooks).toEqual(expected);
  });

  it("prints a table and each pod's reasons as text, exit 0 whatever the verdict", () => {
    const input = `${pod("in")}---\n${pod("out", { "sidecar.istio.io/inject": "false" })}`;
    const r = runCli([
      "check",
      "-f",
      file("two.yaml", input),
      "--namespace-labels",
      "istio-injection=enabled",
    ]);
    expect(r.status).toBe(0);
    const [header, first, second] = r.stdout.split("\n");
    expect(header).toMatch(/^WORKLOAD\s+NAMESPACE\s+WEBHOOK CALLED\s+REVISION\s+INJECTED\s+REASON$/);
    expect(first).toMatch(
      /^Pod\/in\s+default\s+namespace\.sidecar-injector\.outrigger\s+default\s+yes\s+policy "enabled"/,
    );
    expect(second).toMatch(/^Pod\/out\s+default\s+none\s+-\s+no\s+no webhook entry selects the pod$/);
    expect(r.stdout).toContain('Pod "default/out":\n');
  });

  it("bad input and usage", () => {
    expect(runCli(["check"]).status).toBe(2);
    expect(runCli(["check", "-f", "-", "-o", "xml"], pod("x")).status).toBe(2);
    expect(runCli(["check", "-f", "-", "--namespace-labels", "novalue"], pod("x")).status).toBe(2);
    const noKind = runCli(["check", "-f", "-"], "metadata: {name: x}\n");
    expect(noKind.status).toBe(1);
    expect(noKind.stderr).toContain("document 1 (line 1): kind: missing");
    const notMwc = runCli(
      ["check", "-f", "-", "--webhook-config", file("svc.yaml", "kind: Service\n")],
      pod("x"),
    );
    expect(notMwc.status).toBe(1);
    expect(notMwc.stderr).toContain("not a MutatingWebhookConfiguration");
  });
});
