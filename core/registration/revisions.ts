import { parsePathEnvs, REVISION_KEY } from "../admission/path-envs.ts";
import { DEFAULT_REVISION } from "../config/istio.ts";
import type { RevisionLayout } from "../config/revisions.ts";
import { err, isObject, type JsonObject, ok, type Result } from "../json.ts";
import { matchWebhooks, type WebhookMatch } from "./match.ts";
import { mutatingWebhookConfiguration, type WebhookOptions } from "./webhook.ts";

/**
 * The registrations of a deployment that serves several Istio revisions: one
 * MutatingWebhookConfiguration per revision and one per tag, with the selectors Istio's chart renders
 * for each (mutatingwebhook.yaml, revision-tags-mwc.yaml; the same in 1.29.6, 1.30.3, 1.31.0-rc.0),
 * each pointing at its revision's URL. Moving a tag is re-rendering these: the function is unchanged.
 */

/** What the registrations are rendered from: the config's revisions, its tags and default revision. */
export interface RegistrationLayout extends RevisionLayout {
  revisions: readonly string[];
}

export interface DeploymentWebhookOptions extends Omit<WebhookOptions, "revision" | "tag" | "name"> {
  layout: RegistrationLayout;
  /** Only this revision's registration and those of the tags that point at it. */
  only?: string;
}

/** One registration with what it is for. */
export interface Registration {
  revision: string;
  tag?: string;
  config: JsonObject;
}

/**
 * The URL of one revision: the base URL with `/rev/<revision>` right after the token (or after
 * `/inject`), so it composes with the path envs that follow; a base in Istio's `:ENV:` form gets
 * `:ENV:rev=<revision>` at its end instead, since that form is read only right after `/inject/`.
 */
export function revisionUrl(base: string, revision: string): Result<string> {
  let url: URL;
  try {
    url = new URL(base);
  } catch {
    return err(`--url ${JSON.stringify(base)}: not a URL`);
  }
  const segments = url.pathname.split("/");
  const at = segments.indexOf("inject");
  if (at < 0) return err(`--url: path ${JSON.stringify(url.pathname)} has no /inject`);
  const after = segments[at + 1] === "t" ? at + 3 : at + 1;
  const rest = segments.slice(after);
  if (
    rest.some((s, i) => i % 2 === 0 && s.toUpperCase() === REVISION_KEY.toUpperCase()) ||
    /:ENV:rev=/i.test(base)
  )
    return err(
      `--url: names a revision (${REVISION_KEY}); give the base URL, each revision's route is added to it`,
    );
  const path = rest[0]?.startsWith(":ENV:")
    ? `${url.pathname}:ENV:${REVISION_KEY}=${revision}`
    : [...segments.slice(0, after), REVISION_KEY, revision, ...rest].join("/");
  return ok(`${url.origin}${path}`);
}

/** Every registration of the layout (or of one revision), revisions first, then tags, each sorted. */
export function deploymentRegistrations(opts: DeploymentWebhookOptions): Result<Registration[]> {
  const { layout, only, ...common } = opts;
  if (only !== undefined && !layout.revisions.includes(only))
    return err(
      `--revision ${only}: no such revision in the config; it holds ${[...layout.revisions].sort().join(", ")}`,
    );
  const out: Registration[] = [];
  const errors: string[] = [];
  const add = (revision: string, tag: string | undefined) => {
    const url = revisionUrl(common.url, revision);
    if (!url.ok) return errors.push(url.error);
    const config = mutatingWebhookConfiguration({
      ...common,
      url: url.value,
      // The revision named `default` (ConfigMaps without a suffix) is Istio's revision "".
      ...(tag !== undefined ? { tag } : revision === DEFAULT_REVISION ? {} : { revision }),
    });
    if (!config.ok) return errors.push(config.error);
    out.push({ revision, ...(tag !== undefined ? { tag } : {}), config: config.value });
  };
  for (const revision of [...layout.revisions].sort())
    if (only === undefined || only === revision) add(revision, undefined);
  for (const [tag, revision] of Object.entries(layout.tags).sort(([a], [b]) => a.localeCompare(b)))
    if (only === undefined || only === revision) add(revision, tag);
  if (errors.length > 0) return err([...new Set(errors)].join("\n"));
  return ok(out);
}

/**
 * The registrations of MutatingWebhookConfigurations as a cluster holds them: each one's revision is
 * the one its URL routes to (`/rev/<r>`; none: `defaultRevision`, the one the function serves such a
 * request with), its tag the one its name carries (`outrigger-revision-tag-<tag>`, as rendered here).
 */
export function registrationsOf(configs: readonly JsonObject[], defaultRevision: string): Registration[] {
  return configs.map((config) => {
    const hooks = Array.isArray(config.webhooks) ? config.webhooks.filter(isObject) : [];
    const urls = hooks.map((h) => (isObject(h.clientConfig) ? h.clientConfig.url : undefined));
    const routed = urls.map((u) => (typeof u === "string" ? routeRevision(u) : undefined));
    const revision = routed.find((r) => r !== undefined) ?? defaultRevision;
    const tag = TAG_NAME.exec(nameOf(config))?.[1];
    return { revision, ...(tag !== undefined ? { tag } : {}), config };
  });
}

const TAG_NAME = /^outrigger-revision-tag-(.+)$/;

/** The revision a webhook URL routes to (`/inject[/t/<token>]/rev/<r>/...`), if it names one. */
export function routeRevision(url: string): string | undefined {
  let path: string;
  try {
    path = new URL(url).pathname;
  } catch {
    return undefined;
  }
  const segments = path.split("/");
  const at = segments.indexOf("inject");
  if (at < 0) return undefined;
  if (segments[at + 1] === "t") segments.splice(at + 1, 2);
  return parsePathEnvs(`/${segments.slice(at).join("/")}`).revisions?.[0];
}

/** Which registration the API server would send a pod to, and why; at most one matches (checked in tests). */
export interface Handling {
  revision?: string;
  tag?: string;
  /** The entries of every registration, each with why it is or is not called. */
  matches: (WebhookMatch & { registration: string })[];
  /** Why this revision (or none) handles the pod, for `check`. */
  reason: string;
}

/** The namespace and pod labels Istio's ambient mode reads (Istio 1.24+). */
const DATAPLANE_MODE = "istio.io/dataplane-mode";

export function handlingOf(
  registrations: readonly Registration[],
  namespaceLabels: Record<string, string>,
  podLabels: Record<string, string>,
): Handling {
  const matches = registrations.flatMap((r) =>
    matchWebhooks(r.config, namespaceLabels, podLabels).map((m) => ({
      ...m,
      registration: nameOf(r.config),
    })),
  );
  const called = registrations.filter((r) =>
    matchWebhooks(r.config, namespaceLabels, podLabels).some((m) => m.called),
  );
  const ambient = namespaceLabels[DATAPLANE_MODE] === "ambient" || podLabels[DATAPLANE_MODE] === "ambient";
  const first = called[0];
  if (!first) {
    const reason = ambient
      ? `no registration selects the pod; it is in ambient mode (${DATAPLANE_MODE}=ambient), so ztunnel, not a sidecar, carries its traffic`
      : "no registration selects the pod (no istio-injection=enabled, istio.io/rev or sidecar.istio.io/inject=true that a registered revision or tag answers)";
    return { matches, reason };
  }
  const entry = matchWebhooks(first.config, namespaceLabels, podLabels).find((m) => m.called)?.webhook ?? "";
  const by =
    first.tag !== undefined
      ? `tag "${first.tag}" → revision "${first.revision}"`
      : `revision "${first.revision}"`;
  let reason = `${by}: ${nameOf(first.config)}/${entry} selects it (${selectedBy(entry, first, namespaceLabels, podLabels)})`;
  if (called.length > 1)
    reason += `; also selected by ${called
      .slice(1)
      .map((r) => nameOf(r.config))
      .join(", ")}: the pod would be injected twice`;
  if (ambient)
    reason += `; it also carries ${DATAPLANE_MODE}=ambient, which Istio's injector and webhook selectors ignore: the pod gets the sidecar, and ambient's node agent skips pods with a sidecar (sidecar.istio.io/status), so the sidecar takes precedence`;
  return {
    revision: first.revision,
    ...(first.tag !== undefined ? { tag: first.tag } : {}),
    matches,
    reason,
  };
}

function selectedBy(
  entry: string,
  r: Registration,
  ns: Record<string, string>,
  pod: Record<string, string>,
): string {
  const key = r.tag ?? r.revision;
  if (entry.startsWith("rev.namespace.")) return `namespace label istio.io/rev=${ns["istio.io/rev"] ?? key}`;
  if (entry.startsWith("rev.object.")) return `pod label istio.io/rev=${pod["istio.io/rev"] ?? key}`;
  if (entry.startsWith("namespace."))
    return "namespace label istio-injection=enabled, the default revision's";
  if (entry.startsWith("object.")) return "pod label sidecar.istio.io/inject=true, the default revision's";
  if (entry.startsWith("auto.")) return "an unlabelled namespace, with namespaces injected by default";
  return "its selectors match";
}

function nameOf(config: JsonObject): string {
  return isObject(config.metadata) && typeof config.metadata.name === "string" ? config.metadata.name : "";
}
