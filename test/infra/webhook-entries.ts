import { isObject, type Json, type JsonObject } from "../../core/json.ts";
import { mutatingWebhookConfiguration } from "../../core/registration/webhook.ts";

/**
 * infra/terraform/modules/webhook/webhooks.json, from the function `outrigger webhook-config` renders
 * with (core/registration/webhook.ts): one source of truth for the webhook entries. The module
 * picks a variant by its `revision` and `namespaces_by_default` variables, puts the revision in for
 * the placeholder, and sets the fields in FROM_VARIABLES from its own variables.
 *
 * `INFRA_UPDATE=1 npx vitest run test/infra` rewrites the file.
 */

/** A revision no one uses, replaced by the module's `revision` (a DNS label, like this). */
export const REVISION_PLACEHOLDER = "outrigger-revision-placeholder";
const PLACEHOLDER_URL = "https://outrigger.invalid/inject/t/placeholder-token";

/** Entry fields the module sets from its variables rather than from the generated file. */
export const FROM_VARIABLES = [
  "clientConfig",
  "failurePolicy",
  "timeoutSeconds",
  "reinvocationPolicy",
] as const;

/** Entry fields the module reads from the generated file (webhook module, dynamic "webhook"). */
export const FROM_FILE = [
  "name",
  "admissionReviewVersions",
  "sideEffects",
  "matchPolicy",
  "rules",
  "namespaceSelector",
  "objectSelector",
] as const;

export const VARIANTS: Record<string, { revision?: string; tag?: string; namespacesByDefault?: boolean }> = {
  default: {},
  "default+auto": { namespacesByDefault: true },
  revision: { revision: REVISION_PLACEHOLDER },
  "revision+auto": { revision: REVISION_PLACEHOLDER, namespacesByDefault: true },
  // A tag's registration (revision-tags-mwc.yaml); the tag `default` carries the legacy entries.
  tag: { tag: REVISION_PLACEHOLDER },
  "tag+auto": { tag: REVISION_PLACEHOLDER, namespacesByDefault: true },
  "tag-default": { tag: "default" },
  "tag-default+auto": { tag: "default", namespacesByDefault: true },
};

export type WebhookOptions = Parameters<typeof mutatingWebhookConfiguration>[0];

/** The MutatingWebhookConfiguration `outrigger webhook-config` renders, or a thrown error. */
export function render(opts: Partial<WebhookOptions> = {}): JsonObject {
  const r = mutatingWebhookConfiguration({ url: PLACEHOLDER_URL, ...opts } as WebhookOptions);
  if (!r.ok) throw new Error(`mutatingWebhookConfiguration: ${r.error}`);
  return r.value;
}

export function entriesOf(mwc: JsonObject): JsonObject[] {
  const hooks = mwc.webhooks;
  if (!Array.isArray(hooks) || !hooks.every(isObject))
    throw new Error("no webhooks list in the rendered config");
  return hooks as JsonObject[];
}

function omit(o: JsonObject, keys: readonly string[]): JsonObject {
  return Object.fromEntries(Object.entries(o).filter(([k]) => !keys.includes(k)));
}

/** The content of webhooks.json. */
export function generateWebhooksJson(): JsonObject {
  const variants: JsonObject = {};
  for (const [key, opts] of Object.entries(VARIANTS)) {
    const mwc = render(opts);
    const metadata = isObject(mwc.metadata) ? mwc.metadata : {};
    variants[key] = {
      metadata,
      webhooks: entriesOf(mwc).map((w) => omit(w, FROM_VARIABLES)),
    };
  }
  return {
    "//": "Generated from core/registration/webhook.ts by test/infra/webhook-entries.ts (INFRA_UPDATE=1 npx vitest run test/infra). Do not edit.",
    revisionPlaceholder: REVISION_PLACEHOLDER,
    variants,
  };
}

export interface ModuleInputs {
  url: string;
  revision?: string | null;
  /** With `revisions`: one configuration per revision and per tag (the module's `layout` local). */
  revisions?: string[];
  tags?: Record<string, string>;
  namespacesByDefault?: boolean;
  failurePolicy: string;
  timeoutSeconds: number;
  reinvocationPolicy: string;
  name?: string | null;
}

/**
 * What modules/webhook renders for these inputs, in the API's field names, keyed as its for_each is:
 * a mirror of its locals and dynamic blocks (the test checks the HCL says the same, attribute by
 * attribute). `routePattern` and `envForm` are the module's own regular expressions, read from it.
 */
export function moduleEquivalent(
  generated: JsonObject,
  inputs: ModuleInputs,
  patterns: { routePattern: string; envForm: string },
): Record<string, JsonObject> {
  const auto = inputs.namespacesByDefault ? "+auto" : "";
  const isRevision = inputs.revision != null && inputs.revision !== "";
  type Chosen = { variant: string; key: string; url: string | null };
  const chosen: Record<string, Chosen> = {};
  if ((inputs.revisions ?? []).length > 0) {
    for (const r of inputs.revisions ?? [])
      chosen[`revision/${r}`] = {
        variant: `${r === "default" ? "default" : "revision"}${auto}`,
        key: r,
        url: r,
      };
    for (const [t, r] of Object.entries(inputs.tags ?? {}))
      chosen[`tag/${t}`] = { variant: `${t === "default" ? "tag-default" : "tag"}${auto}`, key: t, url: r };
  } else
    chosen.single = {
      variant: `${isRevision ? "revision" : "default"}${auto}`,
      key: isRevision ? (inputs.revision as string) : "",
      url: null,
    };
  const variants = generated.variants as JsonObject;
  const placeholder = generated.revisionPlaceholder as string;
  const out: Record<string, JsonObject> = {};
  for (const [k, c] of Object.entries(chosen)) {
    const variant = JSON.parse(
      JSON.stringify(variants[c.variant]).replaceAll(placeholder, c.key),
    ) as JsonObject;
    // Terraform's replace() with a /regex/ is Go's ReplaceAllString: $1 and $2 as in JavaScript.
    const url =
      c.url === null
        ? inputs.url
        : new RegExp(patterns.envForm).test(inputs.url)
          ? `${inputs.url}:ENV:rev=${c.url}`
          : inputs.url.replace(new RegExp(patterns.routePattern, "g"), `$1/rev/${c.url}$2`);
    const metadata = variant.metadata as JsonObject;
    out[k] = {
      metadata: { ...metadata, name: inputs.name ?? (metadata.name as Json) },
      webhooks: (variant.webhooks as JsonObject[]).map((w) => ({
        ...w,
        clientConfig: { url },
        failurePolicy: inputs.failurePolicy,
        timeoutSeconds: inputs.timeoutSeconds,
        reinvocationPolicy: inputs.reinvocationPolicy,
      })),
    };
  }
  return out;
}

/**
 * An entry with the API server's defaults filled in, so that an omitted field and its default
 * compare equal (the module always sets timeoutSeconds; the function may leave it to the default).
 */
export function withApiDefaults(w: JsonObject): JsonObject {
  const rules = Array.isArray(w.rules)
    ? (w.rules as JsonObject[]).map((r) => ({ scope: "*", ...r }))
    : w.rules;
  return {
    matchPolicy: "Equivalent",
    failurePolicy: "Fail",
    timeoutSeconds: 10,
    reinvocationPolicy: "Never",
    namespaceSelector: {},
    objectSelector: {},
    ...w,
    ...(rules === undefined ? {} : { rules }),
  };
}
