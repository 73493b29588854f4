import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parseAllDocuments } from "yaml";
import type { JsonObject } from "../../core/json.ts";
import { runCli } from "../helpers/cli.ts";
import { readShared } from "../helpers/fixtures.ts";
import { helmMerge } from "../helpers/istio-releases.ts";
import { editedDeploymentConfig, proxyOf } from "./canary-fixture.ts";

/**
 * The CLI over a config of two revisions (1.30.3 as 1-30, 1.31.0-rc.0 as 1-31), loaded as the function
 * loads it: `inject --revision` takes a revision or a tag, `check` says which revision and tag would
 * handle a pod, and the decision is that revision's (1-31's policy is `disabled` here, 1-30's is not).
 */

const dir = mkdtempSync(join(tmpdir(), "outrigger-revisions-cli-"));
const write = (name: string, text: string) => {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
};
const BESIDE = { tags: { default: "1-30", prod: "1-31" }, revisions: { "1-31": { nativeSidecars: true } } };
const disable31 = (rev: string, config: string) =>
  rev === "1-31" ? config.replace(/^policy: enabled$/m, "policy: disabled") : config;
const config = write(
  "config.yaml",
  editedDeploymentConfig(["1-30", "1-31"], BESIDE, (_r, c) => c),
);
const disabled = write("disabled.yaml", editedDeploymentConfig(["1-30", "1-31"], BESIDE, disable31));
const POD =
  "apiVersion: v1\nkind: Pod\nmetadata: {name: web, labels: {app: web}}\nspec: {containers: [{name: app, image: nginx}]}\n";
const pod = write("pod.yaml", POD);

/** A default install's injector values (the ConfigMap's `data.values`) for `release`. */
function releaseValues(release: string): JsonObject {
  const cm = parseAllDocuments(
    readShared(`fixtures/istio-releases/${release}/configmaps/istio-sidecar-injector.yaml`),
  )[0]?.toJSON() as { data: { values: string } };
  return JSON.parse(cm.data.values) as JsonObject;
}

function injected(args: string[]): { image: string; native: boolean } | undefined {
  const r = runCli(["inject", "-f", pod, "--config", config, ...args]);
  expect(r.status, r.stderr).toBe(0);
  return proxyOf(parseAllDocuments(r.stdout)[0]?.toJSON() as JsonObject);
}

describe("outrigger inject over several revisions", () => {
  it("--revision takes a revision, a tag (resolved), or none (the default tag's)", () => {
    expect(injected(["--revision", "1-31"])).toEqual({
      image: expect.stringMatching(/:1\.31\.0-rc\.0$/),
      native: true,
    });
    expect(injected(["--revision", "prod"])).toEqual(injected(["--revision", "1-31"]));
    expect(injected(["--revision", "1-30"])).toEqual({
      image: expect.stringMatching(/:1\.30\.3$/),
      native: false,
    });
    expect(injected([])).toEqual(injected(["--revision", "1-30"]));
  });

  it("an unknown revision exits 1 naming it and what the config holds", () => {
    const r = runCli(["inject", "-f", pod, "--config", config, "--revision", "1-29"]);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain(
      `${config}: no revision "1-29" in the ConfigMaps; they hold 1-30, 1-31 (tags default, prod)`,
    );
  });

  it("validates the tags and revisions beside the ConfigMaps", () => {
    const bad = write(
      "bad.yaml",
      editedDeploymentConfig(
        ["1-30", "1-31"],
        { tags: { default: "1-30", prod: "1-32" }, revisions: { "1-29": {} } },
        (_r, c) => c,
      ),
    );
    const r = runCli(["inject", "-f", pod, "--config", bad]);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('tags.prod: no revision "1-32" in the ConfigMaps; they hold 1-30, 1-31');
    expect(r.stderr).toContain('revisions.1-29: no revision "1-29"');
  });

  it("--valuesFile replaces the data of the revision --revision names, a tag resolved, or the default one", () => {
    // A whole values document, as istioctl's --valuesFile takes one: that release's own, another hub and tag.
    // (A document with only these two keys leaves the templates printing `<no value>` into typed fields,
    // which istioctl fails on and so does Outrigger: core/render/go/decode.ts.)
    const values = (release: string) =>
      write(
        `values-${release}.json`,
        JSON.stringify(
          helmMerge(releaseValues(release), { global: { hub: "example.org/mesh", tag: "9.9.9" } }),
        ),
      );
    expect(injected(["--revision", "prod", "--valuesFile", values("1.31.0-rc.0")])?.image).toBe(
      "example.org/mesh/proxyv2:9.9.9",
    );
    expect(injected(["--revision", "1-30", "--valuesFile", values("1.30.3")])?.image).toBe(
      "example.org/mesh/proxyv2:9.9.9",
    );
    expect(injected(["--valuesFile", values("1.30.3")])?.image).toBe("example.org/mesh/proxyv2:9.9.9");
  });

  it("a --valuesFile that leaves the templates printing `<no value>` into a typed field exits 1 naming it", () => {
    const partial = write(
      "values.json",
      JSON.stringify({ global: { hub: "example.org/mesh", tag: "9.9.9" } }),
    );
    const r = runCli(["inject", "-f", pod, "--config", config, "--valuesFile", partial]);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain("unmarshal patched pod: json: cannot unmarshal string into Go struct field");
  });
});

interface Verdict {
  revision?: string;
  tag?: string;
  handling: string;
  decision: { inject: boolean; rule: string };
  injected: boolean;
}

function check(labels: string, args: string[] = []): Verdict {
  const r = runCli([
    "check",
    "-f",
    pod,
    "--config",
    disabled,
    "--namespace-labels",
    labels,
    "-o",
    "json",
    ...args,
  ]);
  expect(r.status, r.stderr).toBe(0);
  return (JSON.parse(r.stdout) as Verdict[])[0] as Verdict;
}

describe("outrigger check over several revisions", () => {
  it("names the revision and tag whose registration selects the pod, and decides with that revision's config", () => {
    expect(check("istio.io/rev=1-30")).toMatchObject({
      revision: "1-30",
      injected: true,
      decision: { rule: "policy" },
    });
    expect(check("istio.io/rev=1-30").tag).toBeUndefined();
    expect(check("istio.io/rev=1-31")).toMatchObject({
      revision: "1-31",
      injected: false,
      decision: { inject: false, rule: "policy" },
    });
    expect(check("istio.io/rev=prod")).toMatchObject({ revision: "1-31", tag: "prod", injected: false });
    expect(check("istio.io/rev=prod").handling).toMatch(
      /^tag "prod" → revision "1-31": outrigger-revision-tag-prod\/rev\.namespace\./,
    );
    expect(check("istio-injection=enabled")).toMatchObject({
      revision: "1-30",
      tag: "default",
      injected: true,
    });
    expect(check("istio.io/rev=canary")).toMatchObject({ injected: false });
    expect(check("istio.io/rev=canary").revision).toBeUndefined();
  });

  it("explains ambient: alone, no sidecar; with a revision label, the sidecar takes precedence", () => {
    const ambient = check("istio.io/dataplane-mode=ambient");
    expect(ambient.revision).toBeUndefined();
    expect(ambient.handling).toContain("ambient mode");
    const both = check("istio.io/dataplane-mode=ambient,istio.io/rev=1-30");
    expect(both).toMatchObject({ revision: "1-30", injected: true });
    expect(both.handling).toContain("the sidecar takes precedence");
  });

  it("reads the revision of a registration from its URL, as rendered by webhook-config", () => {
    const rendered = runCli([
      "webhook-config",
      "--url",
      "https://fn.example.com/inject/t/tok",
      "--config",
      disabled,
    ]);
    expect(rendered.status, rendered.stderr).toBe(0);
    const mwc = write("mwc.yaml", rendered.stdout);
    for (const labels of ["istio.io/rev=1-31", "istio.io/rev=prod", "istio-injection=enabled"])
      expect(check(labels, ["--webhook-config", mwc])).toEqual(check(labels));
  });

  it("prints the revision in the table and the why under each pod", () => {
    const r = runCli(["check", "-f", pod, "--config", disabled, "--namespace-labels", "istio.io/rev=prod"]);
    expect(r.status).toBe(0);
    const [header, row] = r.stdout.split("\n");
    expect(header).toMatch(/\bREVISION\b/);
    expect(row).toMatch(
      /^Pod\/web\s+default\s+rev\.namespace\.sidecar-injector\.outrigger\s+1-31 \(tag prod\)\s+no\s/,
    );
    expect(r.stdout).toContain('  revision: tag "prod" → revision "1-31"');
  });
});
