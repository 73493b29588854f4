import { describe, expect, it } from "vitest";
import { istioFuncs } from "../../../core/render/go/istio-funcs.ts";
import { CONTAINERS, kubeType, OBJECT_META } from "../../../core/render/go/kube-types.ts";
import { MESH_CONFIG, PROXY_CONFIG, protoType } from "../../../core/render/go/proto-types.ts";
import { GoError, type GoValue, mapEntries, STRING_MAP, Typed } from "../../../core/render/go/values.ts";

const funcs = istioFuncs();
const call = (name: string, ...args: GoValue[]): GoValue => {
  const f = funcs.get(name);
  if (!f) throw new Error(`no function ${name}`);
  return f(...args);
};
const smap = (o: Record<string, string> | null) => new Typed(STRING_MAP, o);
const meta = (annotations?: Record<string, string>) => new Typed(OBJECT_META, { name: "p", annotations });
const containers = (raw: unknown) => new Typed(CONTAINERS, raw);
const entries = (v: GoValue) => Object.fromEntries(mapEntries(v) ?? []);

describe("Istio's function map", () => {
  it("has every entry of createInjectionFuncmap (1.31)", () => {
    expect([...funcs.keys()].sort()).toEqual(
      [
        "formatDuration",
        "isset",
        "excludeInboundPort",
        "includeInboundPorts",
        "kubevirtInterfaces",
        "excludeInterfaces",
        "applicationPorts",
        "annotation",
        "valueOrDefault",
        "toJSON",
        "fromJSON",
        "structToJSON",
        "protoToJSON",
        "toYaml",
        "indent",
        "directory",
        "contains",
        "toLower",
        "appendMultusNetwork",
        "env",
        "omit",
        "strdict",
        "toJsonMap",
        "mergeMaps",
        "omitNil",
        "otelResourceAttributes",
      ].sort(),
    );
  });
});

describe("formatDuration", () => {
  const d = (raw: unknown) => new Typed({ kind: "duration" }, raw);
  it.each([
    ["90s", "1m30s"],
    ["0s", "0s"],
    ["1.5s", "1.5s"],
    ["3600s", "1h0m0s"],
    ["0.001s", "1ms"],
    ["0.0000015s", "1.5µs"],
    ["-2.5s", "-2.5s"],
  ])("%s → %s", (raw, want) => {
    expect(call("formatDuration", d(raw))).toBe(want);
  });
  it("nil → 0s, wrong type → error", () => {
    expect(call("formatDuration", d(null))).toBe("0s");
    expect(call("formatDuration", undefined)).toBe("0s");
    expect(() => call("formatDuration", "90s")).toThrow(
      /wrong type for value; expected \*durationpb.Duration/,
    );
  });
});

describe("isset and annotation", () => {
  it("isset sees present keys, even empty; a nil map has none", () => {
    expect(call("isset", smap({ a: "" }), "a")).toBe(true);
    expect(call("isset", smap({ a: "" }), "b")).toBe(false);
    expect(call("isset", smap(null), "a")).toBe(false);
    expect(call("isset", undefined, "a")).toBe(false);
    expect(() => call("isset", { a: "x" }, "a")).toThrow(/expected map\[string\]string/);
    expect(() => call("isset", smap({}), undefined)).toThrow("invalid value; expected string");
  });

  it("annotation: the present value wins, else fmt.Sprint of the default", () => {
    expect(call("annotation", meta({ k: "" }), "k", "def")).toBe("");
    expect(call("annotation", meta({ k: "v" }), "k", "def")).toBe("v");
    expect(call("annotation", meta(), "k", "def")).toBe("def");
    expect(call("annotation", meta(), "k", undefined)).toBe("<nil>");
    expect(call("annotation", meta(), "k", 15020)).toBe("15020");
    expect(call("annotation", meta(), "k", 1e6)).toBe("1e+06");
    expect(call("annotation", meta(), "k", false)).toBe("false");
    // The default .ProxyConfig.InterceptionMode is an enum: fmt.Sprint gives its name.
    const mode = protoType("mesh.ProxyConfig").methods?.GetInterceptionMode;
    if (!mode) throw new Error("no GetInterceptionMode");
    const tproxy = mode(new Typed(PROXY_CONFIG, { interceptionMode: "TPROXY" }), []);
    expect(call("annotation", meta(), "k", tproxy)).toBe("TPROXY");
    expect(() => call("annotation", undefined, "k", "d")).toThrow("invalid value; expected v1.ObjectMeta");
    expect(() => call("annotation", { annotations: {} }, "k", "d")).toThrow(/wrong type/);
  });
});

describe("excludeInboundPort", () => {
  it.each([
    [15020, "", "15020"],
    [15020, "a, b", "a,b,15020"],
    ["15020", "15020", "15020"],
    [15020, " 15020,1", "15020,1,15020"],
    // Elements are compared untrimmed (strings.Split), so " 15020" does not count as present.
    [15020, "1, 15020", "1,15020,15020"],
    [0, "1,2", "1,2"],
    ["", "1", "1"],
    [" 80 ", "1,,2", "1,2,80"],
    [undefined, "1", "1,<nil>"],
  ] as [GoValue, string, string][])("(%j, %j) → %j", (port, list, want) => {
    expect(call("excludeInboundPort", port, list)).toBe(want);
  });
  it("needs a string list", () => {
    expect(() => call("excludeInboundPort", 1, undefined)).toThrow("invalid value; expected string");
  });
});

describe("container ports", () => {
  const cs = containers([
    {
      name: "app",
      ports: [
        { containerPort: 80 },
        { containerPort: 53, protocol: "UDP" },
        { containerPort: 9, protocol: "SCTP" },
      ],
    },
    { name: "istio-proxy", ports: [{ containerPort: 15090, protocol: "TCP" }] },
    { name: "side" },
  ]);
  it("includeInboundPorts skips UDP and SCTP; applicationPorts also istio-proxy", () => {
    expect(call("includeInboundPorts", cs)).toBe("80,15090");
    expect(call("applicationPorts", cs)).toBe("80");
    expect(call("includeInboundPorts", undefined)).toBe("");
    expect(() => call("includeInboundPorts", [{}])).toThrow(/expected \[\]v1.Container/);
  });
  it("kubevirtInterfaces and excludeInterfaces are the identity on strings", () => {
    expect(call("kubevirtInterfaces", "eth1")).toBe("eth1");
    expect(call("excludeInterfaces", "")).toBe("");
    expect(() => call("excludeInterfaces", undefined)).toThrow("invalid value; expected string");
  });
});

describe("valueOrDefault", () => {
  it('replaces only "" and nil, keeping 0 and false', () => {
    expect(call("valueOrDefault", "", "d")).toBe("d");
    expect(call("valueOrDefault", undefined, "d")).toBe("d");
    expect(call("valueOrDefault", null, "d")).toBe("d");
    expect(call("valueOrDefault", 0, "d")).toBe(0);
    expect(call("valueOrDefault", false, "d")).toBe(false);
    expect(call("valueOrDefault", "x", "d")).toBe("x");
    expect(call("valueOrDefault", undefined, undefined)).toBe(null);
  });
});

describe("JSON and YAML", () => {
  it("toJSON of a map[string]string; nil → {}; other types fail", () => {
    expect(call("toJSON", smap({ b: "<", a: "1" }))).toBe('{"a":"1","b":"\\u003c"}');
    expect(call("toJSON", undefined)).toBe("{}");
    expect(() => call("toJSON", { a: 1 })).toThrow(/wrong type/);
  });

  it("fromJSON gives float64s and maps; bad JSON gives the string {}", () => {
    expect(call("fromJSON", '{"a":[1,"x",null]}')).toEqual({ a: [1, "x", null] });
    expect(call("fromJSON", "{bad")).toBe("{}");
    expect(call("fromJSON", "")).toBe("{}");
    expect(() => call("fromJSON", undefined)).toThrow("invalid value; expected string");
  });

  it("structToJSON: struct order, nil → {}, errors → {}", () => {
    const port = new Typed(kubeType("v1.ContainerPort"), { containerPort: 80, name: "http" });
    expect(call("structToJSON", port)).toBe('{"name":"http","containerPort":80}');
    expect(call("structToJSON", undefined)).toBe("{}");
    expect(call("structToJSON", { a: Number.NaN })).toBe("{}");
  });

  it("protoToJSON cleans defaults; nil → {}; a non-message fails", () => {
    expect(call("protoToJSON", new Typed(PROXY_CONFIG, { statusPort: 15020, concurrency: 0 }))).toBe(
      '{"concurrency":0}',
    );
    expect(call("protoToJSON", new Typed(PROXY_CONFIG, null))).toBe("{}");
    expect(call("protoToJSON", undefined)).toBe("{}");
    expect(() => call("protoToJSON", "x")).toThrow(/wrong type/);
  });

  it("toYaml: nil → null, {} → {}, errors → empty", () => {
    expect(call("toYaml", undefined)).toBe("null\n");
    expect(call("toYaml", {})).toBe("{}\n");
    expect(call("toYaml", { b: { c: "true" }, a: [1] })).toBe('a:\n- 1\nb:\n  c: "true"\n');
    expect(call("toYaml", Number.NaN)).toBe("");
  });
});

describe("string helpers", () => {
  it("indent pads every line but the first", () => {
    expect(call("indent", 2n, "a\nb\n")).toBe("a\n  b\n  ");
    expect(call("indent", 0n, "a\nb")).toBe("a\nb");
    expect(call("indent", -2n, "a\nb")).toBe("a\n  b");
    expect(() => call("indent", 2, "a")).toThrow(/expected int/);
  });

  it("directory keeps the trailing slash", () => {
    expect(call("directory", "/a/b/c.pem")).toBe("/a/b/");
    expect(call("directory", "c.pem")).toBe("");
    expect(call("directory", "/")).toBe("/");
  });

  it("contains takes the needle first; toLower needs a string", () => {
    expect(call("contains", "/", "docker.io/x")).toBe(true);
    expect(call("contains", "/", "proxyv2")).toBe(false);
    expect(() => call("contains", "/", undefined)).toThrow("invalid value; expected string");
    expect(call("toLower", "ReplicaSet")).toBe("replicaset");
    expect(() => call("toLower", undefined)).toThrow("invalid value; expected string");
  });

  it("env never reads the process environment", () => {
    process.env.OUTRIGGER_TEST_SECRET = "leak";
    expect(call("env", "OUTRIGGER_TEST_SECRET", "def")).toBe("def");
    expect(call("env", "PATH", "")).toBe("");
    delete process.env.OUTRIGGER_TEST_SECRET;
  });
});

describe("appendMultusNetwork", () => {
  it.each([
    ["", "istio-cni", "istio-cni"],
    ["a, b", "istio-cni", "a, b, istio-cni"],
    ["a, istio-cni ", "istio-cni", "a, istio-cni "],
    ['[{"name": "a"}]', "istio-cni", '[{"name": "a"}, {"name": "istio-cni"}]'],
    ['[{"name":"istio-cni"}]', "istio-cni", '[{"name":"istio-cni"}]'],
    [
      '[{"name":"istio-cni","namespace":"x"}]',
      "istio-cni",
      '[{"name":"istio-cni","namespace":"x"}, {"name": "istio-cni"}]',
    ],
    [
      '[{"name":"istio-cni","namespace":"kube-system"}]',
      "kube-system/istio-cni",
      '[{"name":"istio-cni","namespace":"kube-system"}]',
    ],
    ["[]", "ns/istio-cni", '[, {"name": "istio-cni", "namespace": "ns"}]'],
    ["[bad]", "istio-cni", "[bad]"],
    ["[bad", "istio-cni", "[bad, istio-cni"],
    ['{"name":"a"}]', "istio-cni", '{"name":"a"}]'],
  ])("(%j, %j) → %j", (existing, net, want) => {
    expect(call("appendMultusNetwork", existing, net)).toBe(want);
  });
});

describe("string maps", () => {
  it("strdict pairs strings; a dangling key maps to empty", () => {
    expect(entries(call("strdict", "a", "1", "b"))).toEqual({ a: "1", b: "" });
    expect(() => call("strdict", "a", 1)).toThrow(/expected string/);
  });

  it("omit copies without the keys", () => {
    expect(entries(call("omit", smap({ a: "1", b: "2", c: "3" }), "a", "c"))).toEqual({ b: "2" });
    expect(entries(call("omit", undefined))).toEqual({});
    expect(() => call("omit", { a: "1" }, "a")).toThrow(/map\[string\]string/);
  });

  it("mergeMaps: later wins; none → nil", () => {
    expect(entries(call("mergeMaps", smap({ a: "1", b: "1" }), smap({ b: "2" })))).toEqual({
      a: "1",
      b: "2",
    });
    expect(call("mergeMaps")).toBe(null);
    expect(call("toJsonMap", smap({ z: "1" }), call("strdict", "a", "&"))).toBe('{"a":"\\u0026","z":"1"}');
    expect(call("toJsonMap")).toBe("null");
  });
});

describe("omitNil", () => {
  it("removes nils recursively and drops containers left empty", () => {
    expect(call("omitNil", { a: null, b: { c: null }, d: [null, 1], e: "" })).toEqual({ d: [1], e: "" });
    expect(call("omitNil", { a: null })).toBe(null);
    expect(call("omitNil", [null])).toBe(null);
    expect(call("omitNil", undefined)).toBe(null);
  });
  it("returns unchanged containers as they are", () => {
    const v = { a: { b: 1 }, c: [] };
    expect(call("omitNil", v)).toBe(v);
    const typed = smap({ a: "1" });
    expect(call("omitNil", typed)).toBe(typed);
  });
});

describe("otelResourceAttributes", () => {
  const mesh = (enrich: boolean) =>
    new Typed(MESH_CONFIG, {
      extensionProviders: [
        {
          name: "otel",
          opentelemetry: enrich ? { serviceAttributeEnrichment: "OTEL_SEMANTIC_CONVENTIONS" } : {},
        },
      ],
    });
  const cs = containers([{ name: "app", image: "reg:5000/app:1.2@sha256:abc" }]);

  it('is "" unless a provider asks for the semantic conventions', () => {
    expect(call("otelResourceAttributes", mesh(false), smap({}), smap({}), "ns", cs)).toBe("");
    expect(call("otelResourceAttributes", undefined, undefined, undefined, "ns", undefined)).toBe("");
  });

  it("derives namespace, version and instance id", () => {
    expect(call("otelResourceAttributes", mesh(true), smap({}), smap({}), "ns", cs)).toBe(
      "service.namespace=ns,service.version=1.2@sha256:abc,service.instance.id=ns.$(POD_NAME).app",
    );
    expect(
      call(
        "otelResourceAttributes",
        mesh(true),
        smap({
          "resource.opentelemetry.io/service.namespace": "x",
          "resource.opentelemetry.io/service.instance.id": "",
        }),
        smap({ "app.kubernetes.io/version": "v9" }),
        "",
        containers([{ name: "a", image: "a:1" }, { name: "b" }]),
      ),
    ).toBe("service.namespace=x,service.version=v9,service.instance.id=.$(POD_NAME).a");
  });

  it("type-checks its parameters", () => {
    expect(() => call("otelResourceAttributes", mesh(true), smap({}), smap({}), undefined, cs)).toThrow(
      "invalid value; expected string",
    );
    expect(() => call("otelResourceAttributes", "x", smap({}), smap({}), "ns", cs)).toThrow(GoError);
  });
});
