/**
 * Istio's otelResourceAttributes (pkg/kube/inject/template.go, 1.30+): the OpenTelemetry resource
 * attributes the sidecar gets when a mesh provider asks for semantic-convention enrichment. One rule
 * for both template engines; each engine reads its own arguments and hands them over in this form.
 */
export interface OtelInputs {
  /** The mesh config's `extensionProviders` (proto JSON). */
  providers: unknown;
  /** An annotation or label value; absent and empty are the same here, as in Istio. */
  annotation(key: string): string;
  label(key: string): string;
  namespace: string;
  containers: readonly { name: string; image: string }[];
}

export function otelAttributes(i: OtelInputs): string {
  const providers = Array.isArray(i.providers) ? i.providers : [];
  const wanted = providers.some((p) => {
    const otel = isRecord(p) ? p.opentelemetry : undefined;
    return isRecord(otel) && otel.serviceAttributeEnrichment === "OTEL_SEMANTIC_CONVENTIONS";
  });
  if (!wanted) return "";
  const attrs: string[] = [];
  const svcNs = i.annotation("resource.opentelemetry.io/service.namespace");
  if (svcNs !== "") attrs.push(`service.namespace=${svcNs}`);
  else if (i.namespace !== "") attrs.push(`service.namespace=${i.namespace}`);

  const version =
    i.annotation("resource.opentelemetry.io/service.version") || i.label("app.kubernetes.io/version");
  if (version !== "") attrs.push(`service.version=${version}`);
  else if (i.containers.length === 1) {
    const { tag, digest } = imageTagDigest(i.containers[0]?.image ?? "");
    const v = tag !== "" && digest !== "" ? `${tag}@${digest}` : digest || tag;
    if (v !== "") attrs.push(`service.version=${v}`);
  }

  const instance = i.annotation("resource.opentelemetry.io/service.instance.id");
  if (instance !== "") attrs.push(`service.instance.id=${instance}`);
  else if (i.containers.length > 0)
    attrs.push(`service.instance.id=${i.namespace}.$(POD_NAME).${i.containers[0]?.name ?? ""}`);
  return attrs.join(",");
}

/** The tag (after the last `:` that follows the last `/`) and the digest (after `@`) of an image. */
function imageTagDigest(image: string): { tag: string; digest: string } {
  let rest = image;
  let digest = "";
  const at = rest.indexOf("@");
  if (at >= 0) {
    digest = rest.slice(at + 1);
    rest = rest.slice(0, at);
  }
  const slash = rest.lastIndexOf("/");
  const colon = rest.lastIndexOf(":");
  return { tag: colon > slash ? rest.slice(colon + 1) : "", digest };
}

const isRecord = (v: unknown): v is Record<string, unknown> =>
  typeof v === "object" && v !== null && !Array.isArray(v);
