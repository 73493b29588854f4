import { isObject, type Json, type JsonObject, stringMap } from "../json.ts";

/**
 * How Istio's own controllers and commands find MutatingWebhookConfigurations, read from the
 * source of the supported releases (1.29.6, 1.30.3, 1.31.0-rc.0; the rules below are the same in
 * all three unless noted). Outrigger's registration must be selected by none of them: istiod's cert
 * patcher would put istiod's root into its caBundle (the API server then refuses the function's
 * public certificate, and with failurePolicy Fail no pod is created), and `istioctl tag` would
 * neuter or delete it.
 */
export interface IstioSelector {
  /** Who selects, and the file that does it. */
  who: string;
  /** What it then does to a configuration it selected. */
  effect: string;
  selects(config: JsonObject): boolean;
}

const REV = "istio.io/rev";
const TAG = "istio.io/tag";
/** The suffix of every injector entry istiod's chart, its revision tags and istioctl generate. */
export const ISTIOD_ENTRY_SUFFIX = "sidecar-injector.istio.io";
/** istioctl's way of switching an injector off without deleting it (istioctl/pkg/util NeverMatch). */
const DEACTIVATED = "istio.io/deactivated";

const labelsOf = (c: JsonObject) => stringMap(isObject(c.metadata) ? c.metadata.labels : undefined);
const nameOf = (c: JsonObject) =>
  isObject(c.metadata) && typeof c.metadata.name === "string" ? c.metadata.name : "";
const entriesOf = (c: JsonObject): JsonObject[] =>
  Array.isArray(c.webhooks) ? c.webhooks.filter(isObject) : [];
const entryName = (w: JsonObject) => (typeof w.name === "string" ? w.name : "");
const has = (c: JsonObject, key: string) => Object.hasOwn(labelsOf(c), key);
const hasInjectorEntry = (c: JsonObject) =>
  entriesOf(c).some((w) => entryName(w).endsWith(ISTIOD_ENTRY_SUFFIX));

export const ISTIO_SELECTORS: readonly IstioSelector[] = [
  {
    // Any revision: every istiod patches the configurations labelled with its own, and the
    // revisions running in a cluster are not known here. Remote clusters are patched the same way
    // (pilot/pkg/serviceregistry/kube/controller/multicluster.go).
    who: "istiod's webhook cert patcher (pkg/webhooks/webhookpatch.go)",
    effect: "rewrites caBundle of every entry whose name ends with sidecar-injector.istio.io",
    selects: (c) => has(c, REV) && hasInjectorEntry(c),
  },
  {
    who: "istiod's revision tag watcher (pkg/revisions/tag_watcher.go)",
    effect: "counts the configuration as a revision tag of the revision in its istio.io/rev label",
    selects: (c) => has(c, TAG),
  },
  {
    // 1.31 also reads istio-revision-tag-default-<namespace> for Istio outside istio-system.
    who: "istiod's default revision watcher (pkg/revisions/default_watcher.go)",
    effect: "takes the configuration's istio.io/rev as the default revision",
    selects: (c) =>
      nameOf(c) === "istio-revision-tag-default" || nameOf(c).startsWith("istio-revision-tag-default-"),
  },
  {
    who: "istioctl tag set/generate and istioctl install (istioctl/pkg/tag/util.go GetWebhooksWithRevision)",
    effect:
      "takes it as the revision's canonical webhook; `tag set default` sets its selectors to never match, or fails on finding two",
    selects: (c) => has(c, REV) && !has(c, TAG),
  },
  {
    who: "istioctl tag remove (istioctl/pkg/tag/util.go DeleteTagWebhooks)",
    effect: "deletes it",
    selects: (c) => has(c, TAG),
  },
  {
    who: "istioctl tag list (istioctl/pkg/tag/util.go GetRevisionWebhooks)",
    effect: "lists it as a tag or revision",
    selects: (c) => has(c, REV),
  },
  {
    who: "istioctl kube-inject without --injectConfigFile (istioctl/pkg/kubeinject/kubeinject.go)",
    effect: "posts the manifests to the first such configuration's injector entry",
    selects: (c) => has(c, REV) && hasInjectorEntry(c),
  },
  {
    who: "istioctl x injector list (istioctl/pkg/injector/injector-list.go)",
    effect: "lists it as an Istio injector",
    selects: (c) => labelsOf(c).app === "sidecar-injector",
  },
];

/** The Istio controllers and commands that would select this MutatingWebhookConfiguration. */
export function istioSelections(config: JsonObject): IstioSelector[] {
  return ISTIO_SELECTORS.filter((s) => s.selects(config));
}

/** Outrigger's own label on its registration, and the suffix of its entries' names. */
export const OUTRIGGER_LABEL = { key: "app.kubernetes.io/name", value: "outrigger" } as const;
export const OUTRIGGER_ENTRY_SUFFIX = "sidecar-injector.outrigger";

/**
 * An Outrigger registration: its label, its entry names, or (for one applied before they existed)
 * its default name or a clientConfig.url carrying a URL token.
 */
export function isOutriggerRegistration(config: JsonObject): boolean {
  if (labelsOf(config)[OUTRIGGER_LABEL.key] === OUTRIGGER_LABEL.value) return true;
  if (nameOf(config).startsWith("outrigger-")) return true;
  return entriesOf(config).some(
    (w) =>
      entryName(w).endsWith(OUTRIGGER_ENTRY_SUFFIX) ||
      (isObject(w.clientConfig) &&
        typeof w.clientConfig.url === "string" &&
        /\/inject\/t\/[^/]+/.test(w.clientConfig.url)),
  );
}

/** istioctl's NeverMatch: a selector no object can satisfy, which leaves the entry inert. */
function deactivated(w: JsonObject): boolean {
  const never = (s: Json | undefined) => isObject(s) && stringMap(s.matchLabels)[DEACTIVATED] !== undefined;
  return never(w.namespaceSelector) || never(w.objectSelector);
}

/**
 * Warnings for `outrigger check --webhook-config` when the file holds both Outrigger's registration
 * and istiod's own injector (a pod both select gets two sidecars), and for an Outrigger registration
 * that Istio's controllers would select (an older one labelled istio.io/rev).
 */
export function istiodInjectorsAlongside(configs: readonly JsonObject[]): string[] {
  const warnings: string[] = [];
  const ours = configs.filter(isOutriggerRegistration);
  for (const c of ours) {
    const by = istioSelections(c);
    if (by.length > 0)
      warnings.push(
        `Outrigger's registration "${nameOf(c)}" is selected by ${by.map((s) => s.who).join("; ")}: ` +
          "re-apply the one `outrigger webhook-config` prints now (no istio.io/rev label, entries named *.sidecar-injector.outrigger)",
      );
  }
  if (ours.length === 0) return warnings;
  const istiod = configs
    .filter((c) => !isOutriggerRegistration(c))
    .flatMap((c) =>
      entriesOf(c)
        .filter((w) => entryName(w).endsWith(ISTIOD_ENTRY_SUFFIX) && !deactivated(w))
        .map((w) => `${nameOf(c)}/${entryName(w)}`),
    );
  if (istiod.length > 0)
    warnings.push(
      `istiod's own injector is registered too (${istiod.join(", ")}): a pod selected by both it and ` +
        'Outrigger gets two sidecars. Turn istiod\'s injector webhook off (README "Living beside istiod")',
    );
  return warnings;
}
