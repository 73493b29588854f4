// biome-ignore-all lint/suspicious/noTemplateCurlyInString: the expected values are HCL expressions, written ${...}.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { mutatingWebhookConfiguration } from "../../core/registration/webhook.ts";
import { block, type Hcl, loadAll, type TfModule, unwrap } from "./hcl.ts";
import { render } from "./webhook-entries.ts";

/**
 * Issue 13 items 11 and 13: what a holder of the URL token can do is bounded (caps, source
 * addresses, a private endpoint), the function URL's public statements come from one mechanism,
 * the EKS example's Kubernetes token does not expire mid-apply, GCP's secret project is the number,
 * and the kept config versions mean the same on GCS and S3. Checked by parsing, as terraform.test.ts.
 */

let all: TfModule[];
const byRel = (rel: string): TfModule => {
  const m = all.find((x) => x.rel === rel);
  if (!m) throw new Error(`no module ${rel}`);
  return m;
};

beforeAll(async () => {
  all = await loadAll();
});

/** Whether `outrigger webhook-config` accepts the URL. */
const cliAccepts = (url: string) => mutatingWebhookConfiguration({ url }).ok;

describe("the token's reach", () => {
  it("aws: one mechanism for the function URL's public statements, the provider's (>= 6.28)", () => {
    const m = byRel("modules/aws");
    expect(m.resources.aws_lambda_function_url?.this.authorization_type).toBe("NONE");
    // aws_lambda_function_url adds FunctionURLAllowPublicAccess and FunctionURLAllowInvokeAction
    // itself since provider 6.28; an explicit pair would duplicate them.
    const urlPermissions = Object.entries(m.resources.aws_lambda_permission ?? {}).filter(
      ([, p]: [string, Hcl]) =>
        p.action === "lambda:InvokeFunctionUrl" ||
        p.invoked_via_function_url !== undefined ||
        p.principal === "*",
    );
    expect(urlPermissions.map(([n]) => n)).toEqual([]);
    expect(m.requiredProviders.aws?.version).toBe(">= 6.28, < 7.0");
    const readme = readFileSync(join(m.dir, "README.md"), "utf8");
    for (const id of ["FunctionURLAllowPublicAccess", "FunctionURLAllowInvokeAction", "remove-permission"])
      expect(readme, id).toContain(id);
  });

  it("aws: caps what a token holder can cost, and can restrict or privatise the REST API", () => {
    const m = byRel("modules/aws");
    const fn = m.resources.aws_lambda_function?.this;
    expect(unwrap(fn.reserved_concurrent_executions)).toBe("var.reserved_concurrency");
    expect(m.variables.reserved_concurrency.default).toBeGreaterThan(0);
    expect(m.variables.reserved_concurrency.validation[0].condition).toContain(">= 1");
    const preconditions = block(fn, "lifecycle").precondition.map((p: Hcl) => unwrap(p.condition));
    expect(preconditions).toContain(
      "var.reserved_concurrency == -1 || var.provisioned_concurrency <= var.reserved_concurrency",
    );
    const settings = block(m.resources.aws_api_gateway_method_settings?.this, "settings");
    expect(unwrap(settings.throttling_rate_limit)).toBe("var.api_throttling_rate_limit");
    expect(unwrap(settings.throttling_burst_limit)).toBe("var.api_throttling_burst_limit");
    // The resource policy: allow, then deny other source addresses, or other VPC endpoints.
    const policy = m.data.aws_iam_policy_document?.rest_api;
    const denies = policy.dynamic.statement.map((d: Hcl) => d.content[0]);
    expect(denies.map((d: Hcl) => [d.effect, block(d, "condition").variable])).toEqual([
      ["Deny", "aws:SourceIp"],
      ["Deny", "aws:SourceVpce"],
    ]);
    expect(unwrap(policy.dynamic.statement[0].for_each)).toContain("var.allowed_source_cidrs");
    expect(unwrap(policy.dynamic.statement[1].for_each)).toContain("var.private_vpc_endpoint_ids");
    const api = m.resources.aws_api_gateway_rest_api?.this;
    expect(block(api, "endpoint_configuration").types).toEqual([
      '${local.rest_private ? "PRIVATE" : "REGIONAL"}',
    ]);
    expect(m.locals.rest_endpoint).toContain(
      "${aws_api_gateway_rest_api.this[0].id}-${var.private_vpc_endpoint_ids[0]}.execute-api.",
    );
    expect(m.resources.aws_api_gateway_rest_api_policy?.this).toBeDefined();
    expect(JSON.stringify(m.resources.aws_api_gateway_deployment?.this.triggers)).toContain(
      "data.aws_iam_policy_document.rest_api[0].json",
    );
  });

  it("gcp: caps instances and per-instance concurrency, and passes the project number to the secret", () => {
    const m = byRel("modules/gcp");
    const svc = block(m.resources.google_cloudfunctions2_function?.this, "service_config");
    expect(unwrap(svc.max_instance_count)).toBe("var.max_instances");
    expect(unwrap(svc.max_instance_request_concurrency)).toBe("var.concurrency");
    expect(m.variables.max_instances.validation[0].condition).toContain(">= 1");
    expect(m.variables.concurrency.validation[0].condition).toContain("<= 1000");
    expect(unwrap(block(svc, "secret_environment_variables").project_id)).toBe(
      "data.google_project.this.number",
    );
    expect(unwrap(m.data.google_project?.this.project_id)).toBe("var.project_id");
  });

  it("both: config_versions_to_keep means the same on GCS and S3 (GCS counts the live version)", () => {
    const gcs = block(
      byRel("modules/gcp").resources.google_storage_bucket?.config,
      "lifecycle_rule",
      "condition",
    );
    expect(unwrap(gcs.num_newer_versions)).toBe("var.config_versions_to_keep + 1");
    expect(gcs.with_state).toBe("ARCHIVED");
    const s3 = block(
      byRel("modules/aws").resources.aws_s3_bucket_lifecycle_configuration?.config,
      "rule",
      "noncurrent_version_expiration",
    );
    expect(unwrap(s3.newer_noncurrent_versions)).toBe("var.config_versions_to_keep");
    for (const rel of ["modules/gcp", "modules/aws"])
      expect(byRel(rel).variables.config_versions_to_keep.description, rel).toMatch(/live one not counted/);
  });
});

describe("the EKS example and the webhook module", () => {
  it("examples/eks: the kubernetes provider gets a fresh token from `aws eks get-token` for every call", () => {
    const m = byRel("examples/eks");
    const k8s = m.files.flatMap((f) => f.json.provider?.kubernetes ?? [])[0];
    expect(k8s.token, "a token read once expires after ~15 minutes").toBeUndefined();
    const exec = block(k8s, "exec");
    expect(exec.api_version).toBe("client.authentication.k8s.io/v1beta1");
    expect(exec.command).toBe("aws");
    expect(exec.args.slice(0, 4)).toEqual(["eks", "get-token", "--cluster-name", "${var.cluster_name}"]);
    expect(m.data.aws_eks_cluster_auth).toBeUndefined();
    expect(unwrap(m.modules.outrigger.private_vpc_endpoint_ids)).toBe("var.private_vpc_endpoint_ids");
  });

  it("refuses, as the CLI does, a URL that is not an Outrigger route, a bad name, and Istio's labels", () => {
    const m = byRel("modules/webhook");
    // The module's url validations, as JavaScript regexes (RE2 and JavaScript agree on these).
    const conditions = m.variables.url.validation.map((v: Hcl) => unwrap(v.condition) as string);
    const patterns = conditions.flatMap((c: string) =>
      [...c.matchAll(/(!?)can\(regex\("((?:[^"\\]|\\.)*)", var\.url\)\)/g)].map((x) => ({
        negated: x[1] === "!",
        re: new RegExp(JSON.parse(`"${x[2]}"`)),
      })),
    );
    expect(patterns).toHaveLength(3);
    const moduleAccepts = (u: string) =>
      u.startsWith("https://") &&
      !u.includes("?") &&
      !patterns[0].re.test(u) === patterns[0].negated &&
      (patterns[1].re.test(u) || patterns[2].re.test(u));
    for (const u of [
      "https://x.example.com/",
      "https://x.example.com/inject/t/",
      "https://x.example.com/inject/t",
      "https://x.example.com/prod/inject/t/abc",
      "https://x.example.com/injector/t/abc",
      "https://x.example.com/inject/t/abc/cluster/c1",
      "https://x.example.com/inject",
      "https://a1.execute-api.eu-west-1.amazonaws.com/webhook/inject/t/abc",
      "https://a1-vpce-0123.execute-api.eu-west-1.amazonaws.com/webhook/inject/t/abc/net/n1",
      "https://a1.execute-api.eu-west-1.amazonaws.com/webhook/inject/t/",
    ])
      expect(moduleAccepts(u), u).toBe(render.bind(null, { url: u }) && cliAccepts(u));
    const name = unwrap(m.variables.name.validation[0].condition) as string;
    expect(name).toContain('startswith(coalesce(var.name, "-"), "istio-revision-tag-")');
    expect(unwrap(m.variables.labels.validation[0].condition)).toContain('!startswith(k, "istio.io/")');
  });
});
