/**
 * Outrigger's TemplateData as istiod's SidecarTemplateData (pkg/kube/inject/inject.go, 1.31): one
 * Typed struct whose fields are Kubernetes structs, proto message pointers and `map[string]any`,
 * read lazily from the JSON TemplateData already holds. Nothing is copied: a field is typed when a
 * template reaches it.
 */
import type { TemplateData } from "../data.ts";
import { NAMESPACED_NAME, OBJECT_META, POD_SPEC, TYPE_META } from "./kube-types.ts";
import { MESH_CONFIG, PROXY_CONFIG } from "./proto-types.ts";
import { ANY, BOOL, type GoType, type GoValue, INT64, STRING, Typed } from "./values.ts";

const field = (go: string, type: GoType) => ({ go, json: go, type });

export const SIDECAR_TEMPLATE_DATA: GoType = {
  kind: "struct",
  name: "inject.SidecarTemplateData",
  fields: [
    field("TypeMeta", TYPE_META),
    field("DeploymentMeta", NAMESPACED_NAME),
    field("ObjectMeta", OBJECT_META),
    field("Spec", POD_SPEC),
    field("ProxyConfig", PROXY_CONFIG),
    field("MeshConfig", MESH_CONFIG),
    field("Values", ANY),
    field("Revision", STRING),
    field("NativeSidecars", BOOL),
    field("ProxyImage", STRING),
    field("ProxyInitImage", STRING),
    field("ProxyUID", INT64),
    field("ProxyGID", INT64),
    field("InboundTrafficPolicyMode", STRING),
    field("CompliancePolicy", STRING),
  ],
};

export function goTemplateData(d: TemplateData): GoValue {
  return new Typed(SIDECAR_TEMPLATE_DATA, {
    TypeMeta: d.TypeMeta,
    // types.NamespacedName has no json tags: its JSON names are the Go names.
    DeploymentMeta: { Namespace: d.DeploymentMeta.namespace, Name: d.DeploymentMeta.name },
    ObjectMeta: d.ObjectMeta,
    Spec: d.Spec,
    ProxyConfig: d.ProxyConfig,
    MeshConfig: d.MeshConfig,
    Values: d.Values,
    Revision: d.Revision,
    NativeSidecars: d.NativeSidecars,
    ProxyImage: d.ProxyImage,
    ProxyInitImage: d.ProxyInitImage,
    ProxyUID: d.ProxyUID,
    ProxyGID: d.ProxyGID,
    InboundTrafficPolicyMode: d.InboundTrafficPolicyMode,
    CompliancePolicy: d.CompliancePolicy,
  });
}
