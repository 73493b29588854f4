/**
 * Istio's template functions (pkg/kube/inject/template.go, createInjectionFuncmap, 1.31), over
 * GoValues. istiod installs them after Sprig's, so `contains`, `indent`, `env` and `omit` here
 * replace Sprig's. Parameters typed in Go (string, int, map[string]string, metav1.ObjectMeta, …)
 * are checked as text/template checks them before the call: a missing value is nil for maps,
 * slices and pointers, and an error for strings, ints and structs.
 */
import { otelAttributes } from "../otel.ts";
import { argInt, argString, goTypeName } from "./args.ts";
import { sprint } from "./fmt.ts";
import { cleanProxyConfig, marshalJSON, protoJSON } from "./gojson.ts";
import { marshalYAML } from "./goyaml.ts";
import { formatGoDuration } from "./proto-types.ts";
import {
  deref,
  GoError,
  type GoFunc,
  type GoType,
  type GoValue,
  isNilTyped,
  isPlainMap,
  mapEntries,
  mapGet,
  mapHas,
  STRING_MAP,
  sliceElems,
  structField,
  Typed,
  typed,
} from "./values.ts";

/** Every entry of Istio's injection function map. */
export function istioFuncs(): Map<string, GoFunc> {
  return new Map<string, GoFunc>(Object.entries(FUNCS));
}

const FUNCS: Record<string, GoFunc> = {
  formatDuration: (d) => formatGoDuration(durationArg(d)),
  isset: (m, key) => mapHas(stringMapArg(m, "isset"), argString(key, "isset")),
  excludeInboundPort,
  includeInboundPorts: (cs) => containerPorts(containersArg(cs), () => true),
  applicationPorts: (cs) => containerPorts(containersArg(cs), (name) => name !== "istio-proxy"),
  kubevirtInterfaces: (s) => argString(s, "kubevirtInterfaces"),
  excludeInterfaces: (s) => argString(s, "excludeInterfaces"),
  annotation,
  valueOrDefault: (value, def) =>
    value === "" || value === null || value === undefined ? nilIfMissing(def) : value,
  toJSON: (m) => {
    const map = stringMapArg(m, "toJSON");
    if (map === null) return "{}";
    const out = marshalJSON(map);
    return out.ok ? out.value : "{}";
  },
  fromJSON: (j) => {
    const text = argString(j, "fromJSON");
    try {
      return JSON.parse(text) as GoValue;
    } catch {
      // Istio logs and returns the string "{}"; a `range` over it then fails in the template.
      return "{}";
    }
  },
  structToJSON: (v) => {
    if (v === undefined || v === null) return "{}";
    const out = marshalJSON(v);
    return out.ok ? out.value : "{}";
  },
  protoToJSON: (v) => {
    const msg = protoArg(v);
    if (msg === null) return "{}";
    const out = protoJSON(cleanProxyConfig(msg));
    return out.ok ? out.value : "{}";
  },
  toYaml: (v) => {
    const out = marshalYAML(v ?? null);
    return out.ok ? out.value : "";
  },
  indent: (spaces, source) => {
    // Go builds the pad with Sprintf("% Ns", ""), so a negative N pads |N| spaces too.
    const pad = " ".repeat(Math.abs(argInt(spaces, "indent")));
    // Every line but the first gets the pad.
    return argString(source, "indent").replaceAll("\n", `\n${pad}`);
  },
  directory: (p) => {
    const s = argString(p, "directory");
    return s.slice(0, s.lastIndexOf("/") + 1);
  },
  contains: (needle, haystack) => argString(haystack, "contains").includes(argString(needle, "contains")),
  toLower: (s) => argString(s, "toLower").toLowerCase(),
  appendMultusNetwork: (existing, network) =>
    appendMultusNetwork(
      argString(existing, "appendMultusNetwork"),
      argString(network, "appendMultusNetwork"),
    ),
  // Istio reads istiod's process environment here. Outrigger's process environment holds its URL
  // tokens and cloud credentials, so a template must never see it: the default is always returned.
  env: (key, def) => {
    argString(key, "env");
    return argString(def, "env");
  },
  omit: (dict, ...keys) => {
    const drop = new Set(keys.map((k) => argString(k, "omit")));
    const out: Record<string, string> = {};
    for (const [k, v] of mapEntries(stringMapArg(dict, "omit") ?? stringMapOf({})) ?? []) {
      if (!drop.has(k)) out[k] = v as string;
    }
    return stringMapOf(out);
  },
  strdict: (...kv) => {
    const parts = kv.map((x) => argString(x, "strdict"));
    const out: Record<string, string> = {};
    for (let i = 0; i < parts.length; i += 2) setKey(out, parts[i] as string, parts[i + 1] ?? "");
    return stringMapOf(out);
  },
  toJsonMap: (...maps) => {
    const merged = mergeMaps(maps.map((m) => stringMapArg(m, "toJsonMap")));
    const out = marshalJSON(merged ?? null);
    return out.ok ? out.value : "";
  },
  mergeMaps: (...maps) => mergeMaps(maps.map((m) => stringMapArg(m, "mergeMaps"))),
  omitNil: (v) => omitNil(v === undefined ? null : v).value,
  otelResourceAttributes,
};

// ---------------------------------------------------------------------------------------------------
// Typed parameters

function wrongType(expected: string, v: GoValue): GoError {
  return new GoError(`wrong type for value; expected ${expected}; got ${goTypeName(v)}`);
}

const nilIfMissing = (v: GoValue): GoValue => (v === undefined ? null : v);

/** A `map[string]string` parameter: a declared string map, or nil (also for a missing value). */
function stringMapArg(v: GoValue, _fn: string): Typed | null {
  if (v === undefined || v === null) return null;
  if (v instanceof Typed && v.type.kind === "map" && v.type.elem.kind === "string") return v;
  throw wrongType("map[string]string", v);
}

function stringMapOf(raw: Record<string, string>): Typed {
  return new Typed(STRING_MAP, raw);
}

/** Assigns a key as data, `__proto__` included. */
function setKey(o: Record<string, string>, k: string, v: string): void {
  Object.defineProperty(o, k, { value: v, enumerable: true, writable: true, configurable: true });
}

function durationArg(v: GoValue): unknown {
  if (v === undefined || v === null) return undefined;
  const d = deref(v);
  if (d instanceof Typed && d.type.kind === "duration") return isNilTyped(d) ? undefined : d.raw;
  throw wrongType("*durationpb.Duration", v);
}

function containersArg(v: GoValue): Typed[] {
  if (v === undefined || v === null) return [];
  if (v instanceof Typed && v.type.kind === "slice" && isStruct(v.type.elem, "v1.Container")) {
    return (sliceElems(v) ?? []) as Typed[];
  }
  throw wrongType("[]v1.Container", v);
}

function isStruct(t: GoType, name: string): boolean {
  return t.kind === "struct" && t.name === name;
}

/** A struct parameter of type `name`; a pointer to one is dereferenced as text/template does. */
function structArg(v: GoValue, name: string): Typed {
  if (v === undefined || v === null)
    throw new GoError(`invalid value; expected ${name.replace("metav1.", "v1.")}`);
  const d = deref(v);
  if (d instanceof Typed && isStruct(d.type, name)) return d;
  throw wrongType(name.replace("metav1.", "v1."), v);
}

function field(s: Typed, name: string): GoValue {
  if (s.type.kind !== "struct") return undefined;
  const f = structField(s.type, name);
  if (!f) return undefined;
  const raw = isPlainMap(s.raw) ? (s.raw as Record<string, unknown>)[f.json] : undefined;
  return typed(f.type, raw);
}

/** A `proto.Message` parameter: a message pointer (nil allowed) or nil. */
function protoArg(v: GoValue): Typed | null {
  if (v === undefined || v === null) return null;
  if (
    v instanceof Typed &&
    v.type.kind === "ptr" &&
    v.type.elem.kind === "struct" &&
    v.type.elem.methods?.MarshalJSON
  ) {
    return v;
  }
  throw wrongType("protoiface.MessageV1", v);
}

// ---------------------------------------------------------------------------------------------------
// The functions

function excludeInboundPort(port: GoValue, excluded: GoValue): string {
  const list = argString(excluded, "excludeInboundPort");
  const p = sprint([port === undefined ? null : port]).trim();
  if (p === "" || p === "0") return list;
  const out: string[] = [];
  for (const raw of list.split(",")) {
    if (raw === p) return list;
    const trimmed = raw.trim();
    if (trimmed !== "") out.push(trimmed);
  }
  out.push(p);
  return out.join(",");
}

function containerPorts(containers: Typed[], include: (name: string) => boolean): string {
  const parts: string[] = [];
  for (const c of containers) {
    if (!include(field(c, "Name") as string)) continue;
    for (const p of (sliceElems(field(c, "Ports")) ?? []) as Typed[]) {
      const protocol = field(p, "Protocol");
      if (protocol === "UDP" || protocol === "SCTP") continue;
      parts.push(String(field(p, "ContainerPort")));
    }
  }
  return parts.join(",");
}

function annotation(meta: GoValue, name: GoValue, def: GoValue): string {
  const m = structArg(meta, "metav1.ObjectMeta");
  const key = argString(name, "annotation");
  const annotations = field(m, "Annotations");
  if (mapHas(annotations, key)) return mapGet(annotations, key) as string;
  return sprint([def === undefined ? null : def]);
}

export function appendMultusNetwork(existing: string, network: string): string {
  if (existing === "") return network;
  const close = existing.lastIndexOf("]");
  if (close !== -1) {
    let list: unknown;
    try {
      list = JSON.parse(existing);
    } catch {
      return existing;
    }
    // Go unmarshals into []map[string]any: anything but a list of objects (or null) is an error.
    if (list !== null && !(Array.isArray(list) && list.every((x) => x === null || isPlainMap(x))))
      return existing;
    const slash = network.indexOf("/");
    const ns = slash >= 0 ? network.slice(0, slash) : "";
    const name = slash >= 0 ? network.slice(slash + 1) : network;
    for (const n of (list ?? []) as (Record<string, unknown> | null)[]) {
      if (n?.name === name && (n.namespace ?? "") === ns) return existing;
    }
    const item = ns === "" ? `, {"name": "${name}"}` : `, {"name": "${name}", "namespace": "${ns}"}`;
    return existing.slice(0, close) + item + existing.slice(close);
  }
  for (const n of existing.split(",")) if (n.trim() === network) return existing;
  return `${existing}, ${network}`;
}

function mergeMaps(maps: (Typed | null)[]): Typed | null {
  if (maps.length === 0) return null;
  const out: Record<string, string> = {};
  for (const m of maps)
    for (const [k, v] of mapEntries(m ?? stringMapOf({})) ?? []) setKey(out, k, v as string);
  return stringMapOf(out);
}

/**
 * Istio's omitNil: nils removed from `map[string]any` and `[]any`, recursively; a container left
 * empty becomes nil; containers with nothing to remove are returned as they are (same identity).
 */
function omitNil(v: GoValue): { value: GoValue; changed: boolean } {
  if (v === null || v === undefined) return { value: null, changed: true };
  if (Array.isArray(v)) {
    const i = v.findIndex((x) => omitNil(x).changed);
    if (i < 0) return { value: v, changed: false };
    const out = v.slice(0, i);
    for (let j = i; j < v.length; j++) {
      const f = omitNil(v[j]).value;
      if (f !== null) out.push(f);
    }
    return { value: out.length === 0 ? null : out, changed: true };
  }
  if (isPlainMap(v)) {
    if (!Object.values(v).some((x) => omitNil(x).changed)) return { value: v, changed: false };
    const out: { [key: string]: GoValue } = {};
    for (const [k, x] of Object.entries(v)) {
      const f = omitNil(x).value;
      if (f !== null)
        Object.defineProperty(out, k, { value: f, enumerable: true, writable: true, configurable: true });
    }
    return { value: Object.keys(out).length === 0 ? null : out, changed: true };
  }
  return { value: v, changed: false };
}

function otelResourceAttributes(
  mesh: GoValue,
  annotations: GoValue,
  labels: GoValue,
  namespace: GoValue,
  containers: GoValue,
): string {
  const mc = meshArg(mesh);
  const anns = stringMapArg(annotations, "otelResourceAttributes");
  const lbls = stringMapArg(labels, "otelResourceAttributes");
  const ns = argString(namespace, "otelResourceAttributes");
  const list = containersArg(containers);
  const get = (m: Typed | null, k: string) => (m ? (mapGet(m, k) as string) : "");
  return otelAttributes({
    providers: isPlainMap(mc) ? mc.extensionProviders : undefined,
    annotation: (k) => get(anns, k),
    label: (k) => get(lbls, k),
    namespace: ns,
    containers: list.map((c) => ({
      name: field(c as Typed, "Name") as string,
      image: field(c as Typed, "Image") as string,
    })),
  });
}

/** A `*meshconfig.MeshConfig` parameter's raw JSON (nil → undefined). */
function meshArg(v: GoValue): unknown {
  if (v === undefined || v === null) return undefined;
  if (v instanceof Typed && v.type.kind === "ptr" && isStruct(v.type.elem, "mesh.MeshConfig")) return v.raw;
  throw wrongType("*v1alpha1.MeshConfig", v);
}
