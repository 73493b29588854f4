import type { JsonObject } from "../json.ts";

/** A Kubernetes LabelSelector (matchLabels AND matchExpressions), as in neverInjectSelector. */
export interface LabelSelector {
  matchLabels?: Record<string, string>;
  matchExpressions?: {
    key: string;
    operator: "In" | "NotIn" | "Exists" | "DoesNotExist";
    values?: string[];
  }[];
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
  aliases: Record<string, string[]>;
  neverInjectSelector: LabelSelector[];
  alwaysInjectSelector: LabelSelector[];
  injectedAnnotations: Record<string, string>;
  nativeSidecars: boolean;
  values: JsonObject;
  meshConfig: JsonObject;
  /** istiod feature switches by their Istio names (COMPLIANCE_POLICY, PLATFORM, ...). */
  features: Record<string, string>;
}
