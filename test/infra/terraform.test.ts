// biome-ignore-all lint/suspicious/noTemplateCurlyInString: the expected values are HCL expressions, written ${...}.
import { existsSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { parse } from "@cdktf/hcl2json";
import { beforeAll, describe, expect, it } from "vitest";
import { CONFIG_KEYS } from "../../core/config/load.ts";
import type { JsonObject } from "../../core/json.ts";
import { istioSelections, OUTRIGGER_ENTRY_SUFFIX } from "../../core/registration/istiod.ts";
import { REPO } from "../helpers/fixtures.ts";
import {
  block,
  type Hcl,
  isModuleDir,
  loadAll,
  MODULE_META,
  moduleDirs,
  moduleSourceDir,
  references,
  TERRAFORM,
  type TfModule,
  tableNames,
  unwrap,
} from "./hcl.ts";
import {
  entriesOf,
  FROM_FILE,
  FROM_VARIABLES,
  generateWebhooksJson,
  moduleEquivalent,
  render,
  withApiDefaults,
} from "./webhook-entries.ts";

/**
 * Issue 7: the Terraform under infra/terraform. No Terraform binary runs here (none can be installed,
 * and init/validate need the providers from the registry), so this checks what can be read: every
 * file parses with hashicorp/hcl, the modules are documented and wired consistently, and their
 * settings agree with the code they deploy.
 */

let all: TfModule[];
const squash = (text: string): string => text.replace(/\s+/g, " ").trim();
/** The webhook module's own regular expressions for a revision's URL. */
const patternsOf = (m: TfModule) => ({
  routePattern: m.locals.route_pattern as string,
  envForm: m.locals.env_form as string,
});
const byRel = (rel: string): TfModule => {
  const m = all.find((x) => x.rel === rel);
  if (!m) throw new Error(`no module ${rel}`);
  return m;
};

beforeAll(async () => {
  all = await loadAll();
});

const EXPECTED_DIRS = [
  "examples/eks",
  "examples/gke",
  "modules/aws",
  "modules/config",
  "modules/config/gcs",
  "modules/config/s3",
  "modules/gcp",
  "modules/webhook",
];

describe("every .tf file", () => {
  it("parses (and the parser does reject broken HCL)", async () => {
    expect(all.map((m) => m.rel).sort()).toEqual(EXPECTED_DIRS);
    expect(all.flatMap((m) => m.files).length).toBeGreaterThanOrEqual(30);
    await expect(parse("broken.tf", 'variable "x" {\n  default = \n}\n')).rejects.toThrow(
      /Invalid expression/,
    );
  });

  it("has no hard tabs or trailing whitespace (terraform fmt would rewrite them)", () => {
    for (const m of all)
      for (const f of m.files)
        f.text.split("\n").forEach((line, i) => {
          expect(line, `${f.name}:${i + 1}`).not.toMatch(/\t|[ ]+$/);
        });
  });
});

describe.each(EXPECTED_DIRS)("%s", (rel) => {
  it("documents every variable and output, in its README too", () => {
    const m = byRel(rel);
    const readmePath = join(m.dir, "README.md");
    expect(existsSync(readmePath), `${rel}/README.md`).toBe(true);
    const documented = tableNames(readFileSync(readmePath, "utf8"));
    for (const [name, v] of Object.entries(m.variables)) {
      expect(
        typeof v.description === "string" && v.description.length > 10,
        `variable ${name}: description`,
      ).toBe(true);
      expect(v.type, `variable ${name}: type`).toBeDefined();
      expect(documented.has(name), `variable ${name} in ${rel}/README.md`).toBe(true);
    }
    for (const [name, o] of Object.entries(m.outputs)) {
      expect(
        typeof o.description === "string" && o.description.length > 10,
        `output ${name}: description`,
      ).toBe(true);
      expect(documented.has(name), `output ${name} in ${rel}/README.md`).toBe(true);
    }
  });

  it("declares every variable, local, resource and data source it references, and uses every one it declares", () => {
    const m = byRel(rel);
    const refs = references(m);
    const declaredVars = Object.keys(m.variables);
    expect(
      [...refs.vars].filter((v) => !declaredVars.includes(v)),
      "undeclared variables",
    ).toEqual([]);
    expect(
      declaredVars.filter((v) => !refs.vars.has(v)),
      "unused variables",
    ).toEqual([]);
    const declaredLocals = Object.keys(m.locals);
    expect(
      [...refs.locals].filter((l) => !declaredLocals.includes(l)),
      "undeclared locals",
    ).toEqual([]);
    expect(
      declaredLocals.filter((l) => !refs.locals.has(l)),
      "unused locals",
    ).toEqual([]);
    const resources = Object.entries(m.resources).flatMap(([t, names]) =>
      Object.keys(names).map((n) => `${t}.${n}`),
    );
    expect(
      [...refs.resources].filter((r) => !resources.includes(r)),
      "undeclared resources",
    ).toEqual([]);
    const data = Object.entries(m.data).flatMap(([t, names]) => Object.keys(names).map((n) => `${t}.${n}`));
    expect(
      [...refs.data].filter((d) => !data.includes(d)),
      "undeclared data sources",
    ).toEqual([]);
    expect(
      data.filter((d) => !refs.data.has(d)),
      "unused data sources",
    ).toEqual([]);
  });

  it("calls modules that exist, with their variables, and reads outputs they have", async () => {
    const m = byRel(rel);
    for (const [name, call] of Object.entries(m.modules)) {
      const dir = moduleSourceDir(m, call.source);
      expect(dir, `module ${name}: a local source`).toBeDefined();
      expect(isModuleDir(dir as string), `module ${name}: ${call.source} resolves`).toBe(true);
      const target = all.find((x) => x.dir === resolve(dir as string));
      expect(target, `module ${name}: ${call.source} is one of ours`).toBeDefined();
      const t = target as TfModule;
      const args = Object.keys(call).filter((k) => !MODULE_META.has(k));
      expect(
        args.filter((a) => !(a in t.variables)),
        `module ${name}: arguments that are not variables of ${t.rel}`,
      ).toEqual([]);
      const required = Object.entries(t.variables)
        .filter(([, v]) => !("default" in v))
        .map(([k]) => k);
      expect(
        required.filter((r) => !args.includes(r)),
        `module ${name}: required variables of ${t.rel} not passed`,
      ).toEqual([]);
    }
    for (const [name, output] of references(m).moduleOutputs) {
      const call = m.modules[name];
      expect(call, `module.${name} is declared`).toBeDefined();
      const t = all.find((x) => x.dir === moduleSourceDir(m, call.source));
      expect(t && output in t.outputs, `module.${name}.${output} is an output of ${t?.rel}`).toBe(true);
    }
  });

  it("requires, with a version constraint, every provider its resources use", () => {
    const m = byRel(rel);
    const types = [...Object.keys(m.resources), ...Object.keys(m.data)];
    const used = new Set(types.map((t) => t.split("_")[0]!).filter((p) => p !== "terraform"));
    for (const p of m.providerBlocks) used.add(p);
    for (const p of used) {
      expect(m.requiredProviders[p], `${rel}: required_providers.${p}`).toBeDefined();
      expect(m.requiredProviders[p]?.source).toBe(`hashicorp/${p}`);
      expect(m.requiredProviders[p]?.version, `${rel}: ${p} version`).toMatch(/^>= [\d.]+, < \d/);
    }
    for (const p of Object.keys(m.requiredProviders))
      expect(used.has(p), `${rel}: provider ${p} is required but unused`).toBe(true);
    const tf = m.files.flatMap((f) => f.json.terraform ?? []);
    expect(tf.some((t: Hcl) => typeof t.required_version === "string")).toBe(true);
  });
});

describe("the function modules deploy what the code expects", () => {
  /** Environment variable names the handlers read. */
  const codeEnv = new Set<string>();
  const walk = (dir: string) => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      const p = join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.name.endsWith(".ts"))
        for (const m of readFileSync(p, "utf8").matchAll(/["'`](OUTRIGGER_[A-Z0-9_]+)["'`]/g))
          codeEnv.add(m[1]!);
    }
  };
  walk(resolve(REPO, "functions"));

  const envNames = (m: TfModule) =>
    new Set(m.files.flatMap((f) => [...f.text.matchAll(/OUTRIGGER_[A-Z0-9_]+/g)].map((x) => x[0])));

  it("sets only OUTRIGGER_ variables the handlers read, and the ones a deployment needs", () => {
    expect(codeEnv.size).toBeGreaterThan(4);
    for (const rel of ["modules/gcp", "modules/aws"]) {
      const m = byRel(rel);
      expect(
        [...envNames(m)].filter((n) => !codeEnv.has(n)),
        `${rel}: names the code does not read`,
      ).toEqual([]);
      const env = m.locals.outrigger_environment;
      expect(env.NODE_ENV).toBe("production");
      expect(env.OUTRIGGER_REQUIRE_TOKEN).toBe("true");
      expect(unwrap(env.OUTRIGGER_CONFIG_TTL)).toBe("tostring(var.config_ttl_seconds)");
      expect(unwrap(env.OUTRIGGER_FAILURE_MODE)).toBe("var.failure_mode");
      expect(unwrap(env.OUTRIGGER_CONFIG_URL)).toBe("local.config_url");
    }
  });

  it("gcp: a gen2 function on nodejs22 with entry point inject, reading gs:// config and the token from Secret Manager", () => {
    const m = byRel("modules/gcp");
    expect(m.variables.runtime.default).toBe("nodejs22");
    expect(m.variables.runtime.validation[0].condition).toContain('"nodejs24"');
    expect(m.variables.runtime.validation[0].condition).not.toContain("nodejs20");
    const fn = m.resources.google_cloudfunctions2_function?.this;
    expect(block(fn, "build_config").entry_point).toBe("inject");
    expect(unwrap(block(fn, "build_config").runtime)).toBe("var.runtime");
    const svc = block(fn, "service_config");
    expect(svc.ingress_settings).toBe("ALLOW_ALL");
    expect(unwrap(svc.min_instance_count)).toBe("var.min_instances");
    expect(unwrap(svc.environment_variables)).toBe(
      "merge(var.environment_variables, local.outrigger_environment)",
    );
    expect(block(svc, "secret_environment_variables").key).toBe("OUTRIGGER_TOKENS");
    expect(m.locals.config_url).toBe("gs://${google_storage_bucket.config.name}/${var.config_object}");
    expect(m.locals.source_dir).toContain("dist/gcp");
    expect(resolve(m.dir, "../../../../dist/gcp")).toBe(resolve(REPO, "dist/gcp"));
    expect(m.locals.run_service_flags).toContain("--cpu-boost");
  });

  it("gcp: public invocation is roles/run.invoker on the Cloud Run service, not on the function", () => {
    const m = byRel("modules/gcp");
    const invoker = m.resources.google_cloud_run_v2_service_iam_member?.public;
    expect(invoker.role).toBe("roles/run.invoker");
    expect(invoker.member).toBe("allUsers");
    expect(unwrap(invoker.name)).toBe("google_cloudfunctions2_function.this.name");
    expect(
      Object.keys(m.resources).filter((t) => t.startsWith("google_cloudfunctions2_function_iam")),
    ).toEqual([]);
  });

  it("gcp: the service account reads the one config object (IAM condition) and the token secret", () => {
    const m = byRel("modules/gcp");
    const reader = m.resources.google_storage_bucket_iam_member?.config_reader;
    expect(reader.role).toBe("roles/storage.objectViewer");
    expect(unwrap(reader.member)).toBe("google_service_account.function.member");
    expect(block(reader, "condition").expression).toBe(
      'resource.name == "projects/_/buckets/${google_storage_bucket.config.name}/objects/${var.config_object}"',
    );
    const secret = m.resources.google_secret_manager_secret_iam_member?.function;
    expect(secret.role).toBe("roles/secretmanager.secretAccessor");
    expect(block(m.resources.google_storage_bucket?.config, "versioning").enabled).toBe(true);
    const bindings = Object.keys(m.resources).filter((t) => /iam_(member|binding|policy)$/.test(t));
    expect(bindings.sort()).toEqual([
      "google_cloud_run_v2_service_iam_member",
      "google_secret_manager_secret_iam_member",
      "google_storage_bucket_iam_member",
    ]);
  });

  it("aws: an async handler (index.handler) on nodejs22.x, arm64, published behind an alias", () => {
    const m = byRel("modules/aws");
    expect(m.variables.runtime.default).toBe("nodejs22.x");
    expect(m.variables.runtime.validation[0].condition).toContain('"nodejs24.x"');
    expect(m.variables.architecture.default).toBe("arm64");
    const fn = m.resources.aws_lambda_function?.this;
    expect(fn.handler).toBe("index.handler");
    expect(unwrap(fn.runtime)).toBe("var.runtime");
    expect(fn.architectures).toEqual(["${var.architecture}"]);
    expect(fn.publish).toBe(true);
    expect(unwrap(block(fn, "environment").variables)).toBe(
      "merge(var.environment_variables, local.outrigger_environment, local.token_environment)",
    );
    expect(m.locals.source_dir).toContain("dist/aws");
    // The handler the bundle exports is async (Node 24 runtimes have no callback handlers).
    expect(readFileSync(resolve(REPO, "functions/aws/index.ts"), "utf8")).toMatch(
      /export async function handler\(/,
    );
    expect(m.locals.config_url).toBe("s3://${aws_s3_bucket.config.bucket}/${var.config_object}");
    expect(m.locals.token_environment).toContain('"awssm://${local.token_secret_arn}"');
  });

  it("aws: HTTP API payload 2.0 with POST /inject/{proxy+} and GET /healthz, a REST API, or a public function URL", () => {
    const m = byRel("modules/aws");
    expect(m.locals.routes).toEqual(["POST /inject", "POST /inject/{proxy+}", "GET /healthz"]);
    const integ = m.resources.aws_apigatewayv2_integration?.lambda;
    expect(integ.integration_type).toBe("AWS_PROXY");
    expect(integ.payload_format_version).toBe("2.0");
    expect(unwrap(integ.timeout_milliseconds)).toBe("min(30000, (var.timeout_seconds + 1) * 1000)");
    expect(m.resources.aws_apigatewayv2_stage?.default.name).toBe("$default");
    expect(m.variables.endpoint_type.default).toBe("http_api");
    expect(m.variables.endpoint_type.validation[0].condition).toContain('"rest_api"');
    // The REST API: the same three routes, each an AWS_PROXY integration of the live alias.
    const routes = m.locals.rest_routes as Record<string, { method: string; resource_id: string }>;
    expect(
      Object.fromEntries(Object.entries(routes).map(([k, r]) => [k, [r.method, unwrap(r.resource_id)]])),
    ).toEqual({
      inject: ["POST", "one(aws_api_gateway_resource.inject[*].id)"],
      proxy: ["POST", "one(aws_api_gateway_resource.inject_proxy[*].id)"],
      healthz: ["GET", "one(aws_api_gateway_resource.healthz[*].id)"],
    });
    expect(m.resources.aws_api_gateway_resource?.inject.path_part).toBe("inject");
    expect(m.resources.aws_api_gateway_resource?.inject_proxy.path_part).toBe("{proxy+}");
    expect(m.resources.aws_api_gateway_resource?.healthz.path_part).toBe("healthz");
    const rest = m.resources.aws_api_gateway_integration?.this;
    expect(rest.type).toBe("AWS_PROXY");
    expect(unwrap(rest.uri)).toBe("aws_lambda_alias.live.invoke_arn");
    expect(m.resources.aws_lambda_permission?.rest_api.source_arn).toBe(
      "${aws_api_gateway_rest_api.this[0].execution_arn}/*/*",
    );
  });

  it("aws: the role reads the one config key and the token secret, and writes its logs", () => {
    const m = byRel("modules/aws");
    const statements: Hcl[] = m.data.aws_iam_policy_document?.function.statement;
    const dynamicStatements: Hcl[] = m.data.aws_iam_policy_document?.function.dynamic.statement.map(
      (d: Hcl) => d.content[0],
    );
    const actions = [...statements, ...dynamicStatements].flatMap((s) => s.actions).sort();
    expect(actions).toEqual([
      "kms:Decrypt",
      "logs:CreateLogStream",
      "logs:PutLogEvents",
      "s3:GetObject",
      "secretsmanager:GetSecretValue",
    ]);
    const read = statements.find((s) => s.actions.includes("s3:GetObject"));
    expect(read.resources).toEqual(["${aws_s3_bucket.config.arn}/${var.config_object}"]);
    expect(block(m.resources.aws_s3_bucket_versioning?.config, "versioning_configuration").status).toBe(
      "Enabled",
    );
    expect(unwrap(m.resources.aws_cloudwatch_log_group?.function.retention_in_days)).toBe(
      "var.log_retention_days",
    );
    expect(unwrap(m.resources.aws_lambda_provisioned_concurrency_config?.live.count)).toBe(
      "var.provisioned_concurrency > 0 ? 1 : 0",
    );
  });

  it("both: the webhook URL is https://<endpoint>/inject/t/<token> plus Istio's path envs", () => {
    for (const rel of ["modules/gcp", "modules/aws"]) {
      const m = byRel(rel);
      expect(m.locals.base_url, rel).toMatch(
        /^\$\{local\.(function_uri|endpoint)\}\/inject\/t\/\$\{local\.url_token\}$/,
      );
      expect(m.outputs.webhook_url.value).toBe("${local.base_url}${local.path_suffix}");
      expect(m.outputs.webhook_url.sensitive).toBe(true);
      expect(m.locals.path_suffix).toContain('replace(p[1], "/", "--slash--")');
      expect(m.locals.path_env_pairs).toContain("cluster = var.cluster_id, net = var.network");
      expect(m.variables.path_envs.validation[0].condition).toContain('k != "t"');
      for (const out of ["config_bucket", "config_object", "config_url"])
        expect(m.outputs[out], `${rel}: ${out}`).toBeDefined();
    }
  });
});

describe("the config module", () => {
  it("accepts the top-level keys Outrigger's loader accepts", () => {
    expect(byRel("modules/config").locals.config_keys).toEqual([...CONFIG_KEYS]);
  });

  it("composes values and meshConfig from the exported Istio files", () => {
    const m = byRel("modules/config");
    expect(m.locals.from_istio_files).toContain("values = var.values_file, meshConfig = var.mesh_file");
    expect(unwrap(m.locals.document)).toBe("merge(local.from_file, local.from_hcl, local.from_istio_files)");
    expect(block(m.outputs.content, "precondition").condition).toBe("${length(local.unknown_keys) == 0}");
  });

  it("gcs and s3 take every composing variable and upload the content to the given bucket and object", () => {
    const root = byRel("modules/config");
    for (const [rel, type, nameAttr] of [
      ["modules/config/gcs", "google_storage_bucket_object", "name"],
      ["modules/config/s3", "aws_s3_object", "key"],
    ] as const) {
      const m = byRel(rel);
      expect(Object.keys(m.variables).sort()).toEqual(
        [...Object.keys(root.variables), "bucket", "object"].sort(),
      );
      const call = m.modules.document;
      for (const v of Object.keys(root.variables)) expect(unwrap(call[v]), `${rel}: ${v}`).toBe(`var.${v}`);
      const obj = m.resources[type]?.config;
      expect(unwrap(obj.bucket)).toBe("var.bucket");
      expect(unwrap(obj[nameAttr])).toBe("var.object");
      expect(unwrap(obj.content)).toBe("module.document.content");
    }
  });
});

describe("the webhook module renders what `outrigger webhook-config` renders", () => {
  const file = resolve(TERRAFORM, "modules/webhook/webhooks.json");

  it("webhooks.json is current with core/registration/webhook.ts", () => {
    const fresh = generateWebhooksJson();
    if (process.env.INFRA_UPDATE) writeFileSync(file, `${JSON.stringify(fresh, null, 2)}\n`);
    const committed = JSON.parse(readFileSync(file, "utf8"));
    expect(committed, "regenerate with INFRA_UPDATE=1 npx vitest run test/infra").toEqual(fresh);
  });

  it("maps every field the function renders: from the file or from a variable", () => {
    const m = byRel("modules/webhook");
    const resource = m.resources.kubernetes_mutating_webhook_configuration_v1?.this;
    expect(unwrap(resource.for_each)).toBe("local.variants");
    const hook = block(resource, "dynamic", "webhook");
    const content = hook.content[0];
    expect(unwrap(hook.for_each)).toBe("each.value.webhooks");
    const fields = new Set<string>();
    for (const opts of [{}, { revision: "canary", namespacesByDefault: true }, { tag: "default" }])
      for (const w of entriesOf(render(opts))) for (const k of Object.keys(w)) fields.add(k);
    const handled = new Set<string>([...FROM_FILE, ...FROM_VARIABLES]);
    expect(
      [...fields].filter((f) => !handled.has(f)),
      "fields the module drops",
    ).toEqual([]);

    expect(unwrap(content.name)).toBe("webhook.value.name");
    expect(unwrap(content.admission_review_versions)).toBe("webhook.value.admissionReviewVersions");
    expect(unwrap(content.side_effects)).toBe("webhook.value.sideEffects");
    expect(unwrap(content.match_policy)).toBe("try(webhook.value.matchPolicy, null)");
    expect(unwrap(content.failure_policy)).toBe("var.failure_policy");
    expect(unwrap(content.timeout_seconds)).toBe("var.timeout_seconds");
    expect(unwrap(content.reinvocation_policy)).toBe("var.reinvocation_policy");
    expect(unwrap(block(content, "client_config").url)).toBe("local.revision_url[each.key]");
    expect(unwrap(block(content, "client_config").ca_bundle)).toBe("var.ca_bundle");
    const rule = block(content, "dynamic", "rule");
    expect(unwrap(rule.for_each)).toBe("webhook.value.rules");
    expect(Object.fromEntries(Object.entries(rule.content[0]).map(([k, v]) => [k, unwrap(v)]))).toEqual({
      api_groups: "rule.value.apiGroups",
      api_versions: "rule.value.apiVersions",
      operations: "rule.value.operations",
      resources: "rule.value.resources",
      scope: 'try(rule.value.scope, "*")',
    });
    for (const [tf, api] of [
      ["namespace_selector", "namespaceSelector"],
      ["object_selector", "objectSelector"],
    ] as const) {
      const sel = block(content, "dynamic", tf);
      expect(unwrap(sel.for_each)).toBe(`try([webhook.value.${api}], [])`);
      const body = sel.content[0];
      expect(unwrap(body.match_labels)).toBe(`try(${tf}.value.matchLabels, null)`);
      const exprs = block(body, "dynamic", "match_expressions");
      expect(unwrap(exprs.for_each)).toBe(`try(${tf}.value.matchExpressions, [])`);
      expect(Object.fromEntries(Object.entries(exprs.content[0]).map(([k, v]) => [k, unwrap(v)]))).toEqual({
        key: "match_expressions.value.key",
        operator: "match_expressions.value.operator",
        values: "try(match_expressions.value.values, null)",
      });
    }
  });

  it("picks the variant and puts the revision in as the HCL says", () => {
    const m = byRel("modules/webhook");
    expect(unwrap(m.locals.is_revision)).toBe('var.revision != null && var.revision != ""');
    // hcl2json writes the conditionals of a template as %{if} directives.
    expect(m.locals.variant_key).toBe(
      "%{if local.is_revision}revision%{else}default%{endif}%{if var.namespaces_by_default}+auto%{endif}",
    );
    expect(unwrap(m.locals.placeholder)).toBe("local.generated.revisionPlaceholder");
    expect(unwrap(m.locals.auto)).toBe('var.namespaces_by_default ? "+auto" : ""');
    expect(m.locals.single).toEqual({
      single: { variant: "${local.variant_key}", key: '${local.is_revision ? var.revision : ""}', url: null },
    });
    // The layout: revision/<r> and tag/<t>, each with its variant, its placeholder value and its URL's revision.
    const layout = squash(m.locals.layout);
    for (const part of [
      'for r in var.revisions : "revision/${r}" => {',
      'variant = "${r == "default" ? "default" : "revision"}${local.auto}" key = r url = r',
      'for t, r in var.tags : "tag/${t}" => {',
      'variant = "${t == "default" ? "tag-default" : "tag"}${local.auto}" key = t url = r',
    ])
      expect(layout).toContain(part);
    expect(unwrap(m.locals.chosen)).toBe(
      "jsondecode(local.use_layout ? jsonencode(local.layout) : jsonencode(local.single))",
    );
    expect(squash(m.locals.variants)).toBe(
      "${{ for k, c in local.chosen : k => jsondecode(replace( jsonencode(local.generated.variants[c.variant]), local.placeholder, c.key, )) }}",
    );
    expect(squash(m.locals.revision_url)).toBe(
      '${{ for k, c in local.chosen : k => c.url == null ? var.url : ( can(regex(local.env_form, var.url)) ? "${var.url}:ENV:rev=${c.url}" : replace(var.url, "/${local.route_pattern}/", "$1/rev/${c.url}$2") ) }}',
    );
    const meta = block(m.resources.kubernetes_mutating_webhook_configuration_v1?.this, "metadata");
    expect(unwrap(meta.name)).toBe("var.name != null ? var.name : each.value.metadata.name");
    expect(m.locals.aks_annotations).toContain('"admissions.enforcer/disabled" = "true"');
    expect(unwrap(meta.annotations)).toBe(
      "merge(try(each.value.metadata.annotations, {}), var.annotations, local.aks_annotations)",
    );
  });

  it.each([
    { revision: null, namespacesByDefault: false },
    { revision: null, namespacesByDefault: true },
    { revision: "canary", namespacesByDefault: false },
    { revision: "1-29-0", namespacesByDefault: true },
  ])(
    "for revision $revision, namespacesByDefault $namespacesByDefault: the same configuration as the CLI",
    (input) => {
      const m = byRel("modules/webhook");
      const generated = JSON.parse(readFileSync(file, "utf8")) as JsonObject;
      const inputs = {
        url: "https://example.invalid/inject/t/0123456789abcdef0123/cluster/c1",
        revision: input.revision,
        namespacesByDefault: input.namespacesByDefault,
        failurePolicy: m.variables.failure_policy.default,
        timeoutSeconds: m.variables.timeout_seconds.default,
        reinvocationPolicy: m.variables.reinvocation_policy.default,
      };
      const cli = render({
        url: inputs.url,
        ...(input.revision ? { revision: input.revision } : {}),
        namespacesByDefault: input.namespacesByDefault,
      });
      const mod = moduleEquivalent(generated, inputs, patternsOf(m)).single as JsonObject;
      expect((mod.metadata as JsonObject).name).toEqual((cli.metadata as JsonObject).name);
      expect(entriesOf(mod).map(withApiDefaults)).toEqual(entriesOf(cli).map(withApiDefaults));
      // With the module's other defaults given to the CLI explicitly, still the same.
      const explicit = render({
        url: inputs.url,
        ...(input.revision ? { revision: input.revision } : {}),
        namespacesByDefault: input.namespacesByDefault,
        failurePolicy: "Ignore",
        timeoutSeconds: 5,
        reinvocationPolicy: "IfNeeded",
      } as Parameters<typeof render>[0]);
      const modExplicit = moduleEquivalent(
        generated,
        { ...inputs, failurePolicy: "Ignore", timeoutSeconds: 5, reinvocationPolicy: "IfNeeded" },
        patternsOf(m),
      ).single as JsonObject;
      expect(entriesOf(modExplicit).map(withApiDefaults)).toEqual(entriesOf(explicit).map(withApiDefaults));
    },
  );

  it("excludes the system namespaces, and is nothing istiod or istioctl select (no istio.io label, Outrigger's entry names)", () => {
    const generated = JSON.parse(readFileSync(file, "utf8")) as JsonObject;
    for (const [key, variant] of Object.entries(generated.variants as Record<string, JsonObject>)) {
      const mwc = { kind: "MutatingWebhookConfiguration", ...variant } as JsonObject;
      expect(
        istioSelections(mwc).map((x) => x.who),
        key,
      ).toEqual([]);
      const names = entriesOf(mwc).map((w) => String(w.name));
      expect(
        names.every((n) => n.endsWith(OUTRIGGER_ENTRY_SUFFIX)),
        key,
      ).toBe(true);
    }
    expect(JSON.stringify(render({ namespacesByDefault: true }))).toContain("kube-system");
  });

  it("the README states the admissionReviewVersions the entries carry", () => {
    const readme = readFileSync(resolve(TERRAFORM, "modules/webhook/README.md"), "utf8");
    const versions = entriesOf(render())[0]?.admissionReviewVersions as string[];
    expect(readme).toContain(`admissionReviewVersions: ${JSON.stringify(versions).replaceAll(",", ", ")}`);
  });
});

describe("examples and docs", () => {
  it.each([
    ["examples/gke", "modules/gcp", "modules/config/gcs"],
    ["examples/eks", "modules/aws", "modules/config/s3"],
  ])("%s wires %s, %s and the webhook module", (rel, cloud, config) => {
    const m = byRel(rel);
    const sources = Object.values(m.modules).map((c: Hcl) => resolve(m.dir, c.source));
    expect(sources.sort()).toEqual(
      [cloud, config, "modules/webhook"].map((r) => resolve(TERRAFORM, r)).sort(),
    );
    expect(unwrap(m.modules.webhook.url)).toBe("module.outrigger.webhook_url");
    expect(unwrap(m.modules.config.bucket)).toBe("module.outrigger.config_bucket");
    expect(unwrap(m.modules.config.object)).toBe("module.outrigger.config_object");
    expect(m.modules.webhook.depends_on).toEqual(["${module.config}"]);
    const readme = readFileSync(join(m.dir, "README.md"), "utf8");
    for (const step of [
      "npm run build",
      "terraform init",
      "terraform apply",
      "istio-injection=enabled",
      "istio-proxy",
    ])
      expect(readme, `${rel}/README.md: ${step}`).toContain(step);
    expect(existsSync(join(m.dir, "outrigger.yaml"))).toBe(true);
  });

  it("the infra README lists every module and says what was not run here", () => {
    const readme = readFileSync(resolve(REPO, "infra/README.md"), "utf8");
    for (const rel of EXPECTED_DIRS) expect(readme, rel).toContain(rel);
    expect(readme).toMatch(/terraform validate/);
    expect(readme).toMatch(/not run/);
  });

  it("finds every module directory (nothing hidden from these checks)", () => {
    expect(moduleDirs().length).toBe(EXPECTED_DIRS.length);
  });
});
