/**
 * Removing an injection (`outrigger uninject`): the pod as it was before the webhook or `outrigger
 * inject` changed it, worked out from the injected pod alone, without the config that injected it.
 *
 * `sidecar.istio.io/status` names the containers, volumes and pull secrets the templates added, and
 * Istio's re-injection already knows how to take containers out and put the user's own overrides
 * back (stripInjected, reinsertOverrides), so those are reused as they are. Everything else the
 * injection wrote is recognised by the evidence it leaves: the originals Istio hands to the agent
 * (probes in ISTIO_KUBE_APP_PROBERS, scrape settings in ISTIO_PROMETHEUS_ANNOTATIONS), and metadata
 * whose value is exactly what the template derives from the rest of the pod. A user value equal to
 * what the template would write cannot be told apart from it; removing it is harmless for Istio,
 * because any later injection writes the same value again.
 *
 * What the pod cannot tell, and so comes back differently: metadata written by custom templates or
 * by the config's `injectedAnnotations` stays, as does a gateway's `Values.gateways.securityContext`;
 * under CNI, a traffic annotation the user set goes with the template's copy of it, which has the
 * same value; user overrides come back as Istio saved them (Go's typed Container: canonical
 * quantities, minus what Istio dropped first, such as an OpenShift-assigned runAsUser); scrape
 * annotations the user had already pointed at the agent go; and a probe on a named port the
 * container does not have stays on the agent, as Istio kept no copy of it.
 */
import { err, isObject, type Json, type JsonObject, ok, type Result } from "../json.ts";
import { deployMetaFromPod } from "../render/data.ts";
import { appContainerNames, appendMultusNetwork, helpers } from "../render/helpers.ts";
import { TEMPLATES_ANNOTATION } from "../render/select.ts";
import { NETWORK_ENV, NETWORK_LABEL } from "./cluster.ts";
import {
  annotationsOf,
  type ContainerList,
  find,
  labelsOf,
  list,
  names,
  PROXY,
  setList,
  VALIDATION,
} from "./containers.ts";
import { OVERRIDES_ANNOTATION, reinsertOverrides } from "./overrides.ts";
import {
  decodeProbers,
  findSidecar,
  KUBE_APP_PROBERS_ENV,
  type Prober,
  proberUrls,
  replaceKey,
} from "./probes.ts";
import {
  PROMETHEUS_ENV,
  SECURE_PORT_ANNOTATION,
  SECURE_PORT_ENV,
  stripPrometheusAnnotations,
} from "./prometheus.ts";
import { type InjectionStatus, parseStatus, STATUS_ANNOTATION, stripInjected } from "./status.ts";

const REVISION_ANNOTATION = "istio.io/rev";
const DEFAULT_CONTAINER = "kubectl.kubernetes.io/default-container";
const DEFAULT_LOGS_CONTAINER = "kubectl.kubernetes.io/default-logs-container";
const TLS_MODE_LABEL = "security.istio.io/tlsMode";
const TUNNEL_LABEL = "networking.istio.io/tunnel";
const CANONICAL_NAME_LABEL = "service.istio.io/canonical-name";
const CANONICAL_REVISION_LABEL = "service.istio.io/canonical-revision";
const MULTUS_ANNOTATION = "k8s.v1.cni.cncf.io/networks";
const ISTIO_CNI_NETWORK = "default/istio-cni";
const REWRITE_PROBES_ANNOTATION = "sidecar.istio.io/rewriteAppHTTPProbers";
const AGENT_METRICS_PATH = "/stats/prometheus";
const UNPRIVILEGED_PORTS_SYSCTL = "net.ipv4.ip_unprivileged_port_start";

/** What the sidecar template echoes for the CNI plugin, which reads the pod rather than the config. */
const CNI_ECHOES = [
  "sidecar.istio.io/interceptionMode",
  "traffic.sidecar.istio.io/includeOutboundIPRanges",
  "traffic.sidecar.istio.io/excludeOutboundIPRanges",
  "traffic.sidecar.istio.io/includeInboundPorts",
  "traffic.sidecar.istio.io/excludeInboundPorts",
  "traffic.sidecar.istio.io/includeOutboundPorts",
  "traffic.sidecar.istio.io/excludeOutboundPorts",
];

const FIELDS: readonly ContainerList[] = ["containers", "initContainers"];

/**
 * The pod without the injection its `sidecar.istio.io/status` records. A pod without that
 * annotation was never injected and comes back as it is; one whose annotation is not a JSON object
 * is refused, since what to remove would be a guess. The pod given is not modified.
 */
export function uninjectPod(pod: JsonObject): Result<JsonObject> {
  const raw: Json | undefined = annotationsOf(pod)[STATUS_ANNOTATION];
  if (raw === undefined) return ok(pod);
  const problem = statusProblem(raw);
  const status = problem === undefined ? parseStatus(raw as string) : undefined;
  if (!status) {
    const shown = JSON.stringify(raw).slice(0, 200);
    return err(`annotation ${STATUS_ANNOTATION} is not an injection status (${problem}): ${shown}`);
  }

  // The proxy goes with the injected containers, and its env holds what the injection replaced.
  const proxyEnv = envOf(findSidecar(pod));
  const injectedOrder = {
    containers: names(list(pod, "containers")),
    initContainers: names(list(pod, "initContainers")),
  };

  const stripped = stripInjected(pod, (p) => restorePrometheus(p, proxyEnv));
  const out = reinsertOverrides(stripped);
  settleOverrides(out, stripped, injectedOrder);
  for (const field of ["volumes", "imagePullSecrets"] as const) {
    const injected = new Set(status[field]);
    if (injected.size > 0)
      setList(
        out,
        field,
        list(out, field).filter((item) => !injected.has(String(item.name))),
      );
  }
  const probers = decodeProbers(proxyEnv.get(KUBE_APP_PROBERS_ENV) ?? "");
  for (const field of FIELDS) {
    for (const c of list(out, field)) if (c.name !== PROXY && probers) restoreProbes(c, probers);
  }
  if (templatesOf(pod).includes("gateway")) removeGatewaySysctl(out);

  removeAnnotations(out, status, proxyEnv);
  removeLabels(out, proxyEnv);
  dropEmpty(out);
  return ok(out);
}

/**
 * Why the annotation cannot be read as a status, if it cannot. Stricter than Istio's reading, which
 * takes a bad value as "no status" and injects afresh: here it would mean removing nothing, or the
 * wrong things, from a pod that says it was injected.
 */
function statusProblem(raw: Json): string | undefined {
  let value: unknown;
  try {
    value = typeof raw === "string" ? JSON.parse(raw) : undefined;
  } catch {
    return "not JSON";
  }
  if (!isObject(value)) return "not a JSON object";
  for (const key of ["initContainers", "containers", "volumes", "imagePullSecrets"]) {
    const items = value[key];
    const listOfNames = Array.isArray(items) && items.every((n) => typeof n === "string");
    if (items !== undefined && items !== null && !listOfNames) return `${key} is not a list of names`;
  }
  return undefined;
}

function envOf(container: JsonObject | undefined): Map<string, string> {
  const env = new Map<string, string>();
  if (!container || !Array.isArray(container.env)) return env;
  for (const e of container.env) {
    if (isObject(e) && typeof e.name === "string" && typeof e.value === "string") env.set(e.name, e.value);
  }
  return env;
}

function templatesOf(pod: JsonObject): string[] {
  const requested = annotationsOf(pod)[TEMPLATES_ANNOTATION];
  return typeof requested === "string" ? requested.split(",").map((n) => n.trim()) : [];
}

// ---------------------------------------------------------------------------------------------------
// Containers, volumes, pull secrets

/**
 * The saved overrides come back as Istio stores them (a typed Container), so they are made to read
 * as the user wrote them: `image: auto` is what Istio drops when saving (it means "the injected
 * image"), and `resources: {}` is only the typed form of none. A proxy written for classic sidecars
 * (no `restartPolicy`) followed the proxy into initContainers under native sidecars, and goes back.
 * Order is the injected pod's, which kept the user's containers in their places.
 */
function settleOverrides(
  pod: JsonObject,
  stripped: JsonObject,
  injectedOrder: Record<ContainerList, string[]>,
): void {
  for (const field of FIELDS) {
    const before = new Set(names(list(stripped, field)));
    for (const c of list(pod, field)) {
      if (before.has(String(c.name))) continue;
      if (c.image === undefined) c.image = "auto";
      if (isObject(c.resources) && Object.keys(c.resources).length === 0) delete c.resources;
    }
  }
  const init = list(pod, "initContainers");
  const proxy = init.find((c) => c.name === PROXY && c.restartPolicy === undefined);
  if (proxy && !find(stripped, "initContainers", PROXY)) {
    setList(
      pod,
      "initContainers",
      init.filter((c) => c !== proxy),
    );
    setList(pod, "containers", [...list(pod, "containers"), proxy]);
  }
  for (const field of FIELDS) {
    const order = injectedOrder[field];
    const at = (c: JsonObject) => {
      const i = order.indexOf(String(c.name));
      return i < 0 ? order.length : i;
    };
    const items = list(pod, field);
    // Array.prototype.sort is stable, so containers new to this list keep their relative order.
    if (items.length > 0)
      setList(
        pod,
        field,
        [...items].sort((a, b) => at(a) - at(b)),
      );
  }
}

/** The gateway template lets the proxy bind ports below 1024; without the proxy nothing asked for it. */
function removeGatewaySysctl(pod: JsonObject): void {
  const spec = isObject(pod.spec) ? pod.spec : {};
  const sc = isObject(spec.securityContext) ? spec.securityContext : undefined;
  if (!sc || !Array.isArray(sc.sysctls)) return;
  const sysctls = sc.sysctls.filter(
    (s) => !(isObject(s) && s.name === UNPRIVILEGED_PORTS_SYSCTL && s.value === "0"),
  );
  if (sysctls.length > 0) sc.sysctls = sysctls;
  else delete sc.sysctls;
  if (Object.keys(sc).length === 0) delete spec.securityContext;
}

// ---------------------------------------------------------------------------------------------------
// Probes

/**
 * Puts back the app probes that were pointed at the agent, from the originals Istio kept in
 * ISTIO_KUBE_APP_PROBERS. Only a probe still on its agent URL is touched, so one the user changed
 * since stays theirs.
 */
function restoreProbes(container: JsonObject, probers: Map<string, Prober | null>): void {
  const lifecycle = isObject(container.lifecycle) ? container.lifecycle : {};
  for (const [key, url] of Object.entries(proberUrls(String(container.name ?? "")))) {
    const holder = key === "preStop" || key === "postStart" ? lifecycle : container;
    const handler = holder[key];
    const prober = probers.get(url);
    if (!isObject(handler) || !isObject(handler.httpGet) || handler.httpGet.path !== url || !prober) continue;
    holder[key] = originalHandler(handler, handler.httpGet, portNamer(container)(prober));
  }
}

/**
 * The agent's copy has named ports resolved to numbers. Probes are written against the container's
 * named ports (every such probe in Istio's corpus but one, in a pod injected twice), so a number
 * that exactly one named port of the container has goes back to that name; the kubelet resolves
 * either to the same port.
 */
function portNamer(container: JsonObject): (prober: Prober) => Prober {
  const byNumber = new Map<number, string[]>();
  for (const p of Array.isArray(container.ports) ? container.ports.filter(isObject) : []) {
    if (typeof p.name !== "string" || p.name === "" || typeof p.containerPort !== "number") continue;
    byNumber.set(p.containerPort, [...(byNumber.get(p.containerPort) ?? []), p.name]);
  }
  const named = (port: number | string) => {
    const found = typeof port === "number" ? byNumber.get(port) : undefined;
    return found?.length === 1 ? (found[0] as string) : port;
  };
  return (p) => ({
    ...p,
    ...(p.httpGet ? { httpGet: { ...p.httpGet, port: named(p.httpGet.port) } } : {}),
    ...(p.tcpSocket ? { tcpSocket: { ...p.tcpSocket, port: named(p.tcpSocket.port) } } : {}),
  });
}

function originalHandler(handler: JsonObject, rewritten: JsonObject, prober: Prober): JsonObject {
  if (prober.httpGet) {
    const action: JsonObject = { ...rewritten, port: prober.httpGet.port };
    if (prober.httpGet.path === "") delete action.path;
    else action.path = prober.httpGet.path;
    // The agent is reached over HTTP; it is the agent that calls the app over HTTPS.
    if (prober.httpGet.scheme === "HTTPS") action.scheme = "HTTPS";
    return { ...handler, httpGet: action };
  }
  if (prober.tcpSocket) {
    const { port, host } = prober.tcpSocket;
    return replaceKey(handler, "httpGet", "tcpSocket", host === "" ? { port } : { port, host });
  }
  if (prober.grpc) {
    const { port, service } = prober.grpc;
    return replaceKey(handler, "httpGet", "grpc", service === null ? { port } : { port, service });
  }
  return handler;
}

// ---------------------------------------------------------------------------------------------------
// Prometheus

/**
 * The merge replaced the pod's scrape annotations by ones pointing at the agent and gave the
 * originals to the agent. The agent's set is recognised by its path; the originals come back under
 * their canonical names (the variant spelling, e.g. `prometheus.io.scrape`, is not kept). With
 * scrape targets, port and path only repeated the first target, so the targets alone come back.
 */
function restorePrometheus(pod: JsonObject, proxyEnv: Map<string, string>): void {
  const annotations = annotationsOf(pod);
  const port = Number(annotations["prometheus.io/port"]);
  if (annotations["prometheus.io/path"] !== AGENT_METRICS_PATH || !Number.isInteger(port)) return;
  stripPrometheusAnnotations(pod, port);
  let saved: unknown;
  try {
    saved = JSON.parse(proxyEnv.get(PROMETHEUS_ENV) ?? "{}");
  } catch {
    return;
  }
  if (!isObject(saved)) return;
  const str = (v: Json | undefined) => (typeof v === "string" ? v : "");
  const targets = Array.isArray(saved.targets) ? saved.targets.filter(isObject) : [];
  const original: Record<string, string> = { "prometheus.io/scrape": str(saved.scrape) };
  if (targets.length > 0) {
    original["prometheus.istio.io/scrape-targets"] = targets
      .map((t) => `${str(t.port)}:${str(t.path)}`)
      .join(",");
  } else {
    original["prometheus.io/path"] = str(saved.path);
    original["prometheus.io/port"] = str(saved.port);
  }
  for (const [k, v] of Object.entries(original)) if (v !== "") annotations[k] = v;
}

// ---------------------------------------------------------------------------------------------------
// Metadata

function removeAnnotations(pod: JsonObject, status: InjectionStatus, proxyEnv: Map<string, string>): void {
  const annotations = annotationsOf(pod);
  delete annotations[OVERRIDES_ANNOTATION];
  // The template overwrites a user's value here, so the annotation is always the injector's.
  if (annotations[REVISION_ANNOTATION] === (status.revision || "default"))
    delete annotations[REVISION_ANNOTATION];
  const firstApp = appContainerNames(list(pod, "containers"))[0];
  for (const key of [DEFAULT_CONTAINER, DEFAULT_LOGS_CONTAINER]) {
    if (firstApp !== undefined && annotations[key] === firstApp) delete annotations[key];
  }
  const secure = proxyEnv.get(SECURE_PORT_ENV);
  if (secure !== undefined && annotations[SECURE_PORT_ANNOTATION] === secure)
    delete annotations[SECURE_PORT_ANNOTATION];
  if (status.initContainers.includes(VALIDATION)) {
    for (const key of CNI_ECHOES) delete annotations[key];
    const networks = annotations[MULTUS_ANNOTATION];
    if (networks !== undefined) {
      const before = multusBefore(networks);
      if (before === "") delete annotations[MULTUS_ANNOTATION];
      else annotations[MULTUS_ANNOTATION] = before;
    }
  }
  // The gRPC templates switch probe rewriting off for themselves.
  const grpc = templatesOf(pod).some((t) => t === "grpc-agent" || t === "grpc-simple");
  if (grpc && annotations[REWRITE_PROBES_ANNOTATION] === "false")
    delete annotations[REWRITE_PROBES_ANNOTATION];
}

/**
 * The Multus networks before istio-cni was appended: the one shorter value (CSV or JSON list form)
 * that appending gives back exactly. A value istio-cni was already in is the user's, kept whole.
 */
function multusBefore(value: string): string {
  if (value === ISTIO_CNI_NETWORK) return "";
  const csv = `, ${ISTIO_CNI_NETWORK}`;
  const candidates = [value.endsWith(csv) ? value.slice(0, -csv.length) : undefined];
  const json = value.lastIndexOf(", {");
  if (json >= 0 && value.endsWith("]"))
    candidates.push(value.slice(0, json) + value.slice(value.lastIndexOf("]")));
  for (const c of candidates) {
    if (c !== undefined && appendMultusNetwork(c, ISTIO_CNI_NETWORK) === value && c !== value) return c;
  }
  return value;
}

function removeLabels(pod: JsonObject, proxyEnv: Map<string, string>): void {
  const labels = labelsOf(pod);
  // "istio" tells peers to send Istio mTLS, which a pod without its proxy cannot accept.
  if (labels[TLS_MODE_LABEL] === "istio") delete labels[TLS_MODE_LABEL];
  if (proxyEnv.get("ISTIO_META_ENABLE_HBONE") === "true" && labels[TUNNEL_LABEL] === "http")
    delete labels[TUNNEL_LABEL];
  // The proxy's network is the label's when the pod had one, so the two always agree; a label
  // set by hand to the cluster's own network goes too (see the module comment).
  const network = proxyEnv.get(NETWORK_ENV);
  if (network && labels[NETWORK_LABEL] === network) delete labels[NETWORK_LABEL];

  const revision = labels["app.kubernetes.io/version"] || labels.version || "latest";
  if (labels[CANONICAL_REVISION_LABEL] === revision) delete labels[CANONICAL_REVISION_LABEL];
  const metadata = isObject(pod.metadata) ? pod.metadata : {};
  const name =
    labels["app.kubernetes.io/name"] || labels.app || deployMetaFromPod(metadata, labels).deployMeta.name;
  // The sidecar template shortens the name to a valid label value; the others write it as it is.
  const short = helpers.trimAll?.("-_.", helpers.trunc?.(63, name));
  const value = labels[CANONICAL_NAME_LABEL];
  if (value !== undefined && (value === name || value === short)) delete labels[CANONICAL_NAME_LABEL];
}

/**
 * Kubernetes does not tell an empty map or list from an absent one (the API types omit them when
 * empty), and injection creates the maps it writes to and leaves the lists it empties, so an empty
 * one left behind is the injection's. `containers` is required and always kept.
 */
function dropEmpty(pod: JsonObject): void {
  const empty = (v: Json | undefined) =>
    (Array.isArray(v) && v.length === 0) || (isObject(v) && Object.keys(v).length === 0);
  const metadata = isObject(pod.metadata) ? pod.metadata : {};
  for (const key of ["annotations", "labels"]) if (empty(metadata[key])) delete metadata[key];
  const spec = isObject(pod.spec) ? pod.spec : {};
  for (const key of ["initContainers", "volumes", "imagePullSecrets"]) if (empty(spec[key])) delete spec[key];
}
