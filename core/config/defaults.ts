import { clone, isObject, type Json, type JsonObject } from "../json.ts";

/**
 * Istio's defaults, as Outrigger's own constants.
 *
 * How the loader uses them (core/config/load.ts):
 *   values = mergeValues(defaultValues, user.values)      — Helm semantics: deep merge, null deletes.
 *   mesh   = effectiveMesh(user.meshConfig ?? defaultMeshConfig)
 * The user's `meshConfig` plays the part of the `istio` ConfigMap's `mesh` document: when given it
 * replaces what a default install's ConfigMap would hold (as it does in a cluster), and either way it
 * is applied onto Istio's compiled-in defaults, so templates never meet a missing default. A user who
 * wants "default install plus X" writes X together with the few keys of `defaultMeshConfig`.
 */

/** The injector `values` a default install renders (profile defaults, istiod chart values). */
export const defaultValues: JsonObject = {
  gateways: {
    seccompProfile: {},
    securityContext: {},
  },
  global: {
    caAddress: "",
    caName: "",
    certSigners: [],
    configCluster: false,
    configValidation: true,
    defaultPodDisruptionBudget: { enabled: true },
    defaultResources: { requests: { cpu: "10m" } },
    externalIstiod: false,
    hub: "registry.istio.io/testing",
    imagePullPolicy: "",
    imagePullSecrets: [],
    istioNamespace: "istio-system",
    istiod: { enableAnalysis: false },
    logAsJson: false,
    logging: { level: "default:info" },
    meshID: "",
    meshNetworks: {},
    mountMtlsCerts: false,
    multiCluster: { clusterName: "" },
    nativeNftables: false,
    network: "",
    networkPolicy: { enabled: false },
    omitSidecarInjectorConfigMap: false,
    operatorManageWebhooks: false,
    pilotCertProvider: "istiod",
    priorityClassName: "",
    proxy: {
      autoInject: "enabled",
      clusterDomain: "cluster.local",
      componentLogLevel: "misc:error",
      excludeIPRanges: "",
      excludeInboundPorts: "",
      excludeOutboundPorts: "",
      image: "proxyv2",
      includeIPRanges: "*",
      includeInboundPorts: "*",
      includeOutboundPorts: "",
      logLevel: "warning",
      outlierLogPath: "",
      privileged: false,
      readinessFailureThreshold: 4,
      readinessInitialDelaySeconds: 0,
      readinessPeriodSeconds: 15,
      resources: {
        limits: { cpu: "2000m", memory: "1024Mi" },
        requests: { cpu: "100m", memory: "128Mi" },
      },
      seccompProfile: {},
      startupProbe: { enabled: true, failureThreshold: 600 },
      statusPort: 15020,
      tracer: "none",
    },
    proxy_init: {
      forceApplyIptables: false,
      image: "proxyv2",
    },
    remotePilotAddress: "",
    resourceScope: "all",
    sds: { token: { aud: "istio-ca" } },
    sts: { servicePort: 0 },
    tag: "latest",
    variant: "",
    waypoint: {
      affinity: {},
      nodeSelector: {},
      resources: {
        limits: { cpu: "2", memory: "1Gi" },
        requests: { cpu: "100m", memory: "128Mi" },
      },
      tolerations: [],
      topologySpreadConstraints: [],
    },
  },
  pilot: {
    cni: { enabled: false, provider: "default" },
    env: {},
  },
  revision: "",
  sidecarInjectorWebhook: {
    alwaysInjectSelector: [],
    defaultTemplates: [],
    enableNamespacesByDefault: false,
    injectedAnnotations: {},
    neverInjectSelector: [],
    reinvocationPolicy: "Never",
    rewriteAppHTTPProbe: true,
    templates: {},
  },
};

/** Istio's compiled-in ProxyConfig defaults (proto-JSON names and forms). */
export const istioProxyConfigDefaults: JsonObject = {
  configPath: "./etc/istio/proxy",
  binaryPath: "/usr/local/bin/envoy",
  serviceCluster: "istio-proxy",
  drainDuration: "45s",
  discoveryAddress: "istiod.istio-system.svc:15012",
  proxyAdminPort: 15000,
  controlPlaneAuthPolicy: "MUTUAL_TLS",
  statNameLength: 189,
  statusPort: 15020,
  terminationDrainDuration: "5s",
};

/** Istio's compiled-in MeshConfig defaults: what istiod assumes for every key the ConfigMap leaves out. */
export const istioMeshDefaults: JsonObject = {
  accessLogEncoding: "TEXT",
  accessLogFile: "",
  accessLogFormat: "",
  certificates: [],
  connectTimeout: "10s",
  defaultConfig: istioProxyConfigDefaults,
  defaultDestinationRuleExportTo: ["*"],
  defaultProviders: {},
  defaultServiceExportTo: ["*"],
  defaultVirtualServiceExportTo: ["*"],
  dnsRefreshRate: "60s",
  enableAutoMtls: true,
  enableEnvoyAccessLogService: false,
  enablePrometheusMerge: true,
  enableTracing: true,
  extensionProviders: [
    { name: "prometheus", prometheus: {} },
    { name: "stackdriver", stackdriver: {} },
    { name: "envoy", envoyFileAccessLog: { path: "/dev/stdout" } },
  ],
  inboundTrafficPolicy: { mode: "PASSTHROUGH" },
  ingressClass: "istio",
  ingressControllerMode: "STRICT",
  ingressService: "istio-ingressgateway",
  localityLbSetting: { enabled: true },
  outboundTrafficPolicy: { mode: "ALLOW_ANY" },
  protocolDetectionTimeout: "0s",
  proxyInboundListenPort: 15006,
  proxyListenPort: 15001,
  rootNamespace: "istio-system",
  serviceSettings: [],
  trustDomain: "cluster.local",
  trustDomainAliases: [],
};

/** The `mesh` document of a default install's `istio` ConfigMap (what the chart adds to the defaults). */
export const defaultMeshConfig: JsonObject = {
  defaultConfig: { discoveryAddress: "istiod.istio-system.svc:15012" },
  defaultProviders: { metrics: ["prometheus"] },
  enablePrometheusMerge: true,
  rootNamespace: "istio-system",
  trustDomain: "cluster.local",
};

/**
 * Helm-style values merge: maps merge key by key, anything else (lists included) is replaced, and a
 * JSON null removes the key, which is how a user takes a default away (e.g. a CPU limit).
 */
export function mergeValues(base: JsonObject, override: JsonObject): JsonObject {
  const out = clone(base);
  for (const [key, value] of Object.entries(override)) {
    if (value === null) {
      delete out[key];
    } else if (isObject(value) && isObject(out[key])) {
      out[key] = mergeValues(out[key] as JsonObject, value);
    } else {
      out[key] = dropNulls(clone(value));
    }
  }
  return out;
}

/** A null inside a subtree that had nothing to delete means "absent", as Helm leaves it. */
function dropNulls(v: Json): Json {
  if (Array.isArray(v)) return v;
  if (!isObject(v)) return v;
  const out: JsonObject = {};
  for (const [k, x] of Object.entries(v)) if (x !== null) out[k] = dropNulls(x);
  return out;
}

/**
 * The mesh config istiod works with: the user's document applied onto the compiled-in defaults. Objects
 * merge key by key (so `defaultConfig: {discoveryAddress: x}` keeps the other ProxyConfig defaults),
 * lists and scalars are replaced, and `defaultConfig.proxyMetadata` merges by key, as istiod does.
 * Two lists are special in istiod and here: `extensionProviders` merge by name (a provider with a
 * known name replaces that provider, a new one is appended), and `trustDomainAliases` is the sorted
 * union with the defaults. A key the defaults lack keeps the user's value as
 * given, so `defaultConfig.tracing: {}` stays an (explicitly) empty object.
 */
export function effectiveMesh(userMesh: JsonObject): JsonObject {
  const out = deepMerge(istioMeshDefaults, userMesh, new Set(["extensionProviders", "trustDomainAliases"]));
  const providers = userMesh.extensionProviders;
  if (Array.isArray(providers)) {
    const merged = clone(istioMeshDefaults.extensionProviders as JsonObject[]);
    for (const p of providers) {
      if (!isObject(p)) continue;
      const at = merged.findIndex((e) => e.name === p.name);
      if (at >= 0) merged[at] = clone(p);
      else merged.push(clone(p));
    }
    out.extensionProviders = merged;
  }
  const aliases = userMesh.trustDomainAliases;
  if (Array.isArray(aliases)) {
    const all = new Set([
      ...(istioMeshDefaults.trustDomainAliases as string[]),
      ...aliases.filter((a) => typeof a === "string"),
    ]);
    out.trustDomainAliases = [...all].sort();
  }
  return out;
}

function deepMerge(base: JsonObject, over: JsonObject, skip: ReadonlySet<string> = new Set()): JsonObject {
  const out = clone(base);
  for (const [key, value] of Object.entries(over)) {
    if (skip.has(key)) continue;
    if (value === null) continue;
    const current = out[key];
    if (isObject(value) && isObject(current)) out[key] = deepMerge(current, value);
    else out[key] = clone(value);
  }
  return out;
}
