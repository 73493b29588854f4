import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { mutatingWebhookConfiguration } from "../../core/registration/webhook.ts";
import { runCli } from "../helpers/cli.ts";
import { withoutNotice } from "./notice.ts";

const url = "https://europe-west1-proj.cloudfunctions.net/inject/t/abc/cluster/c1";

describe("outrigger webhook-config", () => {
  it("prints the registration core/registration renders, as YAML and as JSON", () => {
    const expected = mutatingWebhookConfiguration({
      url,
      revision: "canary",
      failurePolicy: "Ignore",
      timeoutSeconds: 5,
    });
    if (!expected.ok) throw new Error(expected.error);
    const args = [
      "webhook-config",
      "--url",
      url,
      "--revision",
      "canary",
      "--failure-policy",
      "Ignore",
      "--timeout",
      "5",
    ];
    const yaml = runCli(args);
    expect(yaml.status).toBe(0);
    expect(parse(yaml.stdout)).toEqual(expected.value);
    const json = runCli([...args, "-o", "json"]);
    expect(JSON.parse(json.stdout)).toEqual(expected.value);
  });

  it("--namespaces-by-default adds the entry for unlabelled namespaces", () => {
    const r = runCli(["webhook-config", "--url", url, "--namespaces-by-default", "-o", "json"]);
    const names = (JSON.parse(r.stdout).webhooks as { name: string }[]).map((w) => w.name);
    expect(names).toContain("auto.sidecar-injector.outrigger");
  });

  it("--ca-bundle puts the PEM in clientConfig, base64", () => {
    const dir = mkdtempSync(join(tmpdir(), "outrigger-mwc-"));
    const pem = "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n";
    writeFileSync(join(dir, "ca.pem"), pem);
    const r = runCli(["webhook-config", "--url", url, "--ca-bundle", join(dir, "ca.pem"), "-o", "json"]);
    expect(r.status).toBe(0);
    expect(JSON.parse(r.stdout).webhooks[0].clientConfig.caBundle).toBe(Buffer.from(pem).toString("base64"));
    writeFileSync(join(dir, "bad.pem"), "hello");
    expect(runCli(["webhook-config", "--url", url, "--ca-bundle", join(dir, "bad.pem")]).status).toBe(1);
  });

  it("refuses what the API server would refuse: exit 2 with the reason", () => {
    const http = runCli(["webhook-config", "--url", "http://h.example.com/inject"]);
    expect(http.status).toBe(2);
    expect(http.stderr).toContain("the API server only calls https URLs");
    const query = runCli(["webhook-config", "--url", "https://h.example.com/inject?timeout=5s"]);
    expect(query.status).toBe(2);
    expect(query.stderr).toContain("query string");
    expect(runCli(["webhook-config"]).status).toBe(2);
    expect(runCli(["webhook-config", "--url", url, "--timeout", "99"]).status).toBe(2);
    expect(runCli(["webhook-config", "--url", url, "--failure-policy", "Sometimes"]).status).toBe(2);
    const root = runCli(["webhook-config", "--url", "https://x.example.com/"]);
    expect(root.status).toBe(2);
    expect(root.stderr).toContain("not an Outrigger route");
    const noToken = runCli(["webhook-config", "--url", "https://x.example.com/inject/t/"]);
    expect(noToken.status).toBe(2);
    expect(noToken.stderr).toContain("no token");
    const emptyName = runCli(["webhook-config", "--url", url, "--name", ""]);
    expect(emptyName.status).toBe(2);
    expect(emptyName.stderr).toContain('--name ""');
  });

  it("check --webhook-config warns when istiod's own injector is registered beside it", () => {
    const dir = mkdtempSync(join(tmpdir(), "outrigger-mwc-"));
    const ours = runCli(["webhook-config", "--url", url]).stdout;
    const istiod = [
      "apiVersion: admissionregistration.k8s.io/v1",
      "kind: MutatingWebhookConfiguration",
      "metadata: {name: istio-sidecar-injector, labels: {istio.io/rev: default, app: sidecar-injector}}",
      "webhooks:",
      "- name: namespace.sidecar-injector.istio.io",
      "  clientConfig: {service: {name: istiod, namespace: istio-system, path: /inject}}",
      '  rules: [{operations: [CREATE], apiGroups: [""], apiVersions: [v1], resources: [pods]}]',
      "  namespaceSelector: {matchLabels: {istio-injection: enabled}}",
      "  sideEffects: None",
      "  admissionReviewVersions: [v1]",
      "",
    ].join("\n");
    const pod =
      "apiVersion: v1\nkind: Pod\nmetadata: {name: web}\nspec: {containers: [{name: app, image: a}]}\n";
    const both = join(dir, "both.yaml");
    writeFileSync(both, `${ours}---\n${istiod}`);
    const args = ["check", "-f", "-", "--namespace-labels", "istio-injection=enabled", "--webhook-config"];
    const r = runCli([...args, both], pod);
    expect(r.status).toBe(0);
    expect(r.stderr).toContain("outrigger check: warning: istiod's own injector is registered too");
    expect(r.stdout).toContain("injected more than once");
    const alone = join(dir, "ours.yaml");
    writeFileSync(alone, ours);
    expect(withoutNotice(runCli([...args, alone], pod).stderr)).toBe("");
  });
});
