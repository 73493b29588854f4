import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { parseAllDocuments } from "yaml";
import type { JsonObject } from "../../core/json.ts";
import { kubeYaml } from "../../core/manifest/kube-yaml.ts";
import { runCli } from "../helpers/cli.ts";
import { withoutNotice } from "./notice.ts";

/** Issue 14, items 5–7: CronJob opt-out, one namespace per check, and kubectl's label JSON. */

const dir = mkdtempSync(join(tmpdir(), "outrigger-cli-workloads-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const file = (name: string, text: string) => {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
};

const cronJob = (podMeta: string, jobMeta = "") => `apiVersion: batch/v1
kind: CronJob
metadata:
  name: nightly
  namespace: shop
spec:
  schedule: "0 3 * * *"
  jobTemplate:
${jobMeta}    spec:
      template:
${podMeta}        spec:
          restartPolicy: OnFailure
          containers:
            - name: job
              image: busybox
`;
const OPT_OUT_ANNOTATION = `        metadata:\n          annotations:\n            sidecar.istio.io/inject: "false"\n`;
const OPT_OUT_LABEL = `        metadata:\n          labels:\n            sidecar.istio.io/inject: "false"\n`;
const JOB_OPT_OUT = `    metadata:\n      annotations:\n        sidecar.istio.io/inject: "false"\n`;

type Verdict = { injected: boolean; namespace: string; decision: { inject: boolean; rule: string } };
const verdicts = (stdout: string) => JSON.parse(stdout) as Verdict[];

describe("a CronJob whose pod template opts out", () => {
  it.each([
    ["annotation", OPT_OUT_ANNOTATION],
    ["label", OPT_OUT_LABEL],
  ])("by %s: check says not injected, as the webhook leaves the Job's pods alone", (rule, meta) => {
    const path = file(`cron-${rule}.yaml`, cronJob(meta));
    const r = runCli(["check", "-f", path, "--namespace-labels", "istio-injection=enabled", "-o", "json"]);
    expect(r.status, r.stderr).toBe(0);
    const [v] = verdicts(r.stdout) as [Verdict];
    expect(v.decision).toMatchObject({ inject: false, rule });
    expect(v.injected).toBe(false);
  });

  it.each([
    ["annotation", OPT_OUT_ANNOTATION],
    ["label", OPT_OUT_LABEL],
  ])(
    "by %s: inject leaves it uninjected, printed as istioctl prints a workload, and says why",
    (rule, meta) => {
      const text = cronJob(meta);
      const r = runCli(["inject", "-f", file(`cron-inject-${rule}.yaml`, text)]);
      expect(r.status).toBe(0);
      const [doc] = parseAllDocuments(text).map((d) => d.toJS() as JsonObject) as [JsonObject];
      expect(r.stdout).toBe(`${kubeYaml(doc)}---\n`);
      expect(r.stdout).not.toContain("istio-proxy");
      expect(withoutNotice(r.stderr)).toBe(
        `Skipping injection because CronJob "shop/nightly" has sidecar injection disabled in its pod template (${rule} sidecar.istio.io/inject="false": do not inject)\n`,
      );
    },
  );

  it("a CronJob without an opt-out is still injected, the status on the Job template as istioctl writes it", () => {
    const r = runCli(["inject", "-f", file("cron-plain.yaml", cronJob(""))]);
    expect(r.status).toBe(0);
    const [doc] = parseAllDocuments(r.stdout).map((d) => d.toJS() as JsonObject) as [JsonObject];
    const jobTemplate = (doc.spec as JsonObject).jobTemplate as JsonObject;
    const annotations = (jobTemplate.metadata as JsonObject).annotations as Record<string, string>;
    expect(annotations["sidecar.istio.io/status"]).toBeDefined();
  });

  it("istioctl's own opt-out (jobTemplate.metadata) is still honoured by inject", () => {
    const r = runCli(["inject", "-f", file("cron-job-meta.yaml", cronJob("", JOB_OPT_OUT))]);
    expect(r.status).toBe(0);
    expect(r.stderr).toContain("has sidecar injection disabled");
  });
});

describe("check --namespace against a manifest's own namespace", () => {
  const path = file(
    "ns.yaml",
    "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\n  namespace: shop\nspec:\n  containers: [{name: a, image: a}]\n",
  );

  it("refuses a different namespace, as kubectl does, naming both", () => {
    const r = runCli(["check", "-f", path, "--namespace", "other"]);
    expect(r.status).toBe(1);
    expect(r.stdout).toBe("");
    expect(r.stderr).toContain('the manifest says namespace "shop" and --namespace says "other"');
  });

  it("accepts the same namespace, and fills it in where the manifest has none", () => {
    expect(
      verdicts(runCli(["check", "-f", path, "--namespace", "shop", "-o", "json"]).stdout)[0]?.namespace,
    ).toBe("shop");
    const bare = file(
      "bare.yaml",
      "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  containers: []\n",
    );
    expect(
      verdicts(runCli(["check", "-f", bare, "--namespace", "web", "-o", "json"]).stdout)[0]?.namespace,
    ).toBe("web");
  });
});

describe("check --namespace-labels", () => {
  const path = file(
    "app.yaml",
    "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\n  namespace: shop\nspec: {}\n",
  );
  const called = (labels: string) => {
    const r = runCli(["check", "-f", path, "--namespace-labels", labels, "-o", "json"]);
    expect(r.status, r.stderr).toBe(0);
    return verdicts(r.stdout)[0]?.injected;
  };

  it("takes what kubectl get namespace -o jsonpath='{.metadata.labels}' prints", () => {
    expect(called('{"istio-injection":"enabled","kubernetes.io/metadata.name":"shop"}')).toBe(true);
    expect(called('{"istio-injection":"disabled","kubernetes.io/metadata.name":"shop"}')).toBe(false);
  });

  it("and KEY=VALUE,...", () => {
    expect(called("istio-injection=enabled,team=a")).toBe(true);
    expect(called("team=a")).toBe(false);
  });

  it("refuses JSON that is not a map of strings, as a usage error", () => {
    const r = runCli(["check", "-f", path, "--namespace-labels", '{"a":1}']);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('--namespace-labels: the value of "a" is not a string');
  });

  it("check --help suggests exactly that command", () => {
    expect(runCli(["check", "--help"]).stdout).toContain(
      "kubectl get namespace shop -o jsonpath='{.metadata.labels}'",
    );
  });
});
