import { describe, expect, it } from "vitest";
import { isObject, type JsonObject } from "../../../core/json.ts";
import { goTemplateData } from "../../../core/render/go/data.ts";
import { cleanProxyConfig, marshalJSON, protoJSON } from "../../../core/render/go/gojson.ts";
import {
  deref,
  enumName,
  type GoValue,
  isNilTyped,
  isPlainMap,
  isTrue,
  kindOf,
  mapGet,
  sliceElems,
  structField,
  Typed,
  typed,
} from "../../../core/render/go/values.ts";
import { cases, dataFor, goldenPods, inputPods } from "../golden.ts";

// The corpus as the render tests read it.

/** `.A.B.C` as text/template walks it: methods first, then fields, through one pointer. */
function path(v: GoValue, ...names: string[]): GoValue {
  let cur = v;
  for (const name of names) {
    const d = deref(cur);
    if (!(d instanceof Typed) || d.type.kind === "map") {
      cur = mapGet(d, name);
      continue;
    }
    // A nil pointer keeps its element type's methods (proto getters accept nil receivers).
    const t = d.type.kind === "ptr" ? d.type.elem : d.type;
    if (t.kind !== "struct") throw new Error(`can't evaluate field ${name}`);
    const method = t.methods?.[name];
    if (method) {
      cur = method(d, []);
      continue;
    }
    const f = structField(t, name);
    if (!f) throw new Error(`can't evaluate field ${name} in type ${t.name}`);
    if (d.type.kind === "ptr") throw new Error(`nil pointer evaluating *${t.name}.${name}`);
    cur = typed(f.type, isPlainMap(d.raw) ? (d.raw as Record<string, unknown>)[f.json] : undefined);
  }
  return cur;
}

function data(pod: JsonObject = { metadata: { name: "p", namespace: "ns" }, spec: { containers: [] } }) {
  const c = cases.find((x) => x.id === "hello-tproxy") ?? cases[0];
  if (!c) throw new Error("no corpus");
  return goTemplateData(dataFor(c, pod));
}

describe("SidecarTemplateData field access", () => {
  const d = data({
    metadata: { name: "p", namespace: "ns", labels: { app: "a" } },
    spec: { containers: [{ name: "app", image: "nginx", ports: [{ containerPort: 80 }] }] },
  });

  it("gives Go zero values for absent fields", () => {
    expect(path(d, "Spec", "ServiceAccountName")).toBe("");
    const sc = path(d, "Spec", "SecurityContext");
    expect(sc instanceof Typed && isNilTyped(sc)).toBe(true);
    expect(isTrue(sc)).toBe(false);
    expect(path(d, "ObjectMeta", "Labels", "missing")).toBe("");
    expect(path(d, "ObjectMeta", "Labels", "app")).toBe("a");
    expect(path(d, "ObjectMeta", "Generation")).toBe(0n);
  });

  it("types the root fields as istiod does", () => {
    expect(path(d, "TypeMeta", "Kind")).toBe("Pod");
    expect(path(d, "DeploymentMeta", "Namespace")).toBe("ns");
    expect(path(d, "DeploymentMeta", "Name")).toBe("p");
    expect(path(d, "ProxyUID")).toBe(1337n);
    expect(kindOf(path(d, "NativeSidecars"))).toBe("bool");
    expect(isTrue(path(d, "ObjectMeta"))).toBe(true);
    expect(path(d, "InboundTrafficPolicyMode")).toBe("passthrough");
  });

  it("reads Values as map[string]any with float64 numbers and missing keys invalid", () => {
    expect(path(d, "Values", "global", "proxy", "statusPort")).toBe(15020);
    expect(path(d, "Values", "global", "missing")).toBeUndefined();
  });

  it("reads containers and ports through the declared types", () => {
    const containers = sliceElems(path(d, "Spec", "Containers")) ?? [];
    expect(containers).toHaveLength(1);
    expect(path(containers[0], "Name")).toBe("app");
    const port = sliceElems(path(containers[0], "Ports"))?.[0];
    expect(path(port, "ContainerPort")).toBe(80n);
    expect(path(port, "Protocol")).toBe("");
  });

  it("reads proto fields by Go name and through nil-safe getters", () => {
    const mode = path(d, "ProxyConfig", "InterceptionMode");
    expect(mode instanceof Typed && enumName(mode)).toBe("TPROXY");
    expect(path(d, "ProxyConfig", "HoldApplicationUntilProxyStarts", "GetValue")).toBe(false);
    const tls = path(d, "ProxyConfig", "GetTracing", "GetTlsSettings");
    expect(tls instanceof Typed && isNilTyped(tls)).toBe(true);
    expect(path(tls, "GetCaCertificates")).toBe("");
    expect(path(d, "MeshConfig", "TrustDomain")).toBe("cluster.local");
    expect(path(d, "MeshConfig", "ProxyListenPort")).toBe(15001n);
  });
});

// ---------------------------------------------------------------------------------------------------
// Encoders against the corpus: ISTIO_META_POD_PORTS is structToJSON of each container port, and
// PROXY_CONFIG is protoToJSON of the effective ProxyConfig (plus the literal block's newline).

function proxyEnv(pod: JsonObject, name: string): string | undefined {
  const spec = isObject(pod.spec) ? pod.spec : {};
  const all = [
    ...((spec.initContainers ?? []) as JsonObject[]),
    ...((spec.containers ?? []) as JsonObject[]),
  ];
  const proxy = all.find((c) => c.name === "istio-proxy");
  const env = (proxy?.env ?? []) as JsonObject[];
  const e = env.find((x) => x.name === name);
  return typeof e?.value === "string" ? e.value : undefined;
}

const pairs = cases.flatMap((c) => {
  try {
    const ins = inputPods(c);
    const outs = goldenPods(c);
    return ins.length === outs.length
      ? ins.map((p, i) => ({ c, input: p, golden: outs[i] as JsonObject }))
      : [];
  } catch {
    return [];
  }
});

describe("encoders against the golden corpus", () => {
  it("has cases to compare", () => {
    expect(pairs.length).toBeGreaterThan(50);
  });

  it("structToJSON of every container port gives the golden ISTIO_META_POD_PORTS lines", () => {
    let compared = 0;
    for (const { c, input, golden } of pairs) {
      const want = proxyEnv(golden, "ISTIO_META_POD_PORTS");
      // An already injected input is stripped by the injector before rendering; not this test's part.
      const annotations = (input.metadata as JsonObject).annotations;
      if (want === undefined || (isObject(annotations) && "sidecar.istio.io/status" in annotations)) continue;
      const d = goTemplateData(dataFor(c, input));
      const lines: string[] = [];
      for (const container of sliceElems(path(d, "Spec", "Containers")) ?? []) {
        if (path(container, "Name") === "istio-proxy") continue;
        for (const port of sliceElems(path(container, "Ports")) ?? []) {
          const json = marshalJSON(port);
          if (!json.ok) throw new Error(json.error);
          lines.push(json.value);
        }
      }
      const got = want
        .split("\n")
        .map((l) => l.trim().replace(/^,/, ""))
        .filter((l) => l.startsWith("{"));
      expect(lines, c.id).toEqual(got);
      compared++;
    }
    expect(compared).toBeGreaterThan(50);
  });

  it("protoToJSON of the effective ProxyConfig gives the golden PROXY_CONFIG", () => {
    let compared = 0;
    const seen = new Set<string>();
    for (const { c, input, golden } of pairs) {
      const want = proxyEnv(golden, "PROXY_CONFIG");
      if (want === undefined) continue;
      const d = goTemplateData(dataFor(c, input));
      const pc = path(d, "ProxyConfig") as Typed;
      const json = protoJSON(cleanProxyConfig(pc));
      if (!json.ok) throw new Error(json.error);
      expect(`${json.value}\n`, c.id).toBe(want);
      seen.add(json.value);
      compared++;
    }
    expect(compared).toBeGreaterThan(50);
    // The corpus has non-trivial configs (wrappers at zero, TPROXY, tracing {}), not only `{}`.
    expect(seen.size).toBeGreaterThan(3);
  });
});
