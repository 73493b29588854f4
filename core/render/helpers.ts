import Handlebars from "handlebars/dist/cjs/handlebars.js";
import { stringify } from "yaml";
import { istioProxyConfigDefaults } from "../config/defaults.ts";
import { allow, charge, charged, isOptions, meteredBuiltin, sizeOf, step } from "./budget.ts";
import { otelAttributes } from "./otel.ts";

export { type HelperBudget, withBudget } from "./budget.ts";

/**
 * Template helpers, named and behaving like the functions Istio's injection templates call (Istio's
 * own plus the sprig ones its template uses), so an Istio template ports by syntax, not by meaning.
 *
 * Handlebars has no pipelines: `x | default "a"` is written `(default "a" x)`; the argument order is
 * Go's, so `contains needle haystack` and `join sep list` read as in Istio.
 *
 * Every helper is a pure function of its arguments. Templates are configuration, and configuration
 * must not reach the process environment, files or the network: `env` therefore always yields its
 * default.
 *
 * Output safety: the compiler turns each `{{expr}}` into exactly one YAML scalar, so helpers return
 * plain values. Only helpers whose output is YAML structure (toYaml, and indent/nindent applied to
 * it) return a SafeString, and toYaml builds that text with a YAML serializer, never by pasting.
 */

type Helper = (...args: unknown[]) => unknown;

const { SafeString } = Handlebars;

const isRecord = (v: unknown): v is Record<string, unknown> =>
  typeof v === "object" && v !== null && !Array.isArray(v);

const has = (obj: unknown, key: string): boolean => isRecord(obj) && Object.hasOwn(obj, key);

/** Go template truth: zero values and empty collections are false (Handlebars thinks `{}` is true). */
export function truthy(v: unknown): boolean {
  if (v instanceof SafeString) return v.toString() !== "";
  if (v === null || v === undefined || v === false || v === 0 || v === "") return false;
  if (Number.isNaN(v)) return false;
  if (Array.isArray(v)) return v.length > 0;
  if (isRecord(v)) return Object.keys(v).length > 0;
  return true;
}

/** Go's fmt.Sprint for the values JSON can hold. */
export function sprint(v: unknown): string {
  if (v === null || v === undefined) return "<nil>";
  if (v instanceof SafeString) return v.toString();
  if (typeof v === "string") return v;
  if (typeof v === "number" || typeof v === "boolean" || typeof v === "bigint") return String(v);
  if (Array.isArray(v)) return `[${v.map(sprint).join(" ")}]`;
  if (isRecord(v)) {
    const keys = Object.keys(v).sort();
    return `map[${keys.map((k) => `${k}:${sprint(v[k])}`).join(" ")}]`;
  }
  return String(v);
}

/** A string as the template language sees it: nil is empty, not "<nil>". */
function str(v: unknown): string {
  return v === null || v === undefined ? "" : sprint(v);
}

function toNumber(v: unknown): number {
  if (typeof v === "number") return v;
  if (typeof v === "boolean") return v ? 1 : 0;
  if (typeof v === "string" && v.trim() !== "") {
    const n = Number(v.trim());
    return Number.isFinite(n) ? n : 0;
  }
  return 0;
}

/** Objects with keys in sorted order: Go templates range over maps in key order, Handlebars in insertion order. */
export function sortKeysDeep(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(sortKeysDeep);
  if (!isRecord(v)) return v;
  const out: Record<string, unknown> = {};
  for (const k of Object.keys(v).sort()) out[k] = sortKeysDeep(v[k]);
  return out;
}

// ---------------------------------------------------------------------------------------------------
// printf: the verbs Istio templates use.

function unescapeGo(s: string): string {
  // Most formats have no escape: skip the replace and its scan.
  if (!s.includes("\\")) return s;
  return s.replace(/\\([nt"\\])/g, (_m, c: string) => (c === "n" ? "\n" : c === "t" ? "\t" : c));
}

/**
 * Go's printf for %s %d %t %v %q %%. Go template string literals understand escapes and Handlebars'
 * do not, so escapes in the format (backslash n, t, quote, backslash) are read here, and
 * `printf "%s\n" x` works as in Istio.
 */
export function printf(format: unknown, ...args: unknown[]): string {
  const fmt = unescapeGo(str(format));
  let i = 0;
  let out = "";
  // The text between verbs is copied a run at a time, not a character at a time.
  for (let p = 0; ; p += 2) {
    const percent = fmt.indexOf("%", p);
    if (percent < 0) {
      out += fmt.slice(p);
      break;
    }
    out += fmt.slice(p, percent);
    p = percent;
    const verb = fmt[p + 1];
    if (verb === "%") {
      out += "%";
      continue;
    }
    if (verb === undefined) {
      out += "%!(NOVERB)";
      break;
    }
    if (i >= args.length) {
      out += `%!${verb}(MISSING)`;
      continue;
    }
    const a = args[i++];
    switch (verb) {
      case "d":
        out += typeof a === "number" ? String(Math.trunc(a)) : `%!d(${typeof a}=${sprint(a)})`;
        break;
      case "t":
        out += typeof a === "boolean" ? String(a) : `%!t(${typeof a}=${sprint(a)})`;
        break;
      case "q":
        out += JSON.stringify(sprint(a));
        break;
      default:
        out += sprint(a);
    }
  }
  return out;
}

// ---------------------------------------------------------------------------------------------------
// Istio's own template functions.

/** The annotation's value if the key is present (even when empty), else the default as Go prints it. */
export function annotation(meta: unknown, key: unknown, def: unknown): string {
  const annotations = isRecord(meta) ? meta.annotations : undefined;
  const k = str(key);
  if (isRecord(annotations) && Object.hasOwn(annotations, k)) return str(annotations[k]);
  return sprint(def);
}

export function valueOrDefault(value: unknown, def: unknown): unknown {
  return value === "" || value === null || value === undefined ? def : value;
}

/** Appends the (status) port to a CSV of excluded ports unless it is there already or is unset/0. */
export function excludeInboundPort(port: unknown, csv: unknown): string {
  const p = sprint(port ?? "").trim();
  const existing = str(csv);
  if (p === "" || p === "0" || p === "<nil>") return existing;
  const ports: string[] = [];
  for (const raw of existing.split(",")) {
    if (raw === p) return existing;
    const trimmed = raw.trim();
    if (trimmed !== "") ports.push(trimmed);
  }
  ports.push(p);
  return ports.join(",");
}

function containerPorts(containers: unknown, include: (c: Record<string, unknown>) => boolean): string {
  const parts: string[] = [];
  if (!Array.isArray(containers)) return "";
  for (const c of containers) {
    if (!isRecord(c) || !include(c) || !Array.isArray(c.ports)) continue;
    for (const p of c.ports) {
      if (!isRecord(p) || p.protocol === "UDP" || p.protocol === "SCTP") continue;
      parts.push(String(toNumber(p.containerPort)));
    }
  }
  return parts.join(",");
}

/** Names of the pod's own containers (everything but istio-proxy), in order. */
export function appContainerNames(containers: unknown): string[] {
  if (!Array.isArray(containers)) return [];
  return containers
    .filter((c) => isRecord(c) && c.name !== "istio-proxy")
    .map((c) => str((c as Record<string, unknown>).name));
}

export function includeInboundPorts(containers: unknown): string {
  return containerPorts(containers, () => true);
}

export function applicationPorts(containers: unknown): string {
  return containerPorts(containers, (c) => c.name !== "istio-proxy");
}

/** A ContainerPort as Go's encoding/json writes it: field order of the struct, empty optionals left out. */
export function containerPortJson(port: unknown): string {
  if (!isRecord(port)) return "{}";
  const out: Record<string, unknown> = {};
  if (str(port.name) !== "") out.name = port.name;
  if (toNumber(port.hostPort) !== 0) out.hostPort = toNumber(port.hostPort);
  out.containerPort = toNumber(port.containerPort);
  if (str(port.protocol) !== "") out.protocol = port.protocol;
  if (str(port.hostIP) !== "") out.hostIP = port.hostIP;
  return JSON.stringify(out);
}

/**
 * ISTIO_META_POD_PORTS: every app container port as JSON, one per line, in the exact text layout
 * Istio's template produces (the agent parses it, users diff it).
 */
export function podPortsJson(containers: unknown): string {
  const lines: string[] = [];
  if (Array.isArray(containers)) {
    for (const c of containers) {
      if (!isRecord(c) || !Array.isArray(c.ports)) continue;
      for (const p of c.ports) lines.push(`    ${lines.length > 0 ? "," : ""}${containerPortJson(p)}`);
    }
  }
  return ["[", ...lines, "]"].join("\n");
}

export function toJson(v: unknown): string {
  if (v === undefined || v === null) return "{}";
  try {
    return JSON.stringify(v) ?? "{}";
  } catch {
    return "{}";
  }
}

/** Parsed JSON with map keys sorted (Go ranges maps in key order); on error the string "{}", as Istio. */
export function fromJson(text: unknown): unknown {
  try {
    return sortKeysDeep(JSON.parse(str(text)));
  } catch {
    return "{}";
  }
}

// ProxyConfig fields in the order Istio's proto declares them: protoToJson writes them in this order.
const PROXY_CONFIG_FIELDS = [
  "configPath",
  "binaryPath",
  "serviceCluster",
  "tracingServiceName",
  "drainDuration",
  "parentShutdownDuration",
  "discoveryAddress",
  "discoveryRefreshDelay",
  "zipkinAddress",
  "statsdUdpAddress",
  "envoyMetricsServiceAddress",
  "proxyAdminPort",
  "availabilityZone",
  "controlPlaneAuthPolicy",
  "customConfigFile",
  "statNameLength",
  "concurrency",
  "proxyBootstrapTemplatePath",
  "interceptionMode",
  "tracing",
  "sds",
  "envoyAccessLogService",
  "envoyMetricsService",
  "proxyMetadata",
  "runtimeValues",
  "statusPort",
  "extraStatTags",
  "gatewayTopology",
  "terminationDrainDuration",
  "meshId",
  "readinessProbe",
  "proxyStatsMatcher",
  "holdApplicationUntilProxyStarts",
  "caCertificatesPem",
  "image",
  "privateKeyProvider",
  "proxyHeaders",
  "fileFlushInterval",
  "fileFlushMinSizeKb",
] as const;

export const PROXY_CONFIG_FIELD_SET: ReadonlySet<string> = new Set(PROXY_CONFIG_FIELDS);

/** Enum fields whose zero value proto3 JSON leaves out. */
const ENUM_ZERO: Record<string, string> = {
  interceptionMode: "REDIRECT",
  controlPlaneAuthPolicy: "NONE",
  tracingServiceName: "APP_LABEL_AND_NAMESPACE",
};

/** Message-typed fields (wrappers included): present means set, whatever the value. */
const MESSAGE_FIELDS: ReadonlySet<string> = new Set([
  "drainDuration",
  "parentShutdownDuration",
  "discoveryRefreshDelay",
  "concurrency",
  "tracing",
  "sds",
  "envoyAccessLogService",
  "envoyMetricsService",
  "gatewayTopology",
  "terminationDrainDuration",
  "readinessProbe",
  "proxyStatsMatcher",
  "holdApplicationUntilProxyStarts",
  "image",
  "privateKeyProvider",
  "proxyHeaders",
  "fileFlushInterval",
]);

/** Whether proto3 JSON would leave this ProxyConfig field out as unset. */
export function isProtoUnset(field: string, v: unknown): boolean {
  if (v === undefined || v === null) return true;
  if (MESSAGE_FIELDS.has(field)) return false;
  if (ENUM_ZERO[field] !== undefined && v === ENUM_ZERO[field]) return true;
  if (v === "" || v === 0 || v === false) return true;
  if (Array.isArray(v)) return v.length === 0;
  if (isRecord(v)) return Object.keys(v).length === 0;
  return false;
}

/** Seconds of a proto-JSON duration ("45s", "1.5s"), for comparing durations written differently. */
function durationSeconds(v: unknown): number | undefined {
  if (typeof v !== "string") return undefined;
  const m = /^(-?\d+(?:\.\d+)?)s$/.exec(v.trim());
  return m ? Number(m[1]) : undefined;
}

function sameAsDefault(field: string, v: unknown): boolean {
  const d = istioProxyConfigDefaults[field];
  if (d === undefined) return false;
  if (field.endsWith("Duration")) {
    const a = durationSeconds(v);
    return a !== undefined && a === durationSeconds(d);
  }
  return v === d;
}

/**
 * ProxyConfig as proto JSON without the fields equal to Istio's defaults (the agent fills those in
 * itself), so PROXY_CONFIG stays small: the defaults alone give `{}`.
 */
export function protoToJson(pc: unknown): string {
  if (!isRecord(pc)) return "{}";
  const out: Record<string, unknown> = {};
  const emit = (field: string) => {
    const v = pc[field];
    if (isProtoUnset(field, v) || sameAsDefault(field, v)) return;
    out[field] = field === "proxyMetadata" || field === "runtimeValues" ? sortKeysDeep(v) : v;
  };
  for (const field of PROXY_CONFIG_FIELDS) emit(field);
  return JSON.stringify(out);
}

/** A proto-JSON duration ("90s") as Go's time.Duration prints it ("1m30s"). */
export function formatDuration(v: unknown): string {
  const total = durationSeconds(isRecord(v) ? `${toNumber(v.seconds) + toNumber(v.nanos) / 1e9}s` : v);
  if (total === undefined) return str(v);
  if (total === 0) return "0s";
  const sign = total < 0 ? "-" : "";
  let rest = Math.abs(total);
  if (rest < 1) {
    const ns = Math.round(rest * 1e9);
    if (ns < 1000) return `${sign}${ns}ns`;
    if (ns < 1e6) return `${sign}${trimFloat(ns / 1e3)}µs`;
    return `${sign}${trimFloat(ns / 1e6)}ms`;
  }
  const h = Math.floor(rest / 3600);
  rest -= h * 3600;
  const m = Math.floor(rest / 60);
  rest -= m * 60;
  const s = trimFloat(Math.round(rest * 1e9) / 1e9);
  if (h > 0) return `${sign}${h}h${m}m${s}s`;
  if (m > 0) return `${sign}${m}m${s}s`;
  return `${sign}${s}s`;
}

function trimFloat(n: number): string {
  return String(Number(n.toFixed(9)));
}

/** The directory part of a path, with its trailing slash (Go's path.Split). */
export function directory(p: unknown): string {
  const s = str(p);
  const i = s.lastIndexOf("/");
  return i < 0 ? "" : s.slice(0, i + 1);
}

/** Istio's `contains`: needle first, haystack second (the reverse of strings.Contains). */
export function contains(needle: unknown, haystack: unknown): boolean {
  return str(haystack).includes(str(needle));
}

/** Adds the istio-cni network to a Multus networks annotation (CSV or JSON list form); idempotent. */
export function appendMultusNetwork(existing: unknown, network: unknown): string {
  const value = str(existing);
  const net = str(network);
  if (value === "") return net;
  const close = value.lastIndexOf("]");
  if (close !== -1) {
    let list: unknown;
    try {
      list = JSON.parse(value);
    } catch {
      return value;
    }
    if (!Array.isArray(list)) return value;
    const slash = net.indexOf("/");
    const ns = slash >= 0 ? net.slice(0, slash) : "";
    const name = slash >= 0 ? net.slice(slash + 1) : net;
    for (const n of list) {
      if (isRecord(n) && n.name === name && (n.namespace ?? "") === ns) return value;
    }
    const item =
      ns === ""
        ? `, {"name": ${JSON.stringify(name)}}`
        : `, {"name": ${JSON.stringify(name)}, "namespace": ${JSON.stringify(ns)}}`;
    return value.slice(0, close) + item + value.slice(close);
  }
  for (const n of value.split(",")) if (n.trim() === net) return value;
  return `${value}, ${net}`;
}

export function omit(dict: unknown, ...keys: unknown[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  if (!isRecord(dict)) return out;
  const drop = new Set(keys.map(str));
  for (const [k, v] of Object.entries(dict)) if (!drop.has(k)) out[k] = v;
  return out;
}

export function strdict(...kv: unknown[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (let i = 0; i < kv.length; i += 2) out[str(kv[i])] = i + 1 < kv.length ? str(kv[i + 1]) : "";
  return out;
}

/** Later maps win. */
export function mergeMaps(...maps: unknown[]): Record<string, unknown> | undefined {
  if (maps.length === 0) return undefined;
  const out: Record<string, unknown> = {};
  for (const m of maps) if (isRecord(m)) Object.assign(out, m);
  return out;
}

/** Drops nulls recursively; a map or list left empty by that becomes null itself. */
export function omitNil(v: unknown): unknown {
  if (v === null || v === undefined) return null;
  if (Array.isArray(v)) {
    if (!v.some(hasNil)) return v;
    const out = v.map(omitNil).filter((x) => x !== null);
    return out.length === 0 ? null : out;
  }
  if (isRecord(v)) {
    if (!Object.values(v).some(hasNil)) return v;
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) {
      const f = omitNil(x);
      if (f !== null) out[k] = f;
    }
    return Object.keys(out).length === 0 ? null : out;
  }
  return v;
}

function hasNil(v: unknown): boolean {
  if (v === null || v === undefined) return true;
  if (Array.isArray(v)) return v.some(hasNil);
  if (isRecord(v)) return Object.values(v).some(hasNil);
  return false;
}

/**
 * OTEL_RESOURCE_ATTRIBUTES for the OpenTelemetry K8s service-attribute conventions, when a mesh
 * OpenTelemetry provider asks for them; "" otherwise.
 */
export function otelResourceAttributes(
  mesh: unknown,
  annotations: unknown,
  labels: unknown,
  namespace: unknown,
  containers: unknown,
): string {
  const list = Array.isArray(containers) ? containers.filter(isRecord) : [];
  return otelAttributes({
    providers: isRecord(mesh) ? mesh.extensionProviders : undefined,
    annotation: (k) => (isRecord(annotations) ? str(annotations[k]) : ""),
    label: (k) => (isRecord(labels) ? str(labels[k]) : ""),
    namespace: str(namespace),
    containers: list.map((c) => ({ name: str(c.name), image: str(c.image) })),
  });
}

// ---------------------------------------------------------------------------------------------------
// YAML output.

/** YAML text of a value, as a SafeString: structure the template inserts as is. */
export function toYaml(v: unknown): InstanceType<typeof SafeString> {
  const value = v instanceof SafeString ? v.toString() : (v ?? null);
  let text: string;
  try {
    // No aliases, no block or folded scalars, multi-line strings as one double-quoted line: every
    // line of the text is then self-contained and means the same wherever the template indents it.
    text = stringify(value, {
      aliasDuplicateObjects: false,
      lineWidth: 0,
      blockQuote: false,
      singleQuote: false,
    });
  } catch {
    text = "";
  }
  return new SafeString(text);
}

/** The pad for every line of `text`, refused before it is built if the result would be too large. */
function padding(spaces: unknown, text: string, name: string): string {
  const n = Math.max(0, toNumber(spaces));
  let lines = 1;
  for (let i = text.indexOf("\n"); i >= 0; i = text.indexOf("\n", i + 1)) lines += 1;
  allow(text.length + (n + 1) * lines, `${name} ${n}`);
  return " ".repeat(n);
}

/** Istio's indent: every line but the first is indented (the first follows the template's own text). */
export function indent(spaces: unknown, source: unknown): unknown {
  const text = source instanceof SafeString ? source.toString() : str(source);
  const pad = padding(spaces, text, "indent");
  const out = text
    .split("\n")
    .map((line, i) => (i > 0 ? pad + line : line))
    .join("\n");
  return source instanceof SafeString ? new SafeString(out) : out;
}

/** sprig's nindent: a newline, then every line indented. */
export function nindent(spaces: unknown, source: unknown): unknown {
  const text = source instanceof SafeString ? source.toString() : str(source);
  const pad = padding(spaces, text, "nindent");
  const out = `\n${text
    .split("\n")
    .map((line) => pad + line)
    .join("\n")}`;
  return source instanceof SafeString ? new SafeString(out) : out;
}

// ---------------------------------------------------------------------------------------------------
// sprig and Go builtins.

/** sprig `default d v`: v unless it is empty (nil, "", 0, false, empty list or map). */
function defaultHelper(def: unknown, ...rest: unknown[]): unknown {
  if (rest.length === 0) return def;
  const v = rest[0];
  return truthy(v) ? v : def;
}

function index(coll: unknown, ...keys: unknown[]): unknown {
  let cur = coll;
  for (const k of keys) {
    if (Array.isArray(cur)) cur = cur[toNumber(k)];
    else if (isRecord(cur)) cur = Object.hasOwn(cur, str(k)) ? cur[str(k)] : undefined;
    else return undefined;
  }
  return cur;
}

function len(v: unknown): number {
  if (typeof v === "string" || Array.isArray(v)) return v.length;
  if (isRecord(v)) return Object.keys(v).length;
  return 0;
}

function eq(a: unknown, ...bs: unknown[]): boolean {
  return bs.some((b) => a === b);
}

/** Go's `and`: the first false argument, else the last. */
function and(...args: unknown[]): unknown {
  for (const a of args) if (!truthy(a)) return a;
  return args[args.length - 1];
}

/** Go's `or`: the first true argument, else the last. */
function or(...args: unknown[]): unknown {
  for (const a of args) if (truthy(a)) return a;
  return args[args.length - 1];
}

/** sprig trunc: first n characters, or the last -n when negative. */
function trunc(n: unknown, s: unknown): string {
  const c = toNumber(n);
  const text = str(s);
  if (c < 0 && text.length > -c) return text.slice(text.length + c);
  if (c >= 0 && text.length > c) return text.slice(0, c);
  return text;
}

/** Go's strings.Trim: drop any of the cutset characters from both ends. */
function trimAll(cutset: unknown, s: unknown): string {
  const cut = new Set(str(cutset));
  const chars = [...str(s)];
  let start = 0;
  let end = chars.length;
  while (start < end && cut.has(chars[start] as string)) start++;
  while (end > start && cut.has(chars[end - 1] as string)) end--;
  return chars.slice(start, end).join("");
}

/** The sprig `quote`: Go-quoted text. With Outrigger's compiler `{{x}}` is already a quoted scalar. */
function quote(...args: unknown[]): string {
  return args
    .filter((a) => a !== null && a !== undefined)
    .map((a) => JSON.stringify(sprint(a)))
    .join(" ");
}

function toInt(v: unknown): number {
  return Math.trunc(toNumber(v));
}

/**
 * `{{#let name=value ...}}...{{/let}}`: Go templates' `$name := value`. The names are visible as
 * `@name` in the block and every block nested in it.
 */
function letHelper(this: unknown, ...args: unknown[]): unknown {
  step();
  const last = args[args.length - 1];
  if (!isOptions(last)) return "";
  return charged(last.fn(this, { data: letFrame(last.data, last.hash) }));
}

/** The data of a `let` block: its parent's names and its own. */
export function letFrame(data: unknown, hash: object): object {
  // Handlebars.createFrame(parent) and the names, as one object literal: the same own names, and
  // V8 keeps it a fast object (built by Object.assign it became a dictionary, slower to read and to
  // copy into the frames of nested #each blocks).
  const parent = (data ?? {}) as object;
  return { ...parent, _parent: parent, ...hash };
}

/**
 * `#if` and `#unless` with Go's truth (an empty map is false): Istio templates test maps such as
 * `.Values.global.proxy.seccompProfile`, and values from `and`/`or` may be maps.
 */
function ifHelper(this: unknown, ...args: unknown[]): unknown {
  step();
  const last = args[args.length - 1];
  if (!isOptions(last) || args.length !== 2) throw new Error("#if requires exactly one argument");
  return charged(truthy(args[0]) ? last.fn(this) : last.inverse(this));
}

function unlessHelper(this: unknown, ...args: unknown[]): unknown {
  step();
  const last = args[args.length - 1];
  if (!isOptions(last) || args.length !== 2) throw new Error("#unless requires exactly one argument");
  return charged(truthy(args[0]) ? last.inverse(this) : last.fn(this));
}

const raw: Record<string, Helper> = {
  // Istio
  annotation: annotation as Helper,
  valueOrDefault: valueOrDefault as Helper,
  isset: (m, k) => has(m, str(k)),
  excludeInboundPort: excludeInboundPort as Helper,
  includeInboundPorts: includeInboundPorts as Helper,
  applicationPorts: applicationPorts as Helper,
  kubevirtInterfaces: (s) => str(s),
  excludeInterfaces: (s) => str(s),
  toJson: toJson as Helper,
  toJSON: toJson as Helper,
  fromJson: fromJson as Helper,
  fromJSON: fromJson as Helper,
  structToJson: toJson as Helper,
  structToJSON: toJson as Helper,
  protoToJson: protoToJson as Helper,
  protoToJSON: protoToJson as Helper,
  toYaml: toYaml as Helper,
  indent: indent as Helper,
  nindent: nindent as Helper,
  directory: directory as Helper,
  contains: contains as Helper,
  toLower: (s) => str(s).toLowerCase(),
  toUpper: (s) => str(s).toUpperCase(),
  appendMultusNetwork: appendMultusNetwork as Helper,
  env: (_key, def) => str(def),
  omit: omit as Helper,
  strdict: strdict as Helper,
  toJsonMap: (...maps) => JSON.stringify(mergeMaps(...maps) ?? null),
  mergeMaps: mergeMaps as Helper,
  omitNil: omitNil as Helper,
  formatDuration: formatDuration as Helper,
  otelResourceAttributes: otelResourceAttributes as Helper,
  // Outrigger: what Go's encoding/json and struct printing gave Istio's template for free
  containerPortJson: containerPortJson as Helper,
  podPortsJson: podPortsJson as Helper,
  truthy: truthy as Helper,
  appContainerNames: appContainerNames as Helper,
  // sprig / Go builtins
  default: defaultHelper,
  coalesce: (...args) => args.find(truthy),
  empty: (v) => !truthy(v),
  index,
  len,
  eq: eq as Helper,
  ne: (a, b) => a !== b,
  lt: (a, b) => toNumber(a) < toNumber(b),
  le: (a, b) => toNumber(a) <= toNumber(b),
  gt: (a, b) => toNumber(a) > toNumber(b),
  ge: (a, b) => toNumber(a) >= toNumber(b),
  and,
  or,
  not: (v) => !truthy(v),
  list: (...items) => items,
  append: (l, v) => [...(Array.isArray(l) ? l : []), v],
  join: (sep, l) => {
    if (!Array.isArray(l)) return str(l);
    const parts = l.map(str);
    allow(parts.reduce((n, p) => n + p.length, 0) + str(sep).length * parts.length, "join");
    return parts.join(str(sep));
  },
  split: (sep, s) => str(s).split(str(sep)),
  printf: printf as Helper,
  print: (...args) => args.map(sprint).join(""),
  quote,
  squote: (...args) =>
    args
      .filter((a) => a != null)
      .map((a) => `'${sprint(a)}'`)
      .join(" "),
  trunc,
  trim: (s) => str(s).trim(),
  trimAll,
  trimPrefix: (p, s) => (str(s).startsWith(str(p)) ? str(s).slice(str(p).length) : str(s)),
  trimSuffix: (p, s) => (str(s).endsWith(str(p)) && str(p) !== "" ? str(s).slice(0, -str(p).length) : str(s)),
  hasPrefix: (p, s) => str(s).startsWith(str(p)),
  hasSuffix: (p, s) => str(s).endsWith(str(p)),
  replace: (old, neu, s) => {
    const parts = str(s).split(str(old));
    allow(str(s).length + (parts.length - 1) * str(neu).length, "replace");
    return parts.join(str(neu));
  },
  toString: ((v: unknown) => str(v)) as Helper,
  int: toInt,
  atoi: toInt,
  hasKey: (m, k) => has(m, str(k)),
  dict: (...kv) => {
    const out: Record<string, unknown> = {};
    for (let i = 0; i < kv.length; i += 2) out[str(kv[i])] = kv[i + 1] ?? "";
    return out;
  },
};

/**
 * A helper called with Handlebars' trailing options argument left out. Templates call helpers
 * hundreds of times per render, so the common arities are passed on directly, without copying the
 * arguments.
 */
function withoutOptions(fn: Helper): Helper {
  return (...args: unknown[]) => {
    step();
    return metered(call(fn, args));
  };
}

/** The same helper as the precompiled templates call it: with its own arguments only, no options. */
function plain(fn: Helper): Helper {
  return (...args: unknown[]) => {
    step();
    return metered(fn(...args));
  };
}

function metered(out: unknown): unknown {
  const size = sizeOf(out);
  if (size > 0) {
    allow(size, "a helper");
    charge(size);
  }
  return out;
}

function call(fn: Helper, args: unknown[]): unknown {
  const n = args.length;
  if (n === 0 || !isOptions(args[n - 1])) return fn(...args);
  switch (n) {
    case 1:
      return fn();
    case 2:
      return fn(args[0]);
    case 3:
      return fn(args[0], args[1]);
    case 4:
      return fn(args[0], args[1], args[2]);
    default:
      return fn(...args.slice(0, -1));
  }
}

/** The helpers that take Handlebars' options: the block helpers. */
export const blockHelpers: Record<string, (...args: unknown[]) => unknown> = {
  let: letHelper,
  if: ifHelper,
  unless: unlessHelper,
  // Handlebars' own block helpers, replaced by the same helpers with their bodies metered.
  each: meteredBuiltin("each"),
  with: meteredBuiltin("with"),
  blockHelperMissing: meteredBuiltin("blockHelperMissing"),
};

/** Every helper with Handlebars' trailing options argument removed before the call. */
export const helpers: Record<string, (...args: unknown[]) => unknown> = {
  ...Object.fromEntries(Object.entries(raw).map(([name, fn]) => [name, withoutOptions(fn)])),
  ...blockHelpers,
};

/**
 * The helpers other than block helpers, metered as in `helpers`, for code that calls them with
 * their own arguments only (the precompiled templates: see precompiled.ts).
 */
export const plainHelpers: Record<string, (...args: unknown[]) => unknown> = Object.fromEntries(
  Object.entries(raw).map(([name, fn]) => [name, plain(fn)]),
);

// Characters YAML does not allow raw in a document, plus the ones YAML 1.1 readers treat as line breaks.
// JSON.stringify already escapes C0 controls, `"` and `\`.
const UNSAFE = /[\u007f-\u009f\u2028\u2029\ufeff\ufffe\uffff]/g;
const UNSAFE_CHAR = /[\u007f-\u009f\u2028\u2029\ufeff\ufffe\uffff]/;

/**
 * One value as a single YAML flow scalar or flow collection that parses back to the same value: what
 * every double-stash `{{expr}}` of a Handlebars template emits (see compile.ts).
 */
export function yamlScalar(value: unknown): string {
  if (value === null || value === undefined) return "null";
  if (value instanceof SafeString) return value.toString();
  switch (typeof value) {
    case "boolean":
      return value ? "true" : "false";
    case "number":
      return Number.isFinite(value) ? String(value) : JSON.stringify(String(value));
    case "bigint":
      return value.toString();
    case "string":
      // JSON.stringify leaves these characters as they are, so the string has them where its JSON does.
      return UNSAFE_CHAR.test(value) ? escapeUnsafe(JSON.stringify(value)) : JSON.stringify(value);
    case "object":
      return escapeUnsafe(JSON.stringify(value) ?? "null");
    default:
      return JSON.stringify(String(value));
  }
}

function escapeUnsafe(json: string): string {
  return json.replace(UNSAFE, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`);
}
