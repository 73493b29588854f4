/**
 * Go's JSON encoders over GoValues: encoding/json.Marshal (structToJSON, toJSON, toJsonMap, and the
 * first half of toYaml) and golang/protobuf jsonpb (protoToJSON). Both write exactly Go's bytes,
 * because those bytes end up in pod env values (ISTIO_META_POD_PORTS, PROXY_CONFIG) that users diff
 * against istiod's output.
 */
import { err, ok, type Result } from "../../json.ts";
import {
  enumName,
  enumNumber,
  type FieldDesc,
  type GoType,
  type GoValue,
  isNilTyped,
  isPlainMap,
  sortedKeys,
  Typed,
  typed,
} from "./values.ts";

// ---------------------------------------------------------------------------------------------------
// encoding/json

/** json.Marshal(v): compact, struct fields in declaration order, map keys sorted, HTML escaped. */
export function marshalJSON(v: GoValue): Result<string> {
  try {
    return ok(encode(v, 0));
  } catch (e) {
    if (e instanceof JSONError) return err(e.message);
    throw e;
  }
}

class JSONError extends Error {}

/** Deep enough for any pod; a deeper (self-referencing) value fails as Go's cycle check does. */
const MAX_DEPTH = 1000;

function encode(v: GoValue, depth: number): string {
  if (depth > MAX_DEPTH) throw new JSONError("json: unsupported value: encountered a cycle");
  if (v === undefined || v === null) return "null";
  switch (typeof v) {
    case "string":
      return quoteJSON(v);
    case "boolean":
      return v ? "true" : "false";
    case "number":
      return floatJSON(v);
    case "bigint":
      return v.toString();
  }
  if (Array.isArray(v)) return `[${v.map((x) => encode(x, depth + 1)).join(",")}]`;
  if (v instanceof Typed) return encodeTyped(v, depth);
  const parts: string[] = [];
  for (const k of sortedKeys(v)) parts.push(`${quoteJSON(k)}:${encode(v[k] ?? null, depth + 1)}`);
  return `{${parts.join(",")}}`;
}

function encodeTyped(v: Typed, depth: number): string {
  const t = v.type;
  switch (t.kind) {
    case "struct": {
      const marshal = t.methods?.MarshalJSON;
      if (marshal) {
        const out = marshal(v, []);
        return typeof out === "string" ? out : "null";
      }
      return `{${structFields(t, v.raw, depth).join(",")}}`;
    }
    case "ptr":
      return isNilTyped(v) ? "null" : encode(typed(t.elem, v.raw), depth + 1);
    case "slice": {
      if (!Array.isArray(v.raw)) return "null";
      return `[${v.raw.map((x) => encode(typed(t.elem, x), depth + 1)).join(",")}]`;
    }
    case "map": {
      if (!isPlainMap(v.raw)) return "null";
      const raw = v.raw;
      return `{${sortedKeys(raw)
        .map((k) => `${quoteJSON(k)}:${encode(typed(t.elem, raw[k]), depth + 1)}`)
        .join(",")}}`;
    }
    // A proto enum is an int32 to encoding/json (generated enums have no MarshalJSON).
    case "enum":
      return String(enumNumber(v));
    // durationpb.Duration through encoding/json is its Go struct: {"seconds":…,"nanos":…}.
    case "duration": {
      if (isNilTyped(v)) return "null";
      const d = parseDuration(v.raw);
      if (!d) return "{}";
      const parts: string[] = [];
      if (d.seconds !== 0n) parts.push(`"seconds":${d.seconds}`);
      if (d.nanos !== 0) parts.push(`"nanos":${d.nanos}`);
      return `{${parts.join(",")}}`;
    }
    default:
      return encode(typed(t, v.raw), depth + 1);
  }
}

/** The `"name":value` pairs of a struct, embedded structs inlined, omitempty honoured. */
function structFields(t: GoType & { kind: "struct" }, raw: unknown, depth: number): string[] {
  const obj = isPlainMap(raw) ? (raw as Record<string, unknown>) : undefined;
  const out: string[] = [];
  for (const f of t.fields) {
    if (f.embedded) {
      const inner = f.type.kind === "ptr" ? f.type.elem : f.type;
      if (inner.kind === "struct") out.push(...structFields(inner, raw, depth + 1));
      continue;
    }
    const value = typed(f.type, obj?.[f.json]);
    if (f.omitempty && isEmptyValue(value)) continue;
    out.push(`${quoteJSON(f.json)}:${encode(value, depth + 1)}`);
  }
  return out;
}

/** encoding/json's isEmptyValue: false, 0, "", nil pointer/interface, empty map/slice; never a struct. */
export function isEmptyValue(v: GoValue): boolean {
  if (v === undefined || v === null) return true;
  switch (typeof v) {
    case "string":
      return v === "";
    case "boolean":
      return !v;
    case "number":
      return v === 0;
    case "bigint":
      return v === 0n;
  }
  if (Array.isArray(v)) return v.length === 0;
  if (v instanceof Typed) {
    switch (v.type.kind) {
      case "struct":
        return false;
      case "ptr":
      case "duration":
        return isNilTyped(v);
      case "slice":
        return !Array.isArray(v.raw) || v.raw.length === 0;
      case "map":
        return !isPlainMap(v.raw) || Object.keys(v.raw).length === 0;
      case "enum":
        return enumNumber(v) === 0;
      default:
        return isEmptyValue(typed(v.type, v.raw));
    }
  }
  return Object.keys(v).length === 0;
}

/** A float64 as encoding/json writes it: shortest digits, exponent only below 1e-6 or from 1e21. */
export function floatJSON(f: number): string {
  if (!Number.isFinite(f)) throw new JSONError(`json: unsupported value: ${goFloatName(f)}`);
  if (Object.is(f, -0)) return "-0";
  // JavaScript's Number#toString switches to exponent form at exactly Go's thresholds, and writes
  // the exponent without leading zeros as Go's clean-up does (1e-7, not 1e-07).
  return String(f);
}

function goFloatName(f: number): string {
  return Number.isNaN(f) ? "NaN" : f > 0 ? "+Inf" : "-Inf";
}

const HEX = "0123456789abcdef";

/** A string as encoding/json quotes it: HTML-safe, U+2028/9 escaped, lone surrogates → U+FFFD. */
export function quoteJSON(s: string): string {
  let out = '"';
  let start = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    let rep: string | undefined;
    if (c < 0x20 || c === 0x22 || c === 0x5c || c === 0x3c || c === 0x3e || c === 0x26) {
      switch (c) {
        case 0x22:
          rep = '\\"';
          break;
        case 0x5c:
          rep = "\\\\";
          break;
        case 0x08:
          rep = "\\b";
          break;
        case 0x0c:
          rep = "\\f";
          break;
        case 0x0a:
          rep = "\\n";
          break;
        case 0x0d:
          rep = "\\r";
          break;
        case 0x09:
          rep = "\\t";
          break;
        default:
          rep = `\\u00${HEX[c >> 4]}${HEX[c & 0xf]}`;
      }
    } else if (c === 0x2028 || c === 0x2029) {
      rep = `\\u202${HEX[c & 0xf]}`;
    } else if (c >= 0xd800 && c <= 0xdfff) {
      const pair = c <= 0xdbff && i + 1 < s.length && (s.charCodeAt(i + 1) & 0xfc00) === 0xdc00;
      if (pair) {
        i++;
        continue;
      }
      rep = "\ufffd";
    }
    if (rep !== undefined) {
      out += s.slice(start, i) + rep;
      start = i + 1;
    }
  }
  return `${out + s.slice(start)}"`;
}

// ---------------------------------------------------------------------------------------------------
// Durations (google.protobuf.Duration in proto JSON: "45s", "1.5s", "-0.001s")

export interface Duration {
  seconds: bigint;
  nanos: number;
}

export function parseDuration(raw: unknown): Duration | undefined {
  if (isPlainMap(raw)) {
    const s = raw.seconds;
    const n = raw.nanos;
    return {
      seconds: BigInt(typeof s === "number" || typeof s === "string" ? Math.trunc(Number(s)) : 0),
      nanos: typeof n === "number" ? n : 0,
    };
  }
  if (typeof raw !== "string") return undefined;
  const m = /^(-)?(\d+)(?:\.(\d{1,9}))?s$/.exec(raw.trim());
  if (!m) return undefined;
  const sign = m[1] ? -1 : 1;
  const seconds = BigInt(m[2] ?? "0") * BigInt(sign);
  const nanos = Number((m[3] ?? "").padEnd(9, "0") || "0") * sign;
  return { seconds, nanos };
}

/** jsonpb's duration: seconds with 0, 3, 6 or 9 fractional digits. */
export function durationJSON(d: Duration): string {
  const neg = d.seconds < 0n || d.nanos < 0;
  const s = d.seconds < 0n ? -d.seconds : d.seconds;
  const n = Math.abs(d.nanos);
  let frac = String(n).padStart(9, "0");
  while (frac.endsWith("000")) frac = frac.slice(0, -3);
  return `"${neg ? "-" : ""}${s}${frac === "" ? "" : `.${frac}`}s"`;
}

// ---------------------------------------------------------------------------------------------------
// jsonpb (github.com/golang/protobuf/jsonpb: EmitDefaults false, OrigName false, no indent)

/** Proto message struct types, and the fields that are oneof members (written whenever set). */
export const PROTO_MESSAGES = new WeakSet<GoType>();
export const ONEOF_FIELDS = new WeakSet<FieldDesc>();

/** jsonpb of a proto message value (a Typed message or pointer to one); nil → `{}`. */
export function protoJSON(v: GoValue): Result<string> {
  let t = v instanceof Typed ? v.type : undefined;
  if (t?.kind === "ptr") t = t.elem;
  if (!(v instanceof Typed) || t?.kind !== "struct" || !PROTO_MESSAGES.has(t))
    return err("protoToJSON: not a proto message");
  if (v.raw === null || v.raw === undefined) return ok("{}");
  try {
    return ok(message(t, v.raw, 0));
  } catch (e) {
    if (e instanceof JSONError) return err(e.message);
    throw e;
  }
}

function message(t: GoType & { kind: "struct" }, raw: unknown, depth: number): string {
  if (depth > MAX_DEPTH) throw new JSONError("proto: exceeded maximum recursion depth");
  if (t.name.startsWith("wrapperspb.")) return protoValue(t.fields[0]?.type ?? t, raw, depth);
  const obj = isPlainMap(raw) ? (raw as Record<string, unknown>) : {};
  const parts: string[] = [];
  for (const f of t.fields) {
    const x = obj[f.json];
    if (x === undefined || x === null) continue;
    if (!ONEOF_FIELDS.has(f) && isProtoZero(f.type, x)) continue;
    parts.push(`${quoteJSON(f.json)}:${protoValue(f.type, x, depth + 1)}`);
  }
  return `{${parts.join(",")}}`;
}

/** Proto3 leaves out scalars at their zero value and empty lists and maps; messages are kept. */
function isProtoZero(t: GoType, x: unknown): boolean {
  switch (t.kind) {
    case "slice":
      return !Array.isArray(x) || x.length === 0;
    case "map":
      return !isPlainMap(x) || Object.keys(x).length === 0;
    case "enum":
      return enumNumber(new Typed(t, x)) === 0;
    case "string":
      return x === "";
    case "bool":
      return x !== true;
    case "int":
    case "int32":
    case "int64":
    case "uint32":
    case "uint64":
    case "float64":
      return Number(x) === 0;
    default:
      return false;
  }
}

function protoValue(t: GoType, x: unknown, depth: number): string {
  switch (t.kind) {
    case "ptr":
      return protoValue(t.elem, x, depth);
    case "struct":
      return message(t, x, depth + 1);
    case "slice":
      return Array.isArray(x) ? `[${x.map((e) => protoValue(t.elem, e, depth + 1)).join(",")}]` : "[]";
    case "map": {
      if (!isPlainMap(x)) return "{}";
      return `{${sortedKeys(x)
        .map((k) => `${quoteJSON(k)}:${protoValue(t.elem, x[k], depth + 1)}`)
        .join(",")}}`;
    }
    case "enum": {
      const e = new Typed(t, x);
      const name = t.names[enumNumber(e)];
      return name === undefined ? String(enumNumber(e)) : quoteJSON(enumName(e));
    }
    case "duration": {
      const d = parseDuration(x);
      return d ? durationJSON(d) : quoteJSON(String(x));
    }
    case "int64":
    case "uint64":
      return `"${typed(t, x) as bigint}"`;
    case "int":
    case "int32":
    case "uint32":
      return (typed(t, x) as bigint).toString();
    case "float64": {
      const f = Number(x);
      if (Number.isNaN(f)) return '"NaN"';
      if (!Number.isFinite(f)) return f > 0 ? '"Infinity"' : '"-Infinity"';
      return floatJSON(f);
    }
    case "bool":
      return x === true ? "true" : "false";
    case "string":
      return quoteJSON(typeof x === "string" ? x : String(x));
    default:
      return encode((x ?? null) as GoValue, depth + 1);
  }
}

// ---------------------------------------------------------------------------------------------------
// cleanProxyConfig (pkg/kube/inject/template.go)

/** Fields cleanProxyConfig clears when they equal mesh.DefaultProxyConfig()'s code defaults. */
const PROXY_CODE_DEFAULTS: Record<string, unknown> = {
  configPath: "./etc/istio/proxy",
  binaryPath: "/usr/local/bin/envoy",
  controlPlaneAuthPolicy: "MUTUAL_TLS",
  serviceCluster: "istio-proxy",
  drainDuration: "45s",
  terminationDrainDuration: "5s",
  discoveryAddress: "istiod.istio-system.svc:15012",
  proxyAdminPort: 15000,
  statNameLength: 189,
  statusPort: 15020,
};

/** Istio's cleanProxyConfig: a copy of a ProxyConfig without the code-default fields. */
export function cleanProxyConfig(msg: Typed): Typed {
  const t = msg.type.kind === "ptr" ? msg.type.elem : msg.type;
  if (t.kind !== "struct" || t.name !== "mesh.ProxyConfig" || !isPlainMap(msg.raw)) return msg;
  const raw = msg.raw as Record<string, unknown>;
  // The copy is built without the cleared keys, in the original's order: deleting them from a full
  // copy would turn it into a slow dictionary object just before it is encoded.
  const pc: Record<string, unknown> = {};
  for (const k of Object.keys(raw)) {
    const v = raw[k];
    if (Object.hasOwn(PROXY_CODE_DEFAULTS, k)) {
      const d = PROXY_CODE_DEFAULTS[k];
      if (
        v === d ||
        (k.endsWith("Duration") && sameDuration(v, d)) ||
        (k === "controlPlaneAuthPolicy" && v === 1)
      )
        continue;
    }
    // The defaults' envoyMetricsService, envoyAccessLogService, tracing and concurrency are nil:
    // proto.Equal(x, nil) holds only for an unset field, so a set one is always kept.
    if (k === "proxyMetadata" && isPlainMap(v) && Object.keys(v).length === 0) continue;
    // Spreading defines keys: `__proto__` must stay a key, not set the prototype.
    if (k === "__proto__")
      Object.defineProperty(pc, k, { value: v, writable: true, enumerable: true, configurable: true });
    else pc[k] = v;
  }
  return new Typed(msg.type, pc);
}

function sameDuration(a: unknown, b: unknown): boolean {
  const x = parseDuration(a);
  const y = parseDuration(b);
  return x !== undefined && y !== undefined && x.seconds === y.seconds && x.nanos === y.nanos;
}
