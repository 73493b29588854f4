import { describe, expect, it } from "vitest";
import {
  dumpAppProbers,
  goJsonString,
  mergeOrAppendProbers,
  probeContext,
  probeTargetPort,
  rewriteAppProbes,
  shouldRewriteAppProbes,
} from "../../core/inject/probes.ts";
import { isObject, type Json, type JsonObject } from "../../core/json.ts";
import {
  caseConfig,
  goldenPodPairs,
  istioCases,
  podContainers as list,
  proxyOf,
  readIstio,
} from "../helpers/istio-cases.ts";

const PROBERS = "ISTIO_KUBE_APP_PROBERS";
const REWRITE = "sidecar.istio.io/rewriteAppHTTPProbers";

function annotationsOf(pod: JsonObject): JsonObject {
  if (!isObject(pod.metadata)) pod.metadata = {};
  const m = pod.metadata as JsonObject;
  if (!isObject(m.annotations)) m.annotations = {};
  return m.annotations as JsonObject;
}

function envValue(container: JsonObject | undefined, name: string): string | undefined {
  const env = container?.env;
  if (!Array.isArray(env)) return undefined;
  const e = env.find((x) => isObject(x) && x.name === name);
  return isObject(e) && typeof e.value === "string" ? e.value : undefined;
}

const HANDLERS = ["readinessProbe", "livenessProbe", "startupProbe", "lifecycle"] as const;

function handlers(pod: JsonObject): Record<string, Json> {
  const out: Record<string, Json> = {};
  for (const field of ["containers", "initContainers"] as const) {
    for (const c of list(pod, field)) {
      if (c.name === "istio-proxy") continue;
      for (const h of HANDLERS) if (c[h] !== undefined) out[`${field}/${String(c.name)}/${h}`] = c[h] as Json;
    }
  }
  return out;
}

// Each golden case whose input and output are both here: the input pod plus the golden's istio-proxy
// position (an empty proxy is enough: rewriting only needs somewhere to put the env), run through
// rewriteAppProbes, must give the golden's rewritten probes and its ISTIO_KUBE_APP_PROBERS text.
describe("golden corpus: probe rewriting", () => {
  for (const { c, i, pod, golden } of goldenPodPairs()) {
    it(`${c.id} #${i}`, () => {
      // Some templates write the toggle annotation (grpc-agent sets it to "false"); Istio reads it from
      // the merged pod, so the test gives the input pod what the template would have added.
      const toggle = annotationsOf(golden)[REWRITE];
      if (toggle !== undefined) annotationsOf(pod)[REWRITE] = toggle;
      const config = caseConfig(c);
      rewriteAppProbes(pod, probeContext(config.values, config.meshConfig));
      expect(handlers(pod)).toEqual(handlers(golden));
      expect(envValue(proxyOf(pod)?.proxy, PROBERS)).toBe(envValue(proxyOf(golden)?.proxy, PROBERS));
    });
  }
});

describe("golden corpus coverage", () => {
  it("exercises the probe goldens with a non-empty ISTIO_KUBE_APP_PROBERS", () => {
    const withProbers = istioCases()
      .filter((c) => {
        try {
          return readIstio(c.golden).includes(PROBERS);
        } catch {
          return false;
        }
      })
      .map((c) => c.id);
    for (const id of [
      "hello-probes",
      "named_port",
      "https-probes",
      "tcp-probes",
      "ready_live",
      "startup_live",
      "startup_only",
      "merge-probers",
    ]) {
      expect(withProbers).toContain(id);
    }
  });
});

const proxy = (): JsonObject => ({ name: "istio-proxy", env: [{ name: "A", value: "a" }] });
const ctx = { meshStatusPort: 15020, rewriteDefault: true };

function podWith(containers: Json[], annotations: JsonObject = {}, initContainers?: Json[]): JsonObject {
  return {
    metadata: { annotations },
    spec: { containers: [...containers, proxy()], ...(initContainers ? { initContainers } : {}) },
  };
}

function env(pod: JsonObject): string | undefined {
  const p =
    list(pod, "containers").find((c) => c.name === "istio-proxy") ??
    list(pod, "initContainers").find((c) => c.name === "istio-proxy");
  return envValue(p, PROBERS);
}

function container(pod: JsonObject, name: string): JsonObject {
  const c = [...list(pod, "containers"), ...list(pod, "initContainers")].find((x) => x.name === name);
  if (!c) throw new Error(`no container ${name}`);
  return c;
}

describe("rewriteAppProbes", () => {
  it("rewrites gRPC probes to HTTP and records them with a null service (Istio TestDumpAppGRPCProbers)", () => {
    const pod = podWith([{ name: "foo", livenessProbe: { grpc: { port: 1234 } } }]);
    rewriteAppProbes(pod, ctx);
    expect(container(pod, "foo").livenessProbe).toEqual({
      httpGet: { path: "/app-health/foo/livez", port: 15020 },
    });
    expect(env(pod)).toBe('{"/app-health/foo/livez":{"grpc":{"port":1234,"service":null}}}');
  });

  it("writes Go's field order for gRPC with service and timeout plus an HTTP lifecycle hook", () => {
    const pod = podWith([
      {
        name: "foo",
        startupProbe: { timeoutSeconds: 10, grpc: { service: "foo", port: 1234 }, periodSeconds: 3 },
        lifecycle: { preStop: { httpGet: { scheme: "HTTP", host: "foo", port: 1234, path: "/foo" } } },
      },
    ]);
    rewriteAppProbes(pod, ctx);
    expect(env(pod)).toBe(
      '{"/app-health/foo/startupz":{"grpc":{"port":1234,"service":"foo"},"timeoutSeconds":10},' +
        '"/app-lifecycle/foo/prestopz":{"httpGet":{"path":"/foo","port":1234,"host":"foo","scheme":"HTTP"}}}',
    );
    expect(container(pod, "foo").startupProbe).toEqual({
      timeoutSeconds: 10,
      httpGet: { path: "/app-health/foo/startupz", port: 15020 },
      periodSeconds: 3,
    });
    expect(container(pod, "foo").lifecycle).toEqual({
      preStop: { httpGet: { scheme: "HTTP", host: "foo", port: 15020, path: "/app-lifecycle/foo/prestopz" } },
    });
  });

  it("downgrades HTTPS, keeps headers and other fields, and records the original", () => {
    const headers = [{ name: "X-A", value: "b" }];
    const pod = podWith([
      {
        name: "a",
        readinessProbe: {
          httpGet: { port: 8443, scheme: "HTTPS", httpHeaders: headers },
          failureThreshold: 3,
        },
      },
    ]);
    rewriteAppProbes(pod, ctx);
    expect(container(pod, "a").readinessProbe).toEqual({
      httpGet: { port: 15020, scheme: "HTTP", httpHeaders: headers, path: "/app-health/a/readyz" },
      failureThreshold: 3,
    });
    expect(env(pod)).toBe(
      '{"/app-health/a/readyz":{"httpGet":{"port":8443,"scheme":"HTTPS","httpHeaders":[{"name":"X-A","value":"b"}]}}}',
    );
  });

  it("HTML-escapes like Go's encoding/json", () => {
    const pod = podWith([
      { name: "a", livenessProbe: { httpGet: { port: 80, path: "/h?a=1&b=<2>\u2028" } } },
    ]);
    rewriteAppProbes(pod, ctx);
    expect(env(pod)).toBe(
      '{"/app-health/a/livez":{"httpGet":{"path":"/h?a=1\\u0026b=\\u003c2\\u003e\\u2028","port":80}}}',
    );
    expect(goJsonString('"\\\n\t\b\f\u0001\ud800')).toBe('"\\"\\\\\\n\\t\\b\\f\\u0001\\ufffd"');
  });

  it("resolves named ports, drops unresolvable ones from the env but still rewrites them", () => {
    const pod = podWith([
      {
        name: "a",
        ports: [{ name: "http", containerPort: 8080 }],
        livenessProbe: { httpGet: { port: "http" } },
        readinessProbe: { tcpSocket: { port: "nope", host: "h" } },
      },
    ]);
    rewriteAppProbes(pod, ctx);
    expect(env(pod)).toBe('{"/app-health/a/livez":{"httpGet":{"port":8080}}}');
    expect(container(pod, "a").readinessProbe).toEqual({
      httpGet: { path: "/app-health/a/readyz", port: 15020 },
    });
  });

  it("skips probes already on the status port, and is idempotent on re-injection", () => {
    const pod = podWith(
      [{ name: "a", livenessProbe: { httpGet: { port: 80 } }, readinessProbe: { tcpSocket: { port: 81 } } }],
      {
        "sidecar.istio.io/status": "{}",
      },
    );
    rewriteAppProbes(pod, ctx);
    const first = structuredClone(pod);
    rewriteAppProbes(pod, ctx);
    expect(pod).toEqual(first);
    expect(env(pod)).toBe(
      '{"/app-health/a/livez":{"httpGet":{"port":80}},"/app-health/a/readyz":{"tcpSocket":{"port":81}}}',
    );
  });

  it("uses the status port annotation for the rewrite (Atoi: untrimmed text gives 0, as in Istio)", () => {
    const pod = podWith([{ name: "a", livenessProbe: { httpGet: { port: 80 } } }], {
      "status.sidecar.istio.io/port": "123",
    });
    rewriteAppProbes(pod, ctx);
    expect(container(pod, "a").livenessProbe).toEqual({
      httpGet: { port: 123, path: "/app-health/a/livez" },
    });
    expect(probeTargetPort({ "status.sidecar.istio.io/port": " 123" }, 15020)).toBe(0);
    expect(probeTargetPort({ "status.sidecar.istio.io/port": "+124" }, 15020)).toBe(124);
    expect(probeTargetPort({}, 15021)).toBe(15021);
  });

  it("handles init containers and an istio-proxy that is itself an init container (native sidecar)", () => {
    const pod: JsonObject = {
      spec: {
        initContainers: [
          { name: "istio-proxy", readinessProbe: { httpGet: { port: 15021, path: "/healthz/ready" } } },
          { name: "init", startupProbe: { tcpSocket: { port: 5 } } },
        ],
        containers: [{ name: "app", livenessProbe: { httpGet: { port: 80 } } }],
      },
    };
    rewriteAppProbes(pod, ctx);
    const p = container(pod, "istio-proxy");
    expect(p.readinessProbe).toEqual({ httpGet: { port: 15021, path: "/healthz/ready" } });
    expect(envValue(p, PROBERS)).toBe(
      '{"/app-health/app/livez":{"httpGet":{"port":80}},"/app-health/init/startupz":{"tcpSocket":{"port":5}}}',
    );
  });

  it("does nothing without istio-proxy, or when turned off", () => {
    const noProxy: JsonObject = {
      spec: { containers: [{ name: "a", livenessProbe: { httpGet: { port: 80 } } }] },
    };
    const before = structuredClone(noProxy);
    rewriteAppProbes(noProxy, ctx);
    expect(noProxy).toEqual(before);

    const off = podWith([{ name: "a", livenessProbe: { httpGet: { port: 80 } } }], {
      "sidecar.istio.io/rewriteAppHTTPProbers": "f",
    });
    const offBefore = structuredClone(off);
    rewriteAppProbes(off, ctx);
    expect(off).toEqual(offBefore);

    const valuesOff = podWith([{ name: "a", livenessProbe: { httpGet: { port: 80 } } }]);
    const valuesOffBefore = structuredClone(valuesOff);
    rewriteAppProbes(valuesOff, {
      values: { sidecarInjectorWebhook: { rewriteAppHTTPProbe: false } },
      meshConfig: {},
    });
    expect(valuesOff).toEqual(valuesOffBefore);
  });

  it("keeps exec probes and lifecycle exec hooks", () => {
    const pod = podWith([
      {
        name: "a",
        livenessProbe: { exec: { command: ["x"] } },
        lifecycle: { postStart: { exec: { command: ["y"] } }, preStop: { grpc: { port: 1 } } },
      },
    ]);
    const before = structuredClone(pod);
    rewriteAppProbes(pod, ctx);
    expect(pod).toEqual(before); // gRPC is not a lifecycle handler type
  });

  const hostilePod = (): JsonObject => ({
    metadata: { annotations: { "status.sidecar.istio.io/port": "abc", "sidecar.istio.io/status": "x" } },
    spec: {
      containers: [
        {
          name: 5,
          ports: "x",
          livenessProbe: "x",
          readinessProbe: { httpGet: "x" },
          startupProbe: { httpGet: { port: { a: 1 } } },
        },
        {
          name: "b",
          ports: [null, { name: "p" }, { name: "q", containerPort: "x" }],
          livenessProbe: { httpGet: { port: "p", httpHeaders: "x" } },
        },
        {
          name: "c",
          lifecycle: "x",
          readinessProbe: { tcpSocket: { port: 1.5 } },
          livenessProbe: { grpc: { port: "x", service: 3 } },
        },
        { name: "d", lifecycle: { preStop: "x", postStart: { tcpSocket: null, httpGet: null } } },
        { name: "istio-proxy", env: [null, { name: PROBERS, value: 7 }] },
      ],
    },
  });

  it("never throws on hostile shapes", () => {
    const hostile: JsonObject[] = [
      {},
      { spec: "x" },
      { spec: { containers: "x", initContainers: 5 } },
      {
        metadata: { annotations: "x" },
        spec: { containers: [null, 1, "s", [], { name: "istio-proxy", env: "not-a-list" }] },
      },
      {
        metadata: "x",
        spec: {
          containers: [{ name: "istio-proxy" }, { name: "a", livenessProbe: { tcpSocket: { port: 1 } } }],
        },
      },
      hostilePod(),
    ];
    for (const h of hostile) expect(() => rewriteAppProbes(h, ctx)).not.toThrow();
    // A previous value Go cannot decode is kept as it is.
    expect(list(hostile[5] as JsonObject, "containers")[4]?.env).toEqual([null, { name: PROBERS, value: 7 }]);
    // An unparseable status port annotation means port 0, as strconv.Atoi's failure does in Istio.
    expect(container(hostile[5] as JsonObject, "c").readinessProbe).toEqual({
      httpGet: { path: "/app-health/c/readyz", port: 0 },
    });
  });

  it("reads wrong-typed fields of hostile probes as Go's zero values or as unresolvable", () => {
    const pod = hostilePod();
    delete ((pod.metadata as JsonObject).annotations as JsonObject)["sidecar.istio.io/status"];
    (list(pod, "containers")[4] as JsonObject).env = [];
    rewriteAppProbes(pod, ctx);
    // missing containerPort → 0; port of the wrong type → not recorded; bad gRPC service → null
    expect(env(pod)).toBe(
      '{"/app-health/b/livez":{"httpGet":{"port":0}},"/app-health/c/livez":{"grpc":{"port":0,"service":null}}}',
    );
  });
});

describe("dumpAppProbers", () => {
  it("gives the empty string when nothing is recorded", () => {
    expect(dumpAppProbers({ spec: { containers: [{ name: "a" }] } }, 15020)).toBe("");
  });
  it("lets a container win over an init container of the same name", () => {
    const pod: JsonObject = {
      spec: {
        initContainers: [{ name: "a", livenessProbe: { httpGet: { port: 1 } } }],
        containers: [{ name: "a", livenessProbe: { httpGet: { port: 2 } } }],
      },
    };
    expect(dumpAppProbers(pod, 15020)).toBe('{"/app-health/a/livez":{"httpGet":{"port":2}}}');
  });
});

describe("mergeOrAppendProbers (Istio TestMergeOrAppendProbers)", () => {
  const bar = '{"/app-health/bar/livez":{"httpGet":{"path":"/","port":9000,"scheme":"HTTP"}}}';
  const foo = '{"/app-health/foo/livez":{"httpGet":{"path":"/","port":8000,"scheme":"HTTP"}}}';
  const both =
    '{"/app-health/bar/livez":{"httpGet":{"path":"/","port":9000,"scheme":"HTTP"}},' +
    '"/app-health/foo/livez":{"httpGet":{"path":"/","port":8000,"scheme":"HTTP"}}}';

  it("appends on first injection", () => {
    expect(mergeOrAppendProbers(false, [], both)).toEqual([{ name: PROBERS, value: both }]);
  });
  it("merges in place on re-injection", () => {
    const env = [
      { name: "T1", value: "1" },
      { name: PROBERS, value: foo },
      { name: "T2", value: "2" },
    ];
    expect(mergeOrAppendProbers(true, env, bar)).toEqual([
      { name: "T1", value: "1" },
      { name: PROBERS, value: both },
      { name: "T2", value: "2" },
    ]);
  });
  it("appends when a previous injection recorded none", () => {
    const env = [{ name: "T1", value: "1" }];
    expect(mergeOrAppendProbers(true, env, bar)).toEqual([
      { name: "T1", value: "1" },
      { name: PROBERS, value: bar },
    ]);
  });
  it("lets old keys win and re-encodes them in Go's form", () => {
    const old = '{"/app-health/bar/livez":{"HTTPGet":{"scheme":"HTTP","port":1,"extra":true}}}';
    expect(mergeOrAppendProbers(true, [{ name: PROBERS, value: old }], bar)).toEqual([
      { name: PROBERS, value: '{"/app-health/bar/livez":{"httpGet":{"port":1,"scheme":"HTTP"}}}' },
    ]);
  });
  it("leaves the env alone when the old value does not decode", () => {
    for (const bad of ["not json", "[1]", '{"a":{"httpGet":{"port":true}}}', '{"a":5}']) {
      const env = [{ name: PROBERS, value: bad }];
      expect(mergeOrAppendProbers(true, env, bar)).toEqual(env);
    }
  });
});

describe("shouldRewriteAppProbes (Istio TestShouldRewriteAppHTTPProbers)", () => {
  const A = "sidecar.istio.io/rewriteAppHTTPProbers";
  it.each([
    [{}, false, false],
    [{}, true, true],
    [{ [A]: "true" }, false, true],
    [{ [A]: "true" }, true, true],
    [{ [A]: "false" }, false, false],
    [{ [A]: "false" }, true, false],
    [{ [A]: "1" }, false, true],
    [{ [A]: "yes" }, true, true],
    [{ [A]: "yes" }, false, false],
  ])("%o with default %s → %s", (annotations, def, want) => {
    expect(shouldRewriteAppProbes(annotations as Record<string, string>, def)).toBe(want);
  });
});

describe("probeContext", () => {
  it("reads values and the mesh status port, with Istio's defaults", () => {
    expect(probeContext({}, {})).toEqual({ meshStatusPort: 15020, rewriteDefault: true });
    expect(
      probeContext(
        { sidecarInjectorWebhook: { rewriteAppHTTPProbe: false } },
        { defaultConfig: { statusPort: 15555 } },
      ),
    ).toEqual({
      meshStatusPort: 15555,
      rewriteDefault: false,
    });
    expect(probeContext("x", { defaultConfig: { statusPort: 0 } }).meshStatusPort).toBe(15020);
  });
});
