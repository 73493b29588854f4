import type { JsonObject } from "../json.ts";

/** The language of a template: Outrigger's Handlebars or Istio's Go text/template. */
export type TemplateSyntax = "handlebars" | "go";

/** A Kubernetes LabelSelector (matchLabels AND matchExpressions), as in neverInjectSelector. */
export interface LabelSelector {
  matchLabels?: Record<string, string>;
  matchExpressions?: {
    key: string;
    operator: "In" | "NotIn" | "Exists" | "DoesNotExist";
    values?: string[];
  }[];
}

/** What Outrigger is told about a namespace (an in-cluster injector would read the Namespace object). */
export interface NamespaceFacts {
  labels: Record<string, string>;
  annotations: Record<string, string>;
}

/**
 * The validated Outrigger config. Key names are public (README "Config"): other tools are written
 * against them. `values` and `meshConfig` here are the effective ones: the user's document merged onto
 * Istio's defaults, so the templates never see a missing default.
 */
export interface Config {
  policy: string;
  defaultTemplates: string[];
  templates: Record<string, string>;
  /** Each entry of `templates` by its language (Istio's ConfigMaps: all Go). */
  templateSyntax: Record<string, TemplateSyntax>;
  /**
   * Whether Outrigger's built-in templates are there too. Not with Istio's own injector config:
   * istiod has exactly the templates of its ConfigMap.
   */
  builtinTemplates: boolean;
  aliases: Record<string, string[]>;
  neverInjectSelector: LabelSelector[];
  alwaysInjectSelector: LabelSelector[];
  injectedAnnotations: Record<string, string>;
  nativeSidecars: boolean;
  values: JsonObject;
  meshConfig: JsonObject;
  /** istiod feature switches by their Istio names (COMPLIANCE_POLICY, PLATFORM, ...). */
  features: Record<string, string>;
  /**
   * Facts about namespaces, by name, that istiod would look up in the cluster and a serverless
   * injector must be told (e.g. OpenShift's `openshift.io/sa.scc.uid-range` annotation).
   */
  namespaces: Record<string, NamespaceFacts>;
}
