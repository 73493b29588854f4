/**
 * App probe rewriting (Istio `applyRewrite`, `DumpAppProbers`, `patchRewriteProbe`; reference §4.8).
 *
 * With mTLS the kubelet cannot reach the app's probe endpoints, so its HTTP/TCP/gRPC probes and
 * HTTP/TCP lifecycle hooks are pointed at pilot-agent's status port, and the originals are handed to
 * the agent in `ISTIO_KUBE_APP_PROBERS` on istio-proxy. That env text is compared byte for byte with
 * the goldens, so it is produced the way Go's encoding/json writes Istio's typed structs: map keys
 * sorted, struct field order, omitempty, HTML-escaped strings.
 */
import { isObject, type Json, type JsonObject, stringMap } from "../json.ts";
import { parseGoBool } from "../validate/annotations.ts";

export const PROXY_CONTAINER = "istio-proxy";
export const KUBE_APP_PROBERS_ENV = "ISTIO_KUBE_APP_PROBERS";
export const REWRITE_ANNOTATION = "sidecar.istio.io/rewriteAppHTTPProbers";
export const STATUS_PORT_ANNOTATION = "status.sidecar.istio.io/port";
const SIDECAR_STATUS_ANNOTATION = "sidecar.istio.io/status";
export const DEFAULT_STATUS_PORT = 15020;

export interface ProbeContext {
  /**
   * meshConfig.defaultConfig.statusPort. Istio takes it from the mesh-wide config, not from the
   * pod's effective ProxyConfig: a `proxy.istio.io/config` statusPort does not move rewritten probes.
   */
  meshStatusPort: number;
  /** values `sidecarInjectorWebhook.rewriteAppHTTPProbe`; the pod annotation overrides it. */
  rewriteDefault: boolean;
}

/** The raw configuration, for callers that would rather not resolve a context first. */
export interface ConfigSources {
  values?: JsonObject;
  meshConfig: JsonObject;
  /** Accepted for symmetry; Istio's post-processing reads the mesh config, never the effective ProxyConfig. */
  proxyConfig?: JsonObject;
}

/** meshConfig.defaultConfig.statusPort, or Istio's default when the mesh config has no usable one. */
export function meshStatusPort(meshConfig: Json | undefined): number {
  const dc = isObject(meshConfig) && isObject(meshConfig.defaultConfig) ? meshConfig.defaultConfig : {};
  const raw = dc.statusPort;
  const port = typeof raw === "string" && /^[0-9]+$/.test(raw) ? Number(raw) : raw;
  // istiod refuses a mesh config whose status port is not a valid port, so it never runs with one.
  return typeof port === "number" && Number.isInteger(port) && port >= 1 && port <= 65535
    ? port
    : DEFAULT_STATUS_PORT;
}

export function probeContext(values: Json | undefined, meshConfig: Json | undefined): ProbeContext {
  const sw = isObject(values) && isObject(values.sidecarInjectorWebhook) ? values.sidecarInjectorWebhook : {};
  const flag = sw.rewriteAppHTTPProbe;
  return {
    meshStatusPort: meshStatusPort(meshConfig),
    // The chart's default is true; a values document without the key means the default.
    rewriteDefault: typeof flag === "boolean" ? flag : true,
  };
}

function resolve(ctx: ProbeContext | ConfigSources): ProbeContext {
  return "meshConfig" in ctx ? probeContext(ctx.values, ctx.meshConfig) : ctx;
}

// ---------------------------------------------------------------------------------------------------
// Go helpers

/** strconv.Atoi: the value, or undefined where Go returns an error. */
export function goAtoi(s: string): number | undefined {
  if (!/^[+-]?[0-9]+$/.test(s)) return undefined;
  const n = BigInt(s);
  if (n > (1n << 63n) - 1n || n < -(1n << 63n)) return undefined;
  return Number(n);
}

/** A JSON string literal as Go's encoding/json writes it (HTML-safe, U+2028/9 escaped, bad UTF-16 → U+FFFD). */
export function goJsonString(s: string): string {
  let out = '"';
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff) {
      const next = s.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) {
        out += s[i] + (s[i + 1] as string);
        i++;
      } else out += "\\ufffd";
      continue;
    }
    if (c >= 0xdc00 && c <= 0xdfff) {
      out += "\\ufffd";
      continue;
    }
    switch (c) {
      case 0x22:
        out += '\\"';
        break;
      case 0x5c:
        out += "\\\\";
        break;
      case 0x08:
        out += "\\b";
        break;
      case 0x0c:
        out += "\\f";
        break;
      case 0x0a:
        out += "\\n";
        break;
      case 0x0d:
        out += "\\r";
        break;
      case 0x09:
        out += "\\t";
        break;
      case 0x3c:
      case 0x3e:
      case 0x26:
      case 0x2028:
      case 0x2029:
        out += `\\u${c.toString(16).padStart(4, "0")}`;
        break;
      default:
        out += c < 0x20 ? `\\u${c.toString(16).padStart(4, "0")}` : s[i];
    }
  }
  return `${out}"`;
}

/** Go sorts map keys by their UTF-8 bytes, which differs from UTF-16 order above U+FFFF. */
function compareUtf8(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a, "utf8"), Buffer.from(b, "utf8"));
}

// ---------------------------------------------------------------------------------------------------
// Istio's Prober: the typed view of a probe that the agent receives

type IntOrString = number | string;

interface HTTPHeader {
  name: string;
  value: string;
}

interface HTTPGetAction {
  path: string;
  port: IntOrString;
  host: string;
  scheme: string;
  httpHeaders: HTTPHeader[];
}

interface TCPSocketAction {
  port: IntOrString;
  host: string;
}

interface GRPCAction {
  port: number;
  service: string | null;
}

export interface Prober {
  httpGet?: HTTPGetAction;
  tcpSocket?: TCPSocketAction;
  grpc?: GRPCAction;
  timeoutSeconds: number;
}

function encodePort(p: IntOrString): string {
  return typeof p === "number" ? String(p) : goJsonString(p);
}

function encodeProber(p: Prober | null): string {
  if (p === null) return "null";
  const parts: string[] = [];
  if (p.httpGet) {
    const h = p.httpGet;
    const f: string[] = [];
    if (h.path !== "") f.push(`"path":${goJsonString(h.path)}`);
    f.push(`"port":${encodePort(h.port)}`);
    if (h.host !== "") f.push(`"host":${goJsonString(h.host)}`);
    if (h.scheme !== "") f.push(`"scheme":${goJsonString(h.scheme)}`);
    if (h.httpHeaders.length > 0) {
      const hs = h.httpHeaders.map(
        (x) => `{"name":${goJsonString(x.name)},"value":${goJsonString(x.value)}}`,
      );
      f.push(`"httpHeaders":[${hs.join(",")}]`);
    }
    parts.push(`"httpGet":{${f.join(",")}}`);
  }
  if (p.tcpSocket) {
    const t = p.tcpSocket;
    const f = [`"port":${encodePort(t.port)}`];
    if (t.host !== "") f.push(`"host":${goJsonString(t.host)}`);
    parts.push(`"tcpSocket":{${f.join(",")}}`);
  }
  if (p.grpc) {
    const svc = p.grpc.service === null ? "null" : goJsonString(p.grpc.service);
    parts.push(`"grpc":{"port":${p.grpc.port},"service":${svc}}`);
  }
  if (p.timeoutSeconds !== 0) parts.push(`"timeoutSeconds":${p.timeoutSeconds}`);
  return `{${parts.join(",")}}`;
}

function encodeProbers(probers: Map<string, Prober | null>): string {
  const keys = [...probers.keys()].sort(compareUtf8);
  return `{${keys.map((k) => `${goJsonString(k)}:${encodeProber(probers.get(k) ?? null)}`).join(",")}}`;
}

// Lenient reading of the pod. The API server has already validated it, but nothing here is trusted:
// a field of the wrong type reads as absent, and a port that is neither a number nor a string reads
// as unresolvable.

const str = (v: Json | undefined): string => (typeof v === "string" ? v : "");
const isInt32 = (v: unknown): v is number =>
  typeof v === "number" && Number.isInteger(v) && v >= -(2 ** 31) && v < 2 ** 31;
const int = (v: Json | undefined): number => (isInt32(v) ? v : 0);

function podPort(v: Json | undefined): IntOrString | undefined {
  if (v === undefined || v === null) return 0; // Go's zero IntOrString
  if (isInt32(v) || typeof v === "string") return v;
  return undefined;
}

function podHeaders(v: Json | undefined): HTTPHeader[] {
  if (!Array.isArray(v)) return [];
  return v.map((h) => (isObject(h) ? { name: str(h.name), value: str(h.value) } : { name: "", value: "" }));
}

/** The handler of a probe or lifecycle hook in Go's precedence: httpGet, then tcpSocket, then grpc. */
function podProber(probe: JsonObject, withGrpc: boolean, withTimeout: boolean): Prober | undefined {
  const timeoutSeconds = withTimeout ? int(probe.timeoutSeconds) : 0;
  const h = probe.httpGet;
  if (isObject(h)) {
    const port = podPort(h.port);
    if (port === undefined) return undefined;
    return {
      httpGet: {
        path: str(h.path),
        port,
        host: str(h.host),
        scheme: str(h.scheme),
        httpHeaders: podHeaders(h.httpHeaders),
      },
      timeoutSeconds,
    };
  }
  const t = probe.tcpSocket;
  if (isObject(t)) {
    const port = podPort(t.port);
    if (port === undefined) return undefined;
    return { tcpSocket: { port, host: str(t.host) }, timeoutSeconds };
  }
  const g = probe.grpc;
  if (withGrpc && isObject(g)) {
    return {
      grpc: { port: int(g.port), service: typeof g.service === "string" ? g.service : null },
      timeoutSeconds,
    };
  }
  return undefined;
}

/** Named ports become numbers; a name the container lacks, or a probe already on the agent, drops out. */
function resolvePort(p: Prober | undefined, ports: Map<string, number>, target: number): Prober | undefined {
  if (!p) return undefined;
  if (p.grpc) return p; // gRPC ports are always numbers
  const action = p.httpGet ?? p.tcpSocket;
  if (!action) return undefined;
  if (typeof action.port === "string") {
    const n = ports.get(action.port);
    if (n === undefined) return undefined;
    action.port = n;
  } else if (action.port === target) {
    return undefined;
  }
  return p;
}

export function proberUrls(name: string) {
  return {
    readinessProbe: `/app-health/${name}/readyz`,
    livenessProbe: `/app-health/${name}/livez`,
    startupProbe: `/app-health/${name}/startupz`,
    preStop: `/app-lifecycle/${name}/prestopz`,
    postStart: `/app-lifecycle/${name}/poststartz`,
  };
}

const PROBES = ["readinessProbe", "livenessProbe", "startupProbe"] as const;
const HOOKS = ["preStop", "postStart"] as const;

function containerList(pod: JsonObject, field: "containers" | "initContainers"): JsonObject[] {
  const spec = pod.spec;
  if (!isObject(spec)) return [];
  const list = spec[field];
  return Array.isArray(list) ? list.filter(isObject) : [];
}

/** Istio's FindSidecar: the first istio-proxy in containers, else in initContainers (native sidecars). */
export function findSidecar(pod: JsonObject): JsonObject | undefined {
  return (
    containerList(pod, "containers").find((c) => c.name === PROXY_CONTAINER) ??
    containerList(pod, "initContainers").find((c) => c.name === PROXY_CONTAINER)
  );
}

/** Istio's DumpAppProbers: the originals, keyed by agent URL, or "" when there are none. */
export function dumpAppProbers(pod: JsonObject, targetPort: number): string {
  const out = new Map<string, Prober | null>();
  // Init containers first: a regular container of the same name wins, as in Go.
  for (const c of [...containerList(pod, "initContainers"), ...containerList(pod, "containers")]) {
    const name = str(c.name);
    if (name === PROXY_CONTAINER) continue;
    const urls = proberUrls(name);
    const ports = new Map<string, number>();
    if (Array.isArray(c.ports)) {
      for (const p of c.ports) {
        if (!isObject(p) || typeof p.name !== "string" || p.name === "") continue;
        if (p.containerPort === undefined || p.containerPort === null) ports.set(p.name, 0);
        else if (isInt32(p.containerPort)) ports.set(p.name, p.containerPort);
      }
    }
    for (const key of PROBES) {
      const probe = c[key];
      if (!isObject(probe)) continue;
      const p = resolvePort(podProber(probe, true, true), ports, targetPort);
      if (p) out.set(urls[key], p);
    }
    const lifecycle = c.lifecycle;
    if (isObject(lifecycle)) {
      for (const key of HOOKS) {
        const hook = lifecycle[key];
        if (!isObject(hook)) continue;
        const p = resolvePort(podProber(hook, false, false), ports, targetPort);
        if (p) out.set(urls[key], p);
      }
    }
  }
  return out.size === 0 ? "" : encodeProbers(out);
}

// ---------------------------------------------------------------------------------------------------
// Decoding a previous ISTIO_KUBE_APP_PROBERS the way Go's typed json.Unmarshal does: any type
// mismatch fails the whole decode, field names match case-insensitively, unknown fields are ignored.

class DecodeError extends Error {}

function field(obj: JsonObject, name: string): Json | undefined {
  if (Object.hasOwn(obj, name)) return obj[name];
  const lower = name.toLowerCase();
  let found: Json | undefined;
  for (const [k, v] of Object.entries(obj)) if (k.toLowerCase() === lower) found = v;
  return found;
}

function dString(v: Json | undefined): string {
  if (v === undefined || v === null) return "";
  if (typeof v !== "string") throw new DecodeError();
  return v;
}

function dInt32(v: Json | undefined): number {
  if (v === undefined || v === null) return 0;
  if (!isInt32(v)) throw new DecodeError();
  return v;
}

function dPort(v: Json | undefined): IntOrString {
  return typeof v === "string" ? v : dInt32(v);
}

function dObject(v: Json | undefined): JsonObject | undefined {
  if (v === undefined || v === null) return undefined;
  if (!isObject(v)) throw new DecodeError();
  return v;
}

function decodeProber(v: Json): Prober | null {
  const o = dObject(v);
  if (!o) return null;
  const p: Prober = { timeoutSeconds: dInt32(field(o, "timeoutSeconds")) };
  const h = dObject(field(o, "httpGet"));
  if (h) {
    const hv = field(h, "httpHeaders");
    let headers: HTTPHeader[] = [];
    if (hv !== undefined && hv !== null) {
      if (!Array.isArray(hv)) throw new DecodeError();
      headers = hv.map((x) => {
        const ho = dObject(x);
        return { name: ho ? dString(field(ho, "name")) : "", value: ho ? dString(field(ho, "value")) : "" };
      });
    }
    p.httpGet = {
      path: dString(field(h, "path")),
      port: dPort(field(h, "port")),
      host: dString(field(h, "host")),
      scheme: dString(field(h, "scheme")),
      httpHeaders: headers,
    };
  }
  const t = dObject(field(o, "tcpSocket"));
  if (t) p.tcpSocket = { port: dPort(field(t, "port")), host: dString(field(t, "host")) };
  const g = dObject(field(o, "grpc"));
  if (g) {
    const svc = field(g, "service");
    if (svc !== undefined && svc !== null && typeof svc !== "string") throw new DecodeError();
    p.grpc = { port: dInt32(field(g, "port")), service: typeof svc === "string" ? svc : null };
  }
  return p;
}

export function decodeProbers(text: string): Map<string, Prober | null> | undefined {
  let doc: Json;
  try {
    doc = JSON.parse(text) as Json;
  } catch {
    return undefined;
  }
  const out = new Map<string, Prober | null>();
  if (doc === null) return out;
  if (!isObject(doc)) return undefined;
  try {
    for (const [k, v] of Object.entries(doc)) out.set(k, decodeProber(v));
  } catch (e) {
    if (e instanceof DecodeError) return undefined;
    throw e;
  }
  return out;
}

/**
 * Istio's mergeOrAppendProbers. On re-injection the previous value is kept and new probes are added
 * (old keys win), because the probes it describes have already been rewritten and can no longer be
 * dumped. A previous value Go cannot decode leaves the env as it is.
 */
export function mergeOrAppendProbers(previouslyInjected: boolean, env: Json[], probers: string): Json[] {
  const entry = (value: string): JsonObject => ({ name: KUBE_APP_PROBERS_ENV, value });
  if (!previouslyInjected) return [...env, entry(probers)];
  const idx = env.findIndex((e) => isObject(e) && e.name === KUBE_APP_PROBERS_ENV);
  if (idx < 0) return [...env, entry(probers)];
  const existingEnv = env[idx] as JsonObject;
  const existing = decodeProbers(str(existingEnv.value));
  const fresh = decodeProbers(probers);
  if (!existing || !fresh) return env;
  for (const [k, v] of existing) fresh.set(k, v);
  const out = [...env];
  out[idx] = entry(encodeProbers(fresh));
  return out;
}

// ---------------------------------------------------------------------------------------------------
// Rewriting the probes themselves

/** Replaces one key of an object by another in the same position, so the probe reads naturally. */
export function replaceKey(obj: JsonObject, from: string, to: string, value: Json): JsonObject {
  const out: JsonObject = {};
  for (const [k, v] of Object.entries(obj)) {
    if (k === from) out[to] = value;
    else if (k !== to) out[k] = v;
  }
  return out;
}

function rewriteHttpGet(action: JsonObject, url: string, port: number): JsonObject {
  const out: JsonObject = { ...action, path: url, port };
  // Kubelet → HTTP → agent → HTTPS → app: the agent keeps the original scheme.
  if (action.scheme === "HTTPS") out.scheme = "HTTP";
  return out;
}

/** Istio's convertAppProber / convertAppLifecycleHandler: undefined when the handler is not rewritten. */
function convertHandler(
  handler: JsonObject,
  url: string,
  port: number,
  withGrpc: boolean,
): JsonObject | undefined {
  if (isObject(handler.httpGet)) return { ...handler, httpGet: rewriteHttpGet(handler.httpGet, url, port) };
  // The sidecar intercepts the connection either way, so TCP and gRPC checks become an HTTP call to the agent.
  if (isObject(handler.tcpSocket)) return replaceKey(handler, "tcpSocket", "httpGet", { path: url, port });
  if (withGrpc && isObject(handler.grpc)) return replaceKey(handler, "grpc", "httpGet", { path: url, port });
  return undefined;
}

function convertContainer(c: JsonObject, statusPort: number): void {
  const urls = proberUrls(str(c.name));
  for (const key of PROBES) {
    const probe = c[key];
    if (!isObject(probe)) continue;
    const next = convertHandler(probe, urls[key], statusPort, true);
    if (next) c[key] = next;
  }
  const lifecycle = c.lifecycle;
  if (!isObject(lifecycle)) return;
  for (const key of HOOKS) {
    const hook = lifecycle[key];
    if (!isObject(hook)) continue;
    const next = convertHandler(hook, urls[key], statusPort, false);
    if (next) lifecycle[key] = next;
  }
}

/** Istio's ShouldRewriteAppHTTPProbers: a parseable pod annotation wins over the values setting. */
export function shouldRewriteAppProbes(
  annotations: Record<string, string>,
  rewriteDefault: boolean,
): boolean {
  const v = annotations[REWRITE_ANNOTATION];
  if (v !== undefined && Object.hasOwn(annotations, REWRITE_ANNOTATION)) {
    const b = parseGoBool(v);
    if (b !== undefined) return b;
  }
  return rewriteDefault;
}

/**
 * The port rewritten probes target: the pod's `status.sidecar.istio.io/port`, else the mesh status
 * port. Like Istio, a value `strconv.Atoi` rejects (" 15021" passes validation, which trims) becomes 0,
 * and an annotation of "0" is used as is: Istio then writes probes on port 0, which the API server
 * refuses. We keep that for parity rather than invent a different outcome.
 */
export function probeTargetPort(annotations: Record<string, string>, meshPort: number): number {
  if (!Object.hasOwn(annotations, STATUS_PORT_ANNOTATION)) return meshPort;
  const n = goAtoi(annotations[STATUS_PORT_ANNOTATION] ?? "");
  // int32(port), as intstr.FromInt32 stores it
  return n === undefined ? 0 : Number(BigInt.asIntN(32, BigInt(n)));
}

/**
 * Rewrites the probes of the merged pod in place (Istio `applyRewrite`). Reads the pod's own
 * annotations, as Istio does at this point: the rewrite toggle, the status port, and the status
 * annotation of a previous injection (so call this before the new status annotation is written).
 * Nothing happens without an istio-proxy container.
 */
export function rewriteAppProbes(pod: JsonObject, context: ProbeContext | ConfigSources): void {
  const ctx = resolve(context);
  const sidecar = findSidecar(pod);
  if (!sidecar) return;
  const metadata = isObject(pod.metadata) ? pod.metadata : {};
  const annotations = stringMap(metadata.annotations);
  if (!shouldRewriteAppProbes(annotations, ctx.rewriteDefault)) return;

  const probers = dumpAppProbers(pod, ctx.meshStatusPort);
  if (probers !== "") {
    const previouslyInjected =
      isObject(metadata.annotations) && Object.hasOwn(metadata.annotations, SIDECAR_STATUS_ANNOTATION);
    const env = Array.isArray(sidecar.env) ? sidecar.env : [];
    sidecar.env = mergeOrAppendProbers(previouslyInjected, env, probers);
  }

  const port = probeTargetPort(annotations, ctx.meshStatusPort);
  for (const c of [...containerList(pod, "containers"), ...containerList(pod, "initContainers")]) {
    if (c.name === PROXY_CONTAINER) continue;
    convertContainer(c, port);
  }
}
