import { istioProxyConfigDefaults } from "../config/defaults.ts";
import type { Config } from "../config/types.ts";
import { parseDocument } from "../document/yaml.ts";
import { clone, err, isObject, type Json, type JsonObject, ok, type Result, stringMap } from "../json.ts";
import { isProtoUnset, PROXY_CONFIG_FIELD_SET, sortKeysDeep } from "./helpers.ts";

/**
 * What a template sees. The top-level names are those of Istio's SidecarTemplateData, so Istio users
 * find their way; inside them the names are Kubernetes' and proto3's JSON names (`ObjectMeta.labels`,
 * `Spec.containers`, `ProxyConfig.proxyMetadata`), because that is the form Outrigger holds them in.
 */
export interface TemplateData {
  /** The owning workload's kind and apiVersion, as Istio infers them (Pod/v1 without an owner). */
  TypeMeta: { kind: string; apiVersion: string };
  /** The owning workload's name and the pod's namespace. */
  DeploymentMeta: { name: string; namespace: string };
  /** The pod's metadata; `labels` and `annotations` are always maps. */
  ObjectMeta: JsonObject & { labels: Record<string, string>; annotations: Record<string, string> };
  /** The pod's spec. */
  Spec: JsonObject;
  /** Effective ProxyConfig: Istio's defaults ⊕ mesh `defaultConfig` ⊕ the `proxy.istio.io/config` annotation. */
  ProxyConfig: JsonObject;
  MeshConfig: JsonObject;
  Values: JsonObject;
  Revision: string;
  /** The configured default; the template applies the pod's `sidecar.istio.io/nativeSidecar` itself. */
  NativeSidecars: boolean;
  ProxyImage: string;
  ProxyInitImage: string;
  ProxyUID: number;
  ProxyGID: number;
  /** `localhost` or `passthrough`, from meshConfig.inboundTrafficPolicy.mode. */
  InboundTrafficPolicyMode: string;
  /** istiod's COMPLIANCE_POLICY feature ("" when unset). */
  CompliancePolicy: string;
  /** Proxy env forced by the webhook URL / cluster settings (post-processing writes them onto the proxy). */
  ProxyEnvs: Record<string, string>;
}

const PROXY_CONFIG_ANNOTATION = "proxy.istio.io/config";
const IMAGE_TYPE_ANNOTATION = "sidecar.istio.io/proxyImageType";
const DEFAULT_PROXY_ID = 1337;

export function buildTemplateData(input: {
  pod: JsonObject;
  config: Config;
  pathEnvs: Record<string, string>;
  /** The proxy's uid/gid when not Istio's 1337 (OpenShift namespaces). */
  proxyIds?: { uid: number; gid: number };
}): Result<TemplateData> {
  const { pod, config } = input;
  const metadata = isObject(pod.metadata) ? pod.metadata : {};
  const labels = stringMap(metadata.labels);
  const annotations = stringMap(metadata.annotations);
  const spec = isObject(pod.spec) ? pod.spec : {};

  const proxyConfig = effectiveProxyConfig(config.meshConfig, annotations);
  if (!proxyConfig.ok) return proxyConfig;

  const { typeMeta, deployMeta } = deployMetaFromPod(metadata, labels);
  const values = config.values;
  const global = obj(values.global);
  const imageType = obj(proxyConfig.value.image).imageType;

  return ok({
    TypeMeta: typeMeta,
    DeploymentMeta: deployMeta,
    ObjectMeta: { ...metadata, labels, annotations },
    Spec: spec,
    ProxyConfig: proxyConfig.value,
    MeshConfig: config.meshConfig,
    Values: values,
    Revision: typeof values.revision === "string" ? values.revision : "",
    NativeSidecars: config.nativeSidecars,
    ProxyImage: proxyImageURL(
      global,
      nonEmpty(obj(global.proxy).image) ?? "proxyv2",
      str(imageType),
      annotations,
    ),
    ProxyInitImage: proxyImageURL(
      global,
      nonEmpty(obj(global.proxy_init).image) ?? "proxyv2",
      "",
      annotations,
    ),
    ProxyUID: input.proxyIds?.uid ?? DEFAULT_PROXY_ID,
    ProxyGID: input.proxyIds?.gid ?? DEFAULT_PROXY_ID,
    InboundTrafficPolicyMode:
      obj(config.meshConfig.inboundTrafficPolicy).mode === "LOCALHOST" ? "localhost" : "passthrough",
    CompliancePolicy: config.features.COMPLIANCE_POLICY ?? "",
    ProxyEnvs: { ...input.pathEnvs },
  });
}

// ---------------------------------------------------------------------------------------------------
// Workload identity (Istio's GetDeployMetaFromPod).

const CRONJOB_NAME = /^(.+)-\d{8,10}$/;

export function deployMetaFromPod(
  metadata: JsonObject,
  labels: Record<string, string>,
): { typeMeta: TemplateData["TypeMeta"]; deployMeta: TemplateData["DeploymentMeta"] } {
  const podName = str(metadata.name);
  const typeMeta = { kind: "Pod", apiVersion: "v1" };
  const deployMeta = { name: podName, namespace: str(metadata.namespace) };
  // Only a pod whose name is still to be generated was made by a controller worth naming.
  if (str(metadata.generateName) !== "") {
    const refs = Array.isArray(metadata.ownerReferences) ? metadata.ownerReferences.filter(isObject) : [];
    const ref = refs.find((r) => r.controller === true);
    if (ref) {
      typeMeta.apiVersion = str(ref.apiVersion);
      typeMeta.kind = str(ref.kind);
      deployMeta.name = str(ref.name);
      const hash = labels["pod-template-hash"] ?? "";
      const rolloutHash = labels["rollouts-pod-template-hash"] ?? "";
      if (typeMeta.kind === "ReplicaSet" && hash !== "" && deployMeta.name.endsWith(hash)) {
        deployMeta.name = trimSuffix(deployMeta.name, `-${hash}`);
        typeMeta.kind = "Deployment";
      } else if (
        typeMeta.kind === "ReplicaSet" &&
        rolloutHash !== "" &&
        deployMeta.name.endsWith(rolloutHash)
      ) {
        deployMeta.name = trimSuffix(deployMeta.name, `-${rolloutHash}`);
        typeMeta.kind = "Rollout";
        typeMeta.apiVersion = "v1alpha1";
      } else if (typeMeta.kind === "ReplicationController" && (labels.deploymentconfig ?? "") !== "") {
        deployMeta.name = labels.deploymentconfig ?? "";
        typeMeta.kind = "DeploymentConfig";
      } else if (typeMeta.kind === "Job") {
        const m = CRONJOB_NAME.exec(deployMeta.name);
        if (m?.[1] !== undefined) {
          deployMeta.name = m[1];
          typeMeta.kind = "CronJob";
          typeMeta.apiVersion = "batch/v1";
        }
      }
    }
  }
  if (deployMeta.name === "") deployMeta.name = podName;
  return { typeMeta, deployMeta };
}

// ---------------------------------------------------------------------------------------------------
// Images (Istio's ProxyImage / ProxyInitImage).

const KNOWN_IMAGE_TYPES = ["distroless", "debug"];

function proxyImageURL(
  global: JsonObject,
  imageName: string,
  proxyConfigType: string,
  annotations: Record<string, string>,
): string {
  const tag =
    global.tag === undefined || global.tag === null
      ? ""
      : typeof global.tag === "string"
        ? global.tag
        : JSON.stringify(global.tag);
  let imageType = proxyConfigType === "" ? str(global.variant) : proxyConfigType;
  const fromAnnotation = annotations[IMAGE_TYPE_ANNOTATION];
  if (fromAnnotation !== undefined) imageType = fromAnnotation;
  return `${str(global.hub)}/${imageName}:${withImageType(tag, imageType)}`;
}

/** A known type suffix already on the tag is replaced; "default" means no suffix at all. */
function withImageType(tag: string, imageType: string): string {
  if (imageType === "") return tag;
  let base = tag;
  for (const t of KNOWN_IMAGE_TYPES) {
    if (base.endsWith(`-${t}`)) {
      base = base.slice(0, -(t.length + 1));
      break;
    }
  }
  return imageType === "default" ? base : `${base}-${imageType}`;
}

// ---------------------------------------------------------------------------------------------------
// Effective ProxyConfig.

/**
 * Istio's compiled-in defaults, then the mesh `defaultConfig`, then the pod's `proxy.istio.io/config`.
 * Each layer replaces whole top-level fields (so `tracing: {sampling: 5}` drops a mesh tracer) except
 * `proxyMetadata`, which merges by key; fields a layer leaves at proto3 zero do not override. Enum
 * fields read by templates are filled with their zero value so a template can compare them.
 */
export function effectiveProxyConfig(
  mesh: JsonObject,
  annotations: Record<string, string>,
): Result<JsonObject> {
  let pc = clone(istioProxyConfigDefaults);
  pc = overlayProxyConfig(pc, obj(mesh.defaultConfig));
  const text = annotations[PROXY_CONFIG_ANNOTATION];
  if (text !== undefined) {
    const parsed = parseProxyConfig(text);
    if (!parsed.ok)
      return err(`invalid value '${text}' for annotation '${PROXY_CONFIG_ANNOTATION}': ${parsed.error}`);
    pc = overlayProxyConfig(pc, parsed.value);
  }
  if (pc.interceptionMode === undefined) pc.interceptionMode = "REDIRECT";
  if (isObject(pc.proxyMetadata)) pc.proxyMetadata = sortKeysDeep(pc.proxyMetadata) as JsonObject;
  return ok(pc);
}

function overlayProxyConfig(base: JsonObject, layer: JsonObject): JsonObject {
  const out = clone(base);
  for (const [field, value] of Object.entries(layer)) {
    if (isProtoUnset(field, value)) continue;
    if (field === "proxyMetadata" && isObject(value)) {
      out.proxyMetadata = { ...obj(out.proxyMetadata), ...clone(value) };
    } else {
      out[field] = clone(value);
    }
  }
  return out;
}

const SCALAR_KINDS: Record<string, "string" | "number" | "boolean-wrapper" | "number-wrapper"> = {
  configPath: "string",
  binaryPath: "string",
  serviceCluster: "string",
  discoveryAddress: "string",
  zipkinAddress: "string",
  statsdUdpAddress: "string",
  envoyMetricsServiceAddress: "string",
  availabilityZone: "string",
  customConfigFile: "string",
  proxyBootstrapTemplatePath: "string",
  meshId: "string",
  proxyAdminPort: "number",
  statNameLength: "number",
  statusPort: "number",
  concurrency: "number-wrapper",
  holdApplicationUntilProxyStarts: "boolean-wrapper",
};

const ENUMS: Record<string, readonly string[]> = {
  interceptionMode: ["REDIRECT", "TPROXY", "NONE"],
  controlPlaneAuthPolicy: ["NONE", "MUTUAL_TLS", "INHERIT"],
  tracingServiceName: ["APP_LABEL_AND_NAMESPACE", "CANONICAL_NAME_ONLY", "CANONICAL_NAME_AND_NAMESPACE"],
};

const ENUM_NUMBERS: Record<string, Record<number, string>> = {
  interceptionMode: { 0: "REDIRECT", 1: "TPROXY", 2: "NONE" },
  controlPlaneAuthPolicy: { 0: "NONE", 1: "MUTUAL_TLS", 1000: "INHERIT" },
  tracingServiceName: {
    0: "APP_LABEL_AND_NAMESPACE",
    1: "CANONICAL_NAME_ONLY",
    2: "CANONICAL_NAME_AND_NAMESPACE",
  },
};

/**
 * The annotation as a ProxyConfig layer, read like Istio's proto JSON decoder: YAML or JSON, field
 * names in camelCase or snake_case, unknown fields ignored, wrong types refused.
 */
export function parseProxyConfig(text: string): Result<JsonObject> {
  const parsed = parseDocument(text);
  if (!parsed.ok) return err(`could not parse proxy config: ${parsed.error}`);
  const doc = parsed.value;
  if (doc === null || doc === undefined) return ok({});
  if (!isObject(doc)) return err("could not parse proxy config: not a mapping");
  const out: JsonObject = {};
  for (const [rawKey, value] of Object.entries(doc as JsonObject)) {
    const field = rawKey.replace(/_([a-z])/g, (_m, c: string) => c.toUpperCase());
    if (!PROXY_CONFIG_FIELD_SET.has(field) || value === null) continue;
    const checked = checkField(field, value);
    if (!checked.ok) return err(`could not parse proxy config: field ${rawKey}: ${checked.error}`);
    out[field] = checked.value;
  }
  return ok(out);
}

function checkField(field: string, value: Json): Result<Json> {
  const kind = SCALAR_KINDS[field];
  const enumValues = ENUMS[field];
  if (enumValues) {
    if (typeof value === "string" && enumValues.includes(value)) return ok(value);
    const byNumber = typeof value === "number" ? ENUM_NUMBERS[field]?.[value] : undefined;
    if (byNumber !== undefined) return ok(byNumber);
    return err(`invalid value ${JSON.stringify(value)}`);
  }
  switch (kind) {
    case "string":
      return typeof value === "string" ? ok(value) : err(`expected a string, got ${JSON.stringify(value)}`);
    case "number":
    case "number-wrapper": {
      const n = typeof value === "string" && /^-?\d+$/.test(value.trim()) ? Number(value) : value;
      return typeof n === "number" && Number.isInteger(n)
        ? ok(n)
        : err(`expected an integer, got ${JSON.stringify(value)}`);
    }
    case "boolean-wrapper":
      return typeof value === "boolean"
        ? ok(value)
        : err(`expected true or false, got ${JSON.stringify(value)}`);
    default:
      break;
  }
  if (field === "proxyMetadata" || field === "runtimeValues") {
    if (!isObject(value) || !Object.values(value).every((v) => typeof v === "string")) {
      return err("expected a map of strings");
    }
    return ok(value);
  }
  if (field.endsWith("Duration") || field === "discoveryRefreshDelay" || field === "fileFlushInterval") {
    return typeof value === "string" && /^-?\d+(\.\d+)?s$/.test(value)
      ? ok(value)
      : err(`invalid duration ${JSON.stringify(value)}`);
  }
  if (field === "extraStatTags" || field === "caCertificatesPem") {
    return Array.isArray(value) && value.every((v) => typeof v === "string")
      ? ok(value)
      : err("expected a list of strings");
  }
  if (field === "fileFlushMinSizeKb") {
    return typeof value === "number" ? ok(value) : err(`expected a number, got ${JSON.stringify(value)}`);
  }
  return isObject(value) ? ok(value) : err(`expected an object, got ${JSON.stringify(value)}`);
}

// ---------------------------------------------------------------------------------------------------

function obj(v: unknown): JsonObject {
  return isObject(v) ? v : {};
}

function str(v: unknown): string {
  if (typeof v === "string") return v;
  if (typeof v === "number" || typeof v === "boolean") return String(v);
  return "";
}

function nonEmpty(v: unknown): string | undefined {
  return typeof v === "string" && v !== "" ? v : undefined;
}

function trimSuffix(s: string, suffix: string): string {
  return s.endsWith(suffix) ? s.slice(0, -suffix.length) : s;
}
