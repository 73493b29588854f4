/**
 * Pod annotation validation before rendering (Istio `validateAnnotations`, reference §4.12). The
 * values are interpolated into template text, so a bad one must deny the pod rather than produce a
 * broken (or injected) sidecar. Only the annotations listed here are checked; any other key passes.
 *
 * Reasons reproduce Istio's wording, including its quirks (a bad status port says
 * "excludeInboundPorts invalid"), because callers and Istio's own tests match on those substrings.
 */
import { parseDocument } from "../document/yaml.ts";
import { isObject, type Json, type JsonObject } from "../json.ts";
import { parseQuantityDetailed } from "./quantity.ts";
import { hasControl, imageReference, imageType, volumeMount, volumeSource } from "./structural.ts";

type Check = (value: string) => string | undefined;

const VALIDATORS: Record<string, Check> = {
  "sidecar.istio.io/interceptionMode": interceptionMode,
  "status.sidecar.istio.io/port": statusPort,
  "readiness.status.sidecar.istio.io/initialDelaySeconds": uint32,
  "readiness.status.sidecar.istio.io/periodSeconds": uint32,
  "readiness.status.sidecar.istio.io/failureThreshold": uint32,
  "traffic.sidecar.istio.io/includeOutboundIPRanges": includeIPRanges,
  "traffic.sidecar.istio.io/excludeOutboundIPRanges": excludeIPRanges,
  "traffic.sidecar.istio.io/includeInboundPorts": (v) =>
    v === "*" ? undefined : portList("includeInboundPorts", v),
  "traffic.sidecar.istio.io/excludeInboundPorts": (v) => portList("excludeInboundPorts", v),
  "traffic.sidecar.istio.io/excludeOutboundPorts": (v) => portList("excludeOutboundPorts", v),
  "traffic.sidecar.istio.io/excludeInterfaces": interfaceNames,
  "traffic.sidecar.istio.io/kubevirtInterfaces": interfaceNames,
  "istio.io/reroute-virtual-interfaces": interfaceNames,
  "prometheus.istio.io/merge-metrics": goBool,
  "proxy.istio.io/config": proxyConfig,
  "sidecar.istio.io/proxyCPU": resourceQuantity,
  "sidecar.istio.io/proxyMemory": resourceQuantity,
  "sidecar.istio.io/proxyCPULimit": resourceQuantity,
  "sidecar.istio.io/proxyMemoryLimit": resourceQuantity,
  // Not validated by Istio: values that become structural fields of the pod, where the API server
  // would refuse them (a 422 naming a field the user never wrote) or where a line break would
  // change the YAML the template renders.
  "sidecar.istio.io/proxyImage": imageReference,
  "sidecar.istio.io/proxyImageType": imageType,
  "sidecar.istio.io/userVolume": (v) => userVolumes(v, volumeSource),
  "sidecar.istio.io/userVolumeMount": (v) => userVolumes(v, volumeMount),
};

/** Every invalid validated annotation, one message each, in key order so the output is stable. */
export function validateAnnotations(annotations: Record<string, string>): string[] {
  const out: string[] = [];
  for (const key of Object.keys(annotations).sort()) {
    if (!Object.hasOwn(VALIDATORS, key)) continue;
    const value = annotations[key];
    const check = VALIDATORS[key];
    if (typeof value !== "string" || !check) continue;
    const reason = check(value);
    // Values and reasons are cut: the message goes back to the API server and into the logs.
    if (reason !== undefined)
      out.push(`invalid value '${cut(value, 200)}' for annotation '${key}': ${cut(reason, 400)}`);
  }
  return out;
}

function cut(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max)}...[cut ${text.length - max} characters]`;
}

// ---------------------------------------------------------------------------------------------------
// Go standard library behaviours the rules depend on

/** strconv.ParseBool */
export function parseGoBool(s: string): boolean | undefined {
  switch (s) {
    case "1":
    case "t":
    case "T":
    case "TRUE":
    case "true":
    case "True":
      return true;
    case "0":
    case "f":
    case "F":
    case "FALSE":
    case "false":
    case "False":
      return false;
    default:
      return undefined;
  }
}

/** strconv.Quote, close enough for error text: Go escapes, printable Unicode kept. */
export function goQuote(s: string): string {
  let out = '"';
  for (const ch of s) {
    const c = ch.codePointAt(0) as number;
    if (ch === '"' || ch === "\\") out += `\\${ch}`;
    else if (ch === "\x07") out += "\\a";
    else if (ch === "\b") out += "\\b";
    else if (ch === "\f") out += "\\f";
    else if (ch === "\n") out += "\\n";
    else if (ch === "\r") out += "\\r";
    else if (ch === "\t") out += "\\t";
    else if (ch === "\v") out += "\\v";
    else if (c < 0x20 || c === 0x7f) out += `\\x${c.toString(16).padStart(2, "0")}`;
    else if ((c >= 0x80 && c < 0xa0) || (c >= 0xd800 && c <= 0xdfff))
      out += `\\u${c.toString(16).padStart(4, "0")}`;
    else out += ch;
  }
  return `${out}"`;
}

// unicode.IsSpace
const GO_SPACE =
  /^[\t\n\v\f\r \u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]+|[\t\n\v\f\r \u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]+$/g;
/** strings.TrimSpace (unlike String.prototype.trim, it keeps U+FEFF). */
export function goTrimSpace(s: string): string {
  return s.replace(GO_SPACE, "");
}

/** strconv.ParseUint(s, 10, bits): the value, or Go's error text. */
function parseUint(s: string, bits: 16 | 32): number | string {
  if (!/^[0-9]+$/.test(s)) return `strconv.ParseUint: parsing ${goQuote(s)}: invalid syntax`;
  const v = BigInt(s);
  if (v >= 1n << BigInt(bits)) return `strconv.ParseUint: parsing ${goQuote(s)}: value out of range`;
  return Number(v);
}

// ---------------------------------------------------------------------------------------------------
// Rules

function interceptionMode(mode: string): string | undefined {
  if (mode === "REDIRECT" || mode === "TPROXY" || mode === "NONE") return undefined;
  return `interceptionMode invalid, use REDIRECT,TPROXY,NONE: ${mode}`;
}

function uint32(value: string): string | undefined {
  const r = parseUint(value, 32);
  return typeof r === "string" ? r : undefined;
}

function goBool(value: string): string | undefined {
  return parseGoBool(value) === undefined
    ? `strconv.ParseBool: parsing ${goQuote(value)}: invalid syntax`
    : undefined;
}

/** A single port: uint16 after trimming (so " 80" passes). */
export function parsePort(portStr: string): number | string {
  const r = parseUint(goTrimSpace(portStr), 16);
  return typeof r === "string" ? `failed parsing port '${portStr}': ${r}` : r;
}

/** A comma-separated port list; the whole list is trimmed first and may be empty. */
export function parsePorts(ports: string): number[] | string {
  const trimmed = goTrimSpace(ports);
  if (trimmed.length === 0) return [];
  const out: number[] = [];
  for (const p of trimmed.split(",")) {
    const r = parsePort(p);
    if (typeof r === "string") return `failed parsing port '${p}': ${r}`;
    out.push(r);
  }
  return out;
}

function statusPort(value: string): string | undefined {
  const r = parsePort(value);
  // Istio's wording, copied from the exclude-ports check; kept for message parity.
  return typeof r === "string" ? `excludeInboundPorts invalid: ${r}` : undefined;
}

function portList(name: string, ports: string): string | undefined {
  const r = parsePorts(ports);
  return typeof r === "string" ? `${name} invalid: ${r}` : undefined;
}

function includeIPRanges(ranges: string): string | undefined {
  if (ranges === "*") return undefined;
  const e = cidrList(ranges);
  return e === undefined ? undefined : `includeIPRanges invalid: ${e}`;
}

function excludeIPRanges(ranges: string): string | undefined {
  const e = cidrList(ranges);
  return e === undefined ? undefined : `excludeIPRanges invalid: ${e}`;
}

/** Entries are not trimmed: Go's netip rejects " 10.0.0.0/8", and so does Istio. */
function cidrList(cidrs: string): string | undefined {
  if (cidrs.length === 0) return undefined;
  for (const cidr of cidrs.split(",")) {
    const e = parsePrefixError(cidr);
    if (e !== undefined) return `failed parsing cidr '${cidr}': ${e}`;
  }
  return undefined;
}

const INTERFACE_NAME = /^[a-zA-Z][a-zA-Z0-9_.-]*$/;

function interfaceNames(interfaces: string): string | undefined {
  if (interfaces.length === 0) return undefined;
  for (const raw of interfaces.split(",")) {
    const iface = goTrimSpace(raw);
    if (iface.length === 0) return "empty interface name";
    // Go counts bytes; after the character check below only ASCII can pass, but the length test runs first.
    if (Buffer.byteLength(iface, "utf8") > 15)
      return `interface name ${goQuote(iface)} too long (max 15 chars)`;
    if (!INTERFACE_NAME.test(iface)) return `interface name ${goQuote(iface)} contains invalid characters`;
  }
  return undefined;
}

function resourceQuantity(value: string): string | undefined {
  if (hasControl(value)) return "value contains control characters";
  const q = parseQuantityDetailed(value);
  return typeof q === "string" ? q : undefined;
}

// ---------------------------------------------------------------------------------------------------
// User volumes: the JSON shape and the names here, each entry in structural.ts

const DNS_1123_LABEL = /^[a-z0-9](?:[-a-z0-9]{0,61}[a-z0-9])?$/;

/** `{name: object}` as JSON, the shape the templates iterate; each name must be a valid volume name. */
function userVolumes(
  value: string,
  checkEntry: (entry: JsonObject) => string | undefined,
): string | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(value);
  } catch {
    return "not valid JSON; want a JSON object {name: {...}}";
  }
  if (!isObject(parsed)) return "want a JSON object {name: {...}}";
  for (const [name, entry] of Object.entries(parsed)) {
    if (!DNS_1123_LABEL.test(name))
      return `volume name ${goQuote(cut(name, 80))} is not a DNS-1123 label (lower-case letters, digits and '-', at most 63)`;
    if (!isObject(entry)) return `volume ${goQuote(name)}: want a JSON object`;
    const reason = checkEntry(entry);
    if (reason !== undefined) return `volume ${goQuote(name)}: ${reason}`;
  }
  return undefined;
}

// ---------------------------------------------------------------------------------------------------
// netip.ParsePrefix

/** Go's netip.ParsePrefix: undefined when valid, else its error text. Host bits may be set ("10.1.2.3/8" is fine). */
export function parsePrefixError(s: string): string | undefined {
  const fail = (msg: string) => `netip.ParsePrefix(${goQuote(s)}): ${msg}`;
  const slash = s.lastIndexOf("/");
  if (slash < 0) return fail("no '/'");
  const addr = parseAddr(s.slice(0, slash));
  if (typeof addr === "string") return fail(addr);
  if (addr.zone) return fail("IPv6 zones cannot be present in a prefix");
  const bitsStr = s.slice(slash + 1);
  // No sign, no leading zero, digits only.
  if (!/^(0|[1-9][0-9]*)$/.test(bitsStr) || bitsStr.length > 18)
    return fail(`bad bits after slash: ${goQuote(bitsStr)}`);
  const bits = Number(bitsStr);
  if (bits > (addr.v6 ? 128 : 32)) return fail("prefix length out of range");
  return undefined;
}

interface Addr {
  v6: boolean;
  zone: boolean;
}

/** netip.ParseAddr: the address family, or Go's error text. */
export function parseAddr(s: string): Addr | string {
  for (const ch of s) {
    if (ch === ".") {
      const e = ipv4Error(s, s);
      return e === undefined ? { v6: false, zone: false } : e;
    }
    if (ch === ":") return parseIPv6(s);
    if (ch === "%") return addrError(s, "missing IPv6 address");
  }
  return addrError(s, "unable to parse IP");
}

function addrError(input: string, msg: string, at = ""): string {
  return `ParseAddr(${goQuote(input)}): ${msg}${at ? ` (at ${goQuote(at)})` : ""}`;
}

/** Dotted quad, no leading zeros, exactly four fields. `input` is the whole address, for the message. */
function ipv4Error(input: string, s: string): string | undefined {
  let val = 0;
  let fields = 0;
  let digits = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s[i] as string;
    if (c >= "0" && c <= "9") {
      if (digits === 1 && val === 0) return addrError(input, "IPv4 field has octet with leading zero");
      val = val * 10 + (c.charCodeAt(0) - 48);
      digits++;
      if (val > 255) return addrError(input, "IPv4 field has value >255");
    } else if (c === ".") {
      if (i === 0 || i === s.length - 1 || s[i - 1] === ".") {
        return addrError(input, "IPv4 field must have at least one digit", s.slice(i));
      }
      if (fields === 3) return addrError(input, "IPv4 address too long");
      fields++;
      val = 0;
      digits = 0;
    } else {
      return addrError(input, "unexpected character", s.slice(i));
    }
  }
  if (fields < 3) return addrError(input, "IPv4 address too short");
  return undefined;
}

function isHex(c: string | undefined): boolean {
  return c !== undefined && /^[0-9a-fA-F]$/.test(c);
}

function parseIPv6(input: string): Addr | string {
  let s = input;
  let zone = false;
  const pct = s.indexOf("%");
  if (pct >= 0) {
    if (pct === s.length - 1) return addrError(input, "zone must be a non-empty string");
    s = s.slice(0, pct);
    zone = true;
  }
  const ok: Addr = { v6: true, zone };
  let ellipsis = -1;
  if (s.startsWith("::")) {
    ellipsis = 0;
    s = s.slice(2);
    if (s.length === 0) return ok;
  }
  let bytes = 0;
  while (bytes < 16) {
    let off = 0;
    let acc = 0;
    while (off < s.length && isHex(s[off])) {
      acc = acc * 16 + Number.parseInt(s[off] as string, 16);
      if (off > 3) return addrError(input, "each colon-separated field must have at most 4 hex digits", s);
      if (acc > 0xffff) return addrError(input, "IPv6 field has value >=2^16", s);
      off++;
    }
    if (off === 0) return addrError(input, "each colon-separated field must have at least one digit", s);
    if (off < s.length && s[off] === ".") {
      if (ellipsis < 0 && bytes !== 12) {
        return addrError(input, "embedded IPv4 address must replace the final 2 fields of the address", s);
      }
      if (bytes + 4 > 16) {
        return addrError(input, "too many hex fields to fit an embedded IPv4 at the end of the address", s);
      }
      const e = ipv4Error(input, s);
      if (e !== undefined) return e;
      s = "";
      bytes += 4;
      break;
    }
    bytes += 2;
    s = s.slice(off);
    if (s.length === 0) break;
    if (s[0] !== ":") return addrError(input, "unexpected character, want colon", s);
    if (s.length === 1) return addrError(input, "colon must be followed by more characters", s);
    s = s.slice(1);
    if (s[0] === ":") {
      if (ellipsis >= 0) return addrError(input, "multiple :: in address", s);
      ellipsis = bytes;
      s = s.slice(1);
      if (s.length === 0) break;
    }
  }
  if (s.length !== 0) return addrError(input, "trailing garbage after address", s);
  if (bytes < 16) {
    if (ellipsis < 0) return addrError(input, "address string too short");
  } else if (ellipsis >= 0) {
    return addrError(input, "the :: must expand to at least one field of zeros", s);
  }
  return ok;
}

// ---------------------------------------------------------------------------------------------------
// proxy.istio.io/config

/**
 * Istio applies the value onto the default ProxyConfig (YAML or JSON, unknown fields tolerated) and
 * runs its ProxyConfig validation. We check that it parses to a map, that the fields we know have the
 * right JSON types, and the simple checks of ValidateMeshConfigProxyConfig (ports, drain duration,
 * discovery address, auth policy, non-empty paths). Tracing/TLS/private-key-provider details are not
 * validated.
 */
function proxyConfig(value: string): string | undefined {
  const doc = parseDocument(value);
  const fail = (msg: string) => `failed to convert to apply proxy config: ${msg}`;
  if (!doc.ok) return fail(doc.error);
  if (doc.value === null) return undefined;
  if (!isObject(doc.value)) return fail("proxy config must be a YAML/JSON map");
  try {
    // A self-referencing alias (`a: &x [*x]`) parses to a cycle, which has no JSON form (Go's
    // YAMLToJSON refuses it too) and would hang or crash whoever renders it later.
    JSON.stringify(doc.value);
  } catch {
    return fail("proxy config has no JSON form (recursive alias?)");
  }
  const pc = doc.value;
  const typeErr = proxyConfigTypes(pc);
  if (typeErr !== undefined) return fail(typeErr);
  return proxyConfigSemantics(pc);
}

type FieldKind =
  | "string"
  | "int"
  | "bool"
  | "boolWrapper"
  | "intWrapper"
  | "duration"
  | "stringMap"
  | "object"
  | "enum";

const PROXY_FIELDS: Record<string, FieldKind> = {
  configPath: "string",
  binaryPath: "string",
  serviceCluster: "string",
  drainDuration: "duration",
  discoveryAddress: "string",
  statsdUdpAddress: "string",
  proxyAdminPort: "int",
  controlPlaneAuthPolicy: "enum",
  customConfigFile: "string",
  statNameLength: "int",
  concurrency: "intWrapper",
  proxyBootstrapTemplatePath: "string",
  interceptionMode: "enum",
  tracing: "object",
  envoyAccessLogService: "object",
  envoyMetricsService: "object",
  proxyMetadata: "stringMap",
  runtimeValues: "stringMap",
  statusPort: "int",
  extraStatTags: "object",
  gatewayTopology: "object",
  terminationDrainDuration: "duration",
  meshId: "string",
  readinessProbe: "object",
  proxyStatsMatcher: "object",
  holdApplicationUntilProxyStarts: "boolWrapper",
  caCertificatesPem: "object",
  image: "object",
  privateKeyProvider: "object",
  proxyHeaders: "object",
  tracingServiceName: "enum",
  fileFlushInterval: "duration",
  fileFlushMinSizeKb: "int",
  startupProbe: "object",
};

const ENUMS: Record<string, readonly string[]> = {
  controlPlaneAuthPolicy: ["NONE", "MUTUAL_TLS", "INHERIT"],
  interceptionMode: ["REDIRECT", "TPROXY", "NONE"],
  tracingServiceName: ["APP_LABEL_AND_NAMESPACE", "CANONICAL_NAME_ONLY", "CANONICAL_NAME_AND_NAMESPACE"],
};

const DURATION = /^-?([0-9]+)(\.[0-9]{0,9})?s$/;

function isInt32Json(v: Json): boolean {
  if (typeof v === "number") return Number.isInteger(v) && v >= -(2 ** 31) && v < 2 ** 31;
  if (typeof v === "string") return /^-?[0-9]+$/.test(v) && isInt32Json(Number(v));
  return false;
}

function proxyConfigTypes(pc: JsonObject): string | undefined {
  for (const [key, v] of Object.entries(pc)) {
    if (!Object.hasOwn(PROXY_FIELDS, key) || v === null) continue;
    const kind = PROXY_FIELDS[key];
    const bad = () => `invalid value for ${kind} field ${key}: ${JSON.stringify(v)}`;
    switch (kind) {
      case "string":
        if (typeof v !== "string") return bad();
        break;
      case "int":
      case "intWrapper":
        if (!isInt32Json(v)) return bad();
        break;
      case "bool":
      case "boolWrapper":
        if (typeof v !== "boolean") return bad();
        break;
      case "duration":
        if (typeof v !== "string" || !DURATION.test(v)) return bad();
        break;
      case "stringMap":
        if (!isObject(v) || Object.values(v).some((x) => typeof x !== "string")) return bad();
        break;
      case "object":
        if (!isObject(v) && !Array.isArray(v)) return bad();
        break;
      case "enum": {
        const allowed = ENUMS[key] ?? [];
        const okEnum =
          typeof v === "string"
            ? allowed.includes(v)
            : typeof v === "number" && Number.isInteger(v) && v >= 0 && v < allowed.length;
        if (!okEnum) return bad();
        break;
      }
    }
  }
  return undefined;
}

function validPort(v: Json | undefined): boolean {
  const n = typeof v === "string" ? Number(v) : v;
  return typeof n === "number" && Number.isInteger(n) && n >= 1 && n <= 65535;
}

function proxyConfigSemantics(pc: JsonObject): string | undefined {
  const errs: string[] = [];
  // Only what the annotation changes can break: unset fields keep Istio's valid defaults.
  if (pc.configPath === "") errs.push("config path must be set");
  if (pc.binaryPath === "") errs.push("binary path must be set");
  if (pc.serviceCluster === "" && pc.tracingServiceName === undefined)
    errs.push("service cluster must be specified");
  if (typeof pc.drainDuration === "string") {
    const e = drainDurationError(pc.drainDuration);
    if (e) errs.push(e);
  }
  if (pc.discoveryAddress === "") errs.push("discovery address must be set to the proxy discovery service");
  else if (typeof pc.discoveryAddress === "string") {
    const e = proxyAddressError(pc.discoveryAddress);
    if (e) errs.push(`invalid discovery address: ${e}`);
  }
  if (typeof pc.statsdUdpAddress === "string" && pc.statsdUdpAddress !== "") {
    const e = proxyAddressError(pc.statsdUdpAddress);
    if (e) errs.push(`invalid statsd udp address ${goQuote(pc.statsdUdpAddress)}: ${e}`);
  }
  if (pc.proxyAdminPort !== undefined && pc.proxyAdminPort !== null && !validPort(pc.proxyAdminPort)) {
    errs.push(
      `invalid proxy admin port: port number ${String(pc.proxyAdminPort)} must be in the range 1..65535`,
    );
  }
  if (pc.statusPort !== undefined && pc.statusPort !== null && !validPort(pc.statusPort)) {
    errs.push(`invalid status port: port number ${String(pc.statusPort)} must be in the range 1..65535`);
  }
  if (pc.controlPlaneAuthPolicy === "INHERIT" || pc.controlPlaneAuthPolicy === 2) {
    errs.push(`invalid authentication policy: unrecognized control plane auth policy "INHERIT"`);
  }
  if (errs.length === 0) return undefined;
  return errs.length === 1 ? errs[0] : `${errs.length} errors occurred: ${errs.join("; ")}`;
}

function drainDurationError(d: string): string | undefined {
  const m = DURATION.exec(d);
  if (!m) return undefined;
  const seconds = Number(m[1]);
  const frac = (m[2] ?? "").slice(1).padEnd(9, "0");
  const nanos = Number(frac || "0");
  const negative = d.startsWith("-");
  if (negative || (seconds === 0 && nanos < 1_000_000))
    return "invalid drain duration: duration must be greater than 1ms";
  if (nanos % 1_000_000 !== 0) return "invalid drain duration: only durations to ms precision are supported";
  if (nanos > 0) return "drain time only supports durations to seconds precision";
  return undefined;
}

const DNS_LABEL = /^[a-zA-Z0-9]([a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?$/;

function proxyAddressError(hostAddr: string): string | undefined {
  let host: string;
  let port: string;
  if (hostAddr.startsWith("[")) {
    const close = hostAddr.indexOf("]");
    if (close < 0 || hostAddr[close + 1] !== ":")
      return `unable to split ${goQuote(hostAddr)}: missing port in address`;
    host = hostAddr.slice(1, close);
    port = hostAddr.slice(close + 2);
  } else {
    const colon = hostAddr.lastIndexOf(":");
    if (colon < 0)
      return `unable to split ${goQuote(hostAddr)}: address ${hostAddr}: missing port in address`;
    host = hostAddr.slice(0, colon);
    port = hostAddr.slice(colon + 1);
    if (host.includes(":"))
      return `unable to split ${goQuote(hostAddr)}: address ${hostAddr}: too many colons in address`;
  }
  if (!/^[+-]?[0-9]+$/.test(port)) return `port (${port}) is not a number`;
  if (!validPort(Number(port))) return `port number ${Number(port)} must be in the range 1..65535`;
  const fqdn =
    host.length > 0 &&
    host.length <= 255 &&
    host.split(".").every((l, i, all) => DNS_LABEL.test(l) || (l === "" && i === all.length - 1 && i > 0));
  if (!fqdn && typeof parseAddr(host) === "string")
    return `${goQuote(host)} is not a valid hostname or an IP address`;
  return undefined;
}
