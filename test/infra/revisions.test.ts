// biome-ignore-all lint/suspicious/noTemplateCurlyInString: the expected values are HCL expressions, written ${...}.
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { BESIDE_CONFIGMAP_KEYS } from "../../core/config/load.ts";
import type { JsonObject } from "../../core/json.ts";
import { matchWebhooks } from "../../core/registration/match.ts";
import { deploymentRegistrations, revisionUrl } from "../../core/registration/revisions.ts";
import { loadModule, TERRAFORM, type TfModule, unwrap } from "./hcl.ts";
import { entriesOf, moduleEquivalent, withApiDefaults } from "./webhook-entries.ts";

/**
 * Issue 15, Deploy: the config module takes revisions → ConfigMap files and tags → revisions, and the
 * webhook module renders one registration per revision and per tag from the generated webhooks.json,
 * each at its revision's URL, so that Terraform and `outrigger webhook-config --config` cannot
 * disagree. The HCL is mirrored by moduleEquivalent (checked against the HCL text in
 * terraform.test.ts); its URL rewrite runs the module's own regular expressions.
 */

let webhook: TfModule;
let config: TfModule;
const generated = JSON.parse(
  readFileSync(resolve(TERRAFORM, "modules/webhook/webhooks.json"), "utf8"),
) as JsonObject;

beforeAll(async () => {
  webhook = await loadModule(resolve(TERRAFORM, "modules/webhook"));
  config = await loadModule(resolve(TERRAFORM, "modules/config"));
});

const patterns = () => ({
  routePattern: webhook.locals.route_pattern as string,
  envForm: webhook.locals.env_form as string,
});

const URLS = [
  "https://fn.example.com/inject/t/0123456789abcdef/cluster/c1",
  "https://fn.example.com/inject/t/0123456789abcdef",
  "https://fn.example.com/inject/t/0123456789abcdef/",
  "https://fn.example.com/inject",
  "https://fn.example.com/inject/cluster/c1/net/n1",
  "https://abc.execute-api.eu-west-1.amazonaws.com/prod/inject/t/tok/cluster/eks-1",
  "https://fn.example.com/inject/t/tok/:ENV:cluster=c1:ENV:net=n1",
];

const LAYOUTS: { what: string; revisions: string[]; tags: Record<string, string> }[] = [
  { what: "one revision, the default tag", revisions: ["1-30"], tags: { default: "1-30" } },
  { what: "a canary", revisions: ["1-30", "1-31"], tags: { default: "1-30", prod: "1-31" } },
  { what: "the tag moved", revisions: ["1-30", "1-31"], tags: { default: "1-31", prod: "1-31" } },
  { what: "a revision named default", revisions: ["1-31", "default"], tags: { canary: "1-31" } },
];

describe("the webhook module with revisions and tags renders what webhook-config --config renders", () => {
  it.each(URLS)("a revision's URL from %s is the CLI's revisionUrl()", (url) => {
    for (const revision of ["1-31", "canary"]) {
      const cli = revisionUrl(url, revision);
      expect(cli.ok).toBe(true);
      const mod = moduleEquivalent(
        generated,
        {
          url,
          revisions: [revision],
          failurePolicy: "Fail",
          timeoutSeconds: 10,
          reinvocationPolicy: "Never",
        },
        patterns(),
      );
      const hook = entriesOf(mod[`revision/${revision}`] as JsonObject)[0] as JsonObject;
      expect((hook.clientConfig as JsonObject).url, url).toBe(cli.ok ? cli.value : "");
    }
  });

  it.each(LAYOUTS.flatMap((l) => [false, true].map((auto) => ({ ...l, auto }))))(
    "$what (namespaces by default: $auto): the same configurations, names, entries and URLs",
    ({ revisions, tags, auto }) => {
      const url = URLS[0] as string;
      const cli = deploymentRegistrations({
        url,
        layout: { default: tags.default ?? "default", tags, revisions },
        namespacesByDefault: auto,
      });
      if (!cli.ok) throw new Error(cli.error);
      const mod = moduleEquivalent(
        generated,
        {
          url,
          revisions,
          tags,
          namespacesByDefault: auto,
          failurePolicy: webhook.variables.failure_policy.default,
          timeoutSeconds: webhook.variables.timeout_seconds.default,
          reinvocationPolicy: webhook.variables.reinvocation_policy.default,
        },
        patterns(),
      );
      const byName = (configs: JsonObject[]) =>
        Object.fromEntries(
          configs.map((c) => [(c.metadata as JsonObject).name, entriesOf(c).map(withApiDefaults)]),
        );
      expect(Object.keys(mod)).toHaveLength(revisions.length + Object.keys(tags).length);
      expect(byName(Object.values(mod))).toEqual(byName(cli.value.map((r) => r.config)));
    },
  );

  it("the selectors send each labelled namespace to one configuration only, at its revision's URL", () => {
    const mod = moduleEquivalent(
      generated,
      {
        url: URLS[0] as string,
        revisions: ["1-30", "1-31"],
        tags: { default: "1-30", prod: "1-31" },
        failurePolicy: "Fail",
        timeoutSeconds: 10,
        reinvocationPolicy: "Never",
      },
      patterns(),
    );
    for (const [labels, revision] of [
      [{ "istio.io/rev": "1-30" }, "1-30"],
      [{ "istio.io/rev": "prod" }, "1-31"],
      [{ "istio-injection": "enabled" }, "1-30"],
    ] as const) {
      const urls = Object.values(mod).flatMap((c) =>
        matchWebhooks(c, { ...labels, "kubernetes.io/metadata.name": "shop" }, {})
          .map((m, i) =>
            m.called ? ((entriesOf(c)[i] as JsonObject).clientConfig as JsonObject).url : undefined,
          )
          .filter((u) => u !== undefined),
      );
      expect(urls).toEqual([`https://fn.example.com/inject/t/0123456789abcdef/rev/${revision}/cluster/c1`]);
    }
  });

  it("guards the layout: tags point at revisions, the base URL names none, name and revision are unset", () => {
    const conditions = (
      webhook.resources.kubernetes_mutating_webhook_configuration_v1!.this.lifecycle[0].precondition as {
        condition: string;
      }[]
    ).map((p) => p.condition);
    expect(conditions).toContain(
      "${alltrue([for t, r in var.tags : contains(var.revisions, r) && !contains(var.revisions, t)])}",
    );
    expect(conditions).toContain(
      '${!local.use_layout || (!can(regex("/rev/", var.url)) && !strcontains(var.url, ":ENV:rev="))}',
    );
    expect(conditions).toContain("${!local.use_layout || (var.name == null && !local.is_revision)}");
    expect(unwrap(webhook.locals.use_layout)).toBe("length(var.revisions) > 0");
  });
});

describe("the config module with revisions and tags", () => {
  it("takes the keys beside the ConfigMaps that the loader takes", () => {
    expect(config.locals.beside_keys).toEqual([...BESIDE_CONFIGMAP_KEYS]);
  });

  it("joins configmap_files then each revision's files, in revision order, and writes tags beside them", () => {
    expect(unwrap(config.locals.revision_names)).toBe("sort(keys(var.revisions))");
    expect(unwrap(config.locals.configmap_paths)).toBe(
      "concat(var.configmap_files, flatten([for r in local.revision_names : var.revisions[r]]))",
    );
    expect(unwrap(config.locals.use_configmaps)).toBe("length(local.configmap_paths) > 0");
    expect(config.locals.configmaps).toContain("for path in local.configmap_paths : trimspace(file(path))");
    expect(unwrap(config.locals.beside_document)).toBe(
      "merge(local.from_hcl, length(var.tags) == 0 ? {} : { tags = var.tags })",
    );
    expect(unwrap(config.locals.tags)).toBe("merge(try(local.from_hcl.tags, {}), var.tags)");
  });

  it("gives the webhook module its revisions and tags", () => {
    expect(unwrap(config.outputs.revision_names.value)).toBe("local.revision_names");
    expect(unwrap(config.outputs.tags.value)).toBe("local.tags");
    expect(config.variables.revisions.type).toBe("${map(list(string))}");
    expect(webhook.variables.revisions.type).toBe("${list(string)}");
    expect(webhook.variables.tags.type).toBe("${map(string)}");
  });
});
