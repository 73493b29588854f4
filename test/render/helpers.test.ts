import Handlebars from "handlebars/dist/cjs/handlebars.js";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { istioProxyConfigDefaults } from "../../core/config/defaults.ts";
import { compileTemplate } from "../../core/render/compile.ts";
import {
  annotation,
  appendMultusNetwork,
  contains,
  directory,
  excludeInboundPort,
  formatDuration,
  fromJson,
  helpers,
  includeInboundPorts,
  indent,
  omitNil,
  podPortsJson,
  printf,
  protoToJson,
  toYaml,
} from "../../core/render/helpers.ts";

function render(text: string, data: unknown = {}): string {
  const t = compileTemplate("t", text);
  if (!t.ok) throw new Error(t.error);
  return t.value(data);
}

describe("annotation", () => {
  const meta = { annotations: { present: "", set: "x" } };
  it("returns a present value even when it is empty", () => {
    expect(annotation(meta, "present", "fallback")).toBe("");
    expect(annotation(meta, "set", "fallback")).toBe("x");
  });
  it("falls back to the default printed as Go prints it", () => {
    expect(annotation(meta, "absent", "fallback")).toBe("fallback");
    expect(annotation(meta, "absent", 15020)).toBe("15020");
    expect(annotation(meta, "absent", true)).toBe("true");
    expect(annotation({}, "absent", undefined)).toBe("<nil>");
  });
});

describe("excludeInboundPort", () => {
  it("appends the port unless it is already excluded", () => {
    expect(excludeInboundPort("15020", "")).toBe("15020");
    expect(excludeInboundPort(15020, "4,5,6")).toBe("4,5,6,15020");
    expect(excludeInboundPort("15020", "15020,4")).toBe("15020,4");
  });
  it("leaves the list alone for an unset or zero port", () => {
    expect(excludeInboundPort("", "4,5")).toBe("4,5");
    expect(excludeInboundPort("0", "4,5")).toBe("4,5");
    expect(excludeInboundPort(0, "")).toBe("");
  });
  it("trims blanks and drops empty entries", () => {
    expect(excludeInboundPort(" 123 ", " 4 , ,5")).toBe("4,5,123");
  });
});

describe("contains", () => {
  it("takes the needle first, as Istio's template function", () => {
    expect(contains("/", "docker.io/istio/proxyv2")).toBe(true);
    expect(contains("docker.io/istio/proxyv2", "/")).toBe(false);
  });
});

describe("protoToJson", () => {
  it("gives {} for Istio's defaults", () => {
    expect(protoToJson(istioProxyConfigDefaults)).toBe("{}");
    expect(protoToJson({ ...istioProxyConfigDefaults, interceptionMode: "REDIRECT" })).toBe("{}");
    expect(protoToJson({ ...istioProxyConfigDefaults, drainDuration: "45.000s" })).toBe("{}");
  });
  it("keeps overrides, in proto field order", () => {
    const pc = {
      ...istioProxyConfigDefaults,
      proxyMetadata: { foo: "barr" },
      drainDuration: "7s",
      configPath: "/foo/bar",
    };
    expect(protoToJson(pc)).toBe(
      '{"configPath":"/foo/bar","drainDuration":"7s","proxyMetadata":{"foo":"barr"}}',
    );
  });
  it("keeps wrapper values that are zero and messages that are empty", () => {
    expect(protoToJson({ concurrency: 0, holdApplicationUntilProxyStarts: false })).toBe(
      '{"concurrency":0,"holdApplicationUntilProxyStarts":false}',
    );
    expect(protoToJson({ tracing: {} })).toBe('{"tracing":{}}');
  });
});

describe("Go-flavoured helpers", () => {
  it("printf handles the verbs and escapes Istio templates use", () => {
    expect(printf("%s-%d-%t-%v", "a", 3, true, 1.5)).toBe("a-3-true-1.5");
    expect(printf("%s\\n", "{}")).toBe("{}\n");
    expect(printf("100%%")).toBe("100%");
  });
  it("default, coalesce, trunc and trimAll chain like sprig", () => {
    expect(render('{{default "istio" x}}', { x: "" })).toBe('"istio"');
    expect(render('{{default "istio" x}}', { x: "mtls" })).toBe('"mtls"');
    expect(render('{{trimAll "-_." (trunc 5 "-ab-cdef")}}')).toBe('"ab-c"');
    expect(render('{{coalesce a b "z"}}', { a: "", b: "" })).toBe('"z"');
  });
  it("and/or return values; #if and #unless treat empty maps and lists as false, as Go does", () => {
    expect(render("{{or a b}}", { a: "", b: "x" })).toBe('"x"');
    expect(render("{{#if m}}yes{{else}}no{{/if}} {{#unless m}}empty{{/unless}}", { m: {} })).toBe("no empty");
    expect(render("{{#if (and m true)}}yes{{else}}no{{/if}}", { m: {} })).toBe("no");
    expect(render("{{#if (truthy m)}}yes{{else}}no{{/if}}", { m: { a: 1 } })).toBe("yes");
  });
  it("eq/ne/gt/ge/len/list/append/join", () => {
    expect(render("{{eq a 1}} {{ne a 1}} {{gt a 0}} {{ge a 2}} {{len l}}", { a: 1, l: [1, 2] })).toBe(
      "true false true false 2",
    );
    expect(render('{{join "," (append (list "a" "b") "c")}}')).toBe('"a,b,c"');
  });
  it("index reads keys with dots and slashes, and is undefined when absent", () => {
    expect(render('{{index m "sidecar.istio.io/x"}}', { m: { "sidecar.istio.io/x": "v" } })).toBe('"v"');
    expect(render('{{index m "nope"}}', { m: {} })).toBe("null");
  });
  it("isset sees present-but-empty keys", () => {
    expect(render('{{isset m "k"}} {{isset m "j"}}', { m: { k: "" } })).toBe("true false");
  });
  it("fromJson returns the string {} on error and sorts map keys", () => {
    expect(fromJson("not json")).toBe("{}");
    expect(Object.keys(fromJson('{"b":1,"a":2}') as object)).toEqual(["a", "b"]);
  });
  it("omitNil drops nulls and maps left empty", () => {
    expect(omitNil({ limits: { cpu: null, memory: "1" }, requests: { cpu: null } })).toEqual({
      limits: { memory: "1" },
    });
    expect(omitNil({ a: null })).toBeNull();
  });
  it("includeInboundPorts skips UDP and SCTP ports", () => {
    const containers = [
      { ports: [{ containerPort: 80 }, { containerPort: 53, protocol: "UDP" }] },
      {
        ports: [
          { containerPort: 90, protocol: "TCP" },
          { containerPort: 7, protocol: "SCTP" },
        ],
      },
    ];
    expect(includeInboundPorts(containers)).toBe("80,90");
  });
  it("podPortsJson writes Go's field order and Istio's layout", () => {
    const containers = [
      { ports: [{ containerPort: 80, name: "http" }] },
      { ports: [{ protocol: "TCP", containerPort: 90 }] },
    ];
    expect(podPortsJson(containers)).toBe(
      '[\n    {"name":"http","containerPort":80}\n    ,{"containerPort":90,"protocol":"TCP"}\n]',
    );
    expect(podPortsJson([])).toBe("[\n]");
  });
  it("formatDuration and directory", () => {
    expect(formatDuration("90s")).toBe("1m30s");
    expect(formatDuration("45s")).toBe("45s");
    expect(formatDuration("0.5s")).toBe("500ms");
    expect(directory("/etc/certs/ca.pem")).toBe("/etc/certs/");
  });
  it("env never reads the process environment", () => {
    expect(render('{{env "PATH" "d"}}')).toBe('"d"');
  });
});

describe("appendMultusNetwork (Istio's cases)", () => {
  const cases: [string, string][] = [
    ["", "istio-cni"],
    ["macvlan-conf-1", "macvlan-conf-1, istio-cni"],
    ["macvlan-conf-1, macvlan-conf-2", "macvlan-conf-1, macvlan-conf-2, istio-cni"],
    ['[{"name": "macvlan-conf-1"}]', '[{"name": "macvlan-conf-1"}, {"name": "istio-cni"}]'],
    ['[{"name": "a"}, {"name": "b"}]', '[{"name": "a"}, {"name": "b"}, {"name": "istio-cni"}]'],
    [
      '[\n  {"name": "a"},\n  {"name": "b"}\n  ]',
      '[\n  {"name": "a"},\n  {"name": "b"}\n  , {"name": "istio-cni"}]',
    ],
    // Not valid JSON (trailing comma): left as it is.
    ['[{"name": "istio-cni", "config": "x"},\n]', '[{"name": "istio-cni", "config": "x"},\n]'],
  ];
  for (const [input, want] of cases) {
    it(JSON.stringify(input), () => {
      expect(appendMultusNetwork(input, "istio-cni")).toBe(want);
      expect(appendMultusNetwork(want, "istio-cni")).toBe(want);
    });
  }
  it("namespaced network", () => {
    expect(appendMultusNetwork('[{"name": "a"}]', "default/istio-cni")).toBe(
      '[{"name": "a"}, {"name": "istio-cni", "namespace": "default"}]',
    );
  });
});

describe("YAML structure helpers", () => {
  it("toYaml returns a SafeString that the compiler passes through", () => {
    expect(toYaml({ a: 1 })).toBeInstanceOf(Handlebars.SafeString);
    expect(render("x:\n  {{indent 2 (toYaml v)}}", { v: { a: "1", b: ["c"] } })).toBe(
      'x:\n  a: "1"\n  b:\n    - c\n  ',
    );
  });
  it("toYaml escapes hostile strings: one line per key, parsing back to the same value", () => {
    const v = { a: 'v"\n- name: injected', b: "x: y" };
    const out = render("x:\n  {{indent 2 (toYaml v)}}", { v });
    expect(out.trimEnd().split("\n")).toHaveLength(3);
    expect(parse(out)).toEqual({ x: v });
  });
  it("indent on a plain string stays a plain (quoted) value", () => {
    expect(indent(2, "a\nb")).toBe("a\n  b");
    expect(render("{{indent 2 s}}", { s: "a\nb" })).toBe('"a\\n  b"');
  });
  it("helpers never see Handlebars' options argument", () => {
    expect((helpers.list as (...a: unknown[]) => unknown)("a", { hash: {}, data: {}, name: "list" })).toEqual(
      ["a"],
    );
  });
});
