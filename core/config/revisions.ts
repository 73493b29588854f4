import { err, isObject, type Json, type JsonObject, ok, type Result } from "../json.ts";
import { configMapRevisions, DEFAULT_REVISION, type IstioParts } from "./istio.ts";
import type { LoadedConfig, LoadOptions } from "./load.ts";

/**
 * Several Istio revisions served by one deployment, as a cluster runs them during a canary upgrade:
 * each revision's ConfigMaps (`istio-sidecar-injector-<rev>`, `istio-<rev>`), and beside them, in the
 * Outrigger document, what the ConfigMaps cannot say:
 *
 *   tags: {default: 1-30, prod: 1-31}         revision tags, as `istioctl tag set` makes them
 *   revisions: {1-31: {nativeSidecars: true}} per-revision settings (nodes upgrade with Istio)
 *
 * The default revision (the one a request without `/rev/<r>` in its path gets, and the one whose
 * registration carries the legacy `istio-injection=enabled` entries) is the `default` tag's, else the
 * revision named `default` (ConfigMaps without a suffix), else the only revision.
 */
export interface RevisionLayout {
  /** The default revision. */
  default: string;
  /** Tag → revision. */
  tags: Record<string, string>;
}

/** What a revision may set for itself under `revisions.<rev>`. */
export const REVISION_KEYS = ["nativeSidecars"] as const;

export interface RevisionSettings {
  nativeSidecars?: boolean;
}

/**
 * Revision and tag names end up in label values (`istio.io/rev=<name>`), object names and URL paths;
 * Istio takes them as DNS labels (`istioctl tag set` and the chart's revision both).
 */
const DNS_LABEL = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;

/** `revisions.<revision>` of the Outrigger document beside the ConfigMaps, shape-checked. */
export function revisionSettings(beside: JsonObject, revision: string, errors: string[]): RevisionSettings {
  const all = beside.revisions;
  if (all === undefined || all === null || !isObject(all)) return {};
  const own = all[revision];
  if (own === undefined || own === null || !isObject(own)) return {};
  const out: RevisionSettings = {};
  if (own.nativeSidecars !== undefined && own.nativeSidecars !== null) {
    if (typeof own.nativeSidecars === "boolean") out.nativeSidecars = own.nativeSidecars;
    else errors.push(`revisions.${revision}.nativeSidecars: must be true or false`);
  }
  return out;
}

/**
 * The tags and default revision of a config whose ConfigMaps hold `names`, every problem reported:
 * a tag naming an unknown revision, a tag with a revision's name, settings for an unknown revision,
 * names that are not DNS labels, and several revisions with no way to tell the default.
 */
export function revisionLayout(
  beside: Json,
  names: readonly string[],
  wanted?: string,
): Result<RevisionLayout> {
  const errors: string[] = [];
  const held = [...names].sort();
  const list = held.join(", ");
  for (const name of held)
    if (name !== DEFAULT_REVISION && !DNS_LABEL.test(name))
      errors.push(
        `revision "${name}": not a DNS label (lower-case letters, digits and '-', at most 63), which Istio's istio.io/rev label and Outrigger's URL need`,
      );
  const doc = isObject(beside) ? beside : {};
  const tags: Record<string, string> = {};
  const rawTags = doc.tags;
  if (rawTags !== undefined && rawTags !== null) {
    if (!isObject(rawTags)) errors.push("tags: must map tag names to revisions, e.g. {prod: 1-31}");
    else
      for (const [tag, target] of Object.entries(rawTags)) {
        if (typeof target !== "string") {
          errors.push(`tags.${tag}: must be the name of a revision (${list})`);
          continue;
        }
        if (!DNS_LABEL.test(tag))
          errors.push(`tags.${tag}: a tag name is a DNS label (lower-case letters, digits and '-')`);
        else if (names.includes(tag))
          errors.push(
            `tags.${tag}: "${tag}" is a revision; a tag cannot have a revision's name (istioctl refuses it too)`,
          );
        if (!names.includes(target))
          errors.push(`tags.${tag}: no revision "${target}" in the ConfigMaps; they hold ${list}`);
        tags[tag] = target;
      }
  }
  const rawSettings = doc.revisions;
  if (rawSettings !== undefined && rawSettings !== null) {
    if (!isObject(rawSettings))
      errors.push(
        "revisions: must map revision names to their settings, e.g. {1-31: {nativeSidecars: true}}",
      );
    else
      for (const [revision, settings] of Object.entries(rawSettings)) {
        if (!names.includes(revision))
          errors.push(
            `revisions.${revision}: no revision "${revision}" in the ConfigMaps; they hold ${list}`,
          );
        if (settings === null) continue;
        if (!isObject(settings)) {
          errors.push(`revisions.${revision}: must be a mapping of ${REVISION_KEYS.join(", ")}`);
          continue;
        }
        for (const key of Object.keys(settings))
          if (!(REVISION_KEYS as readonly string[]).includes(key))
            errors.push(
              `revisions.${revision}.${key}: unknown key; a revision may set ${REVISION_KEYS.join(", ")}`,
            );
      }
  }
  // A command line that names the revision it wants needs no default.
  const fallback = names.includes(DEFAULT_REVISION)
    ? DEFAULT_REVISION
    : held.length === 1
      ? held[0]
      : wanted !== undefined && names.includes(wanted)
        ? wanted
        : wanted !== undefined && isObject(rawTags) && typeof rawTags[wanted] === "string"
          ? (rawTags[wanted] as string)
          : undefined;
  const byTag = tags[DEFAULT_REVISION];
  const chosen =
    byTag !== undefined && names.includes(byTag) ? byTag : byTag === undefined ? fallback : undefined;
  // A wanted name that is neither a revision nor a tag is the caller's error to report, not this one.
  if (chosen === undefined && byTag === undefined && wanted === undefined)
    errors.push(
      `the ConfigMaps hold the revisions ${list} and no default one: set \`tags: {default: <revision>}\` in the Outrigger document beside them (Istio's default tag), or name the revision to use`,
    );
  const found = chosen ?? wanted;
  if (errors.length > 0 || found === undefined) return err(`invalid config:\n  ${errors.join("\n  ")}`);
  return ok({ default: found, tags });
}

/**
 * Every revision the ConfigMaps hold, each loaded on its own by `loadOne` (load.ts istioConfig), with
 * the tags and default revision of the document beside them: one code path for one revision and for
 * several. A problem every revision has (the beside document's) is reported once; the others are
 * prefixed with their revision. The config returned is the wanted revision's (or tag's), else the
 * default's, with every revision on `deployment`.
 */
export function revisionsConfig(
  kube: Json[],
  beside: Json,
  options: LoadOptions,
  loadOne: (parts: IstioParts, beside: Json, options: LoadOptions) => Result<LoadedConfig>,
): Result<LoadedConfig> {
  const revisions = configMapRevisions(kube);
  if (!revisions.ok) return revisions;
  const names = [...revisions.value.revisions.keys()].sort();
  const layout = revisionLayout(beside, names, options.revision);
  const loaded = new Map<string, LoadedConfig>();
  const failed = new Map<string, string[]>();
  for (const name of names) {
    const parts = revisions.value.revisions.get(name) as IstioParts;
    const one = loadOne(parts, beside, { ...options, revision: name });
    if (one.ok) loaded.set(name, { ...one.value, revision: name });
    else failed.set(name, problems(one.error));
  }
  const errors = [...(layout.ok ? [] : problems(layout.error)), ...perRevision(failed, names.length)];
  if (errors.length > 0 || !layout.ok) return err(`invalid config:\n  ${errors.join("\n  ")}`);
  const wanted = options.revision ?? layout.value.default;
  const name = names.includes(wanted) ? wanted : layout.value.tags[wanted];
  const top = name === undefined ? undefined : loaded.get(name);
  if (!top) {
    const tags = Object.keys(layout.value.tags).sort();
    return err(
      `config: no revision "${wanted}" in the ConfigMaps; they hold ${names.join(", ")}${tags.length > 0 ? ` (tags ${tags.join(", ")})` : ""}`,
    );
  }
  const warnings = new Map<string, string[]>();
  for (const [rev, one] of loaded) warnings.set(rev, one.warnings);
  top.warnings = [...revisions.value.warnings, ...perRevision(warnings, names.length)];
  top.deployment = { ...layout.value, revisions: loaded };
  return ok(top);
}

/** Messages by revision: the ones every revision has once, the rest prefixed with their revision. */
function perRevision(byRevision: ReadonlyMap<string, string[]>, revisions: number): string[] {
  const count = new Map<string, number>();
  for (const list of byRevision.values())
    for (const m of new Set(list)) count.set(m, (count.get(m) ?? 0) + 1);
  const out: string[] = [];
  const shared = (m: string) => revisions > 1 && count.get(m) === revisions;
  for (const [m] of count) if (shared(m)) out.push(m);
  for (const [rev, list] of byRevision)
    for (const m of list) if (!shared(m)) out.push(revisions > 1 ? `revision "${rev}": ${m}` : m);
  return out;
}

/** The lines of an `invalid config:` error, or the error itself. */
function problems(error: string): string[] {
  const head = "invalid config:\n  ";
  return error.startsWith(head) ? error.slice(head.length).split("\n  ") : [error];
}
