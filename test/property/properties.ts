import { strict as assert } from "node:assert";
import { existsSync } from "node:fs";
import fc from "fast-check";
import { Pod } from "kubernetes-models/v1/Pod";
import { applyPatch } from "rfc6902";
import { defaultEngine, type Engine, loadEngine } from "../../core/engine.ts";
import { isObject, type JsonObject } from "../../core/json.ts";
import { configureLogs } from "../../functions/shared/log.ts";
import { createApp, fixedSource, type WebResponse } from "../../functions/shared/router.ts";
import { sharedPath } from "../helpers/fixtures.ts";
import { installedEngine } from "../helpers/istio-releases.ts";

/**
 * The properties the webhook must keep whatever it is sent, written with node:assert so they run
 * both under vitest (test/property/hostile.test.ts, 10,000 cases in CI) and from `npm run fuzz`
 * (bench/fuzz.ts, a million). They go through the whole handler path: the shared router with a
 * URL token, as the Cloud Function and the Lambda run it.
 */

/** Annotations the built-in template and post-processing read; every one is a way in. */
const KEYS = [
  "sidecar.istio.io/proxyCPU",
  "sidecar.istio.io/proxyMemory",
  "sidecar.istio.io/proxyCPULimit",
  "sidecar.istio.io/proxyMemoryLimit",
  "sidecar.istio.io/interceptionMode",
  "sidecar.istio.io/proxyImage",
  "sidecar.istio.io/proxyImageType",
  "sidecar.istio.io/logLevel",
  "sidecar.istio.io/componentLogLevel",
  "sidecar.istio.io/agentLogLevel",
  "sidecar.istio.io/bootstrapOverride",
  "sidecar.istio.io/nativeSidecar",
  "sidecar.istio.io/rewriteAppHTTPProbers",
  "sidecar.istio.io/capNetBindService",
  "status.sidecar.istio.io/port",
  "readiness.status.sidecar.istio.io/initialDelaySeconds",
  "readiness.status.sidecar.istio.io/periodSeconds",
  "readiness.status.sidecar.istio.io/failureThreshold",
  "traffic.sidecar.istio.io/includeOutboundIPRanges",
  "traffic.sidecar.istio.io/excludeOutboundIPRanges",
  "traffic.sidecar.istio.io/includeInboundPorts",
  "traffic.sidecar.istio.io/excludeInboundPorts",
  "traffic.sidecar.istio.io/includeOutboundPorts",
  "traffic.sidecar.istio.io/excludeOutboundPorts",
  "traffic.sidecar.istio.io/excludeInterfaces",
  "traffic.sidecar.istio.io/kubevirtInterfaces",
  "istio.io/reroute-virtual-interfaces",
  "prometheus.istio.io/merge-metrics",
  "prometheus.io/scrape",
  "prometheus.io/port",
  "prometheus.io/path",
  "proxy.istio.io/config",
  "sidecar.istio.io/status",
  "proxy.istio.io/overrides",
  "kubectl.kubernetes.io/default-container",
  "k8s.v1.cni.cncf.io/networks",
];

/** Values built to break out of a YAML scalar, plus arbitrary unicode. */
const payload = fc.oneof(
  fc.string({ unit: "binary", maxLength: 80 }),
  fc.constantFrom(
    '100m"\n  - name: injected\n    image: "busybox',
    "x\n- name: injected\n  image: busybox",
    "'\n  containers: [{name: injected, image: busybox}]",
    "}\n,{name: injected, image: busybox}",
    "{{ProxyImage}}",
    "{{{Values}}}",
    "*",
    "",
    "15020",
    "0",
    '{"name":"injected"}',
    "REDIRECT\n      privileged: true",
    "&a [*a, *a]",
    "\u2028- name: injected",
  ),
  fc
    .tuple(
      fc.constantFrom("", "1", "TPROXY", "10.0.0.0/8"),
      fc.constantFrom("\n", "\r\n", '"', "'", ": ", "#", "\u0085"),
      fc.string({ maxLength: 20 }),
    )
    .map(([a, b, c]) => `${a}${b}- name: injected${c}`),
);

const labelKey = fc.oneof(
  fc.constantFrom(
    "app",
    "version",
    "sidecar.istio.io/inject",
    "istio.io/rev",
    "service.istio.io/canonical-name",
    "topology.istio.io/network",
  ),
  fc.string({ maxLength: 20 }),
);
const labels = fc.dictionary(
  labelKey,
  fc.oneof(fc.constantFrom("true", "false", ""), fc.string({ maxLength: 30 })),
  { maxKeys: 4 },
);

const probe = fc.oneof(
  fc.record({
    httpGet: fc.record({
      path: fc.string({ maxLength: 10 }),
      port: fc.oneof(fc.integer({ min: 1, max: 65535 }), fc.constantFrom("http", "nope")),
    }),
  }),
  fc.record({ tcpSocket: fc.record({ port: fc.integer({ min: 1, max: 65535 }) }) }),
  fc.record({ grpc: fc.record({ port: fc.integer({ min: 1, max: 65535 }) }) }),
);

const container = fc.record(
  {
    name: fc.oneof(
      fc.constantFrom("app", "web", "istio-proxy", "istio-init"),
      fc.stringMatching(/^[a-z][a-z0-9-]{0,12}$/),
    ),
    image: fc.constantFrom("app:1", "nginx", "auto"),
    ports: fc.array(
      fc.record({
        containerPort: fc.integer({ min: 1, max: 65535 }),
        name: fc.constantFrom("http", "grpc", "metrics"),
        protocol: fc.constantFrom("TCP", "UDP"),
      }),
      { maxLength: 3 },
    ),
    env: fc.array(
      fc.record({ name: fc.stringMatching(/^[A-Z][A-Z0-9_]{0,10}$/), value: fc.string({ maxLength: 20 }) }),
      { maxLength: 4 },
    ),
    readinessProbe: probe,
    livenessProbe: probe,
  },
  { requiredKeys: ["name", "image"] },
);

/** Random pods: containers (some named like the injector's own), labels, probes, hostile annotations. */
export const randomPod = fc
  .record({
    annotations: fc.dictionary(fc.constantFrom(...KEYS), payload, { maxKeys: 4 }),
    labels,
    containers: fc.uniqueArray(container, { minLength: 1, maxLength: 3, selector: (c) => c.name }),
    hostNetwork: fc.boolean(),
    named: fc.boolean(),
  })
  .map(({ annotations, labels: l, containers, hostNetwork, named }) => ({
    apiVersion: "v1",
    kind: "Pod",
    metadata: { ...(named ? { name: "p" } : { generateName: "app-" }), labels: l, annotations },
    spec: { hostNetwork, containers },
  }));

/** Label selectors of every operator, valid and not, for neverInjectSelector/alwaysInjectSelector. */
export const randomSelector = fc.record(
  {
    matchLabels: fc.dictionary(labelKey, fc.string({ maxLength: 8 }), { maxKeys: 2 }),
    matchExpressions: fc.array(
      fc.record({
        key: labelKey,
        operator: fc.constantFrom("In", "NotIn", "Exists", "DoesNotExist"),
        values: fc.array(fc.string({ maxLength: 8 }), { maxLength: 2 }),
      }),
      { maxLength: 2 },
    ),
  },
  { requiredKeys: [] },
);

/** A valid review, then one field somewhere replaced by an arbitrary JSON value. */
export const mutatedReview = fc
  .tuple(
    fc.constantFrom(
      [],
      ["request"],
      ["request", "uid"],
      ["request", "object"],
      ["request", "object", "metadata"],
      ["request", "object", "metadata", "annotations"],
      ["request", "object", "metadata", "labels"],
      ["request", "object", "metadata", "namespace"],
      ["request", "object", "spec"],
      ["request", "object", "spec", "containers"],
      ["request", "object", "spec", "hostNetwork"],
      ["request", "namespace"],
      ["request", "kind"],
      ["apiVersion"],
      ["kind"],
    ),
    fc.oneof(
      fc.jsonValue({ maxDepth: 4 }),
      fc.constantFrom(
        // Parsed, so the keys are own properties as they would be in a request body.
        JSON.parse('{"__proto__":{"polluted":true}}'),
        JSON.parse('{"constructor":{"prototype":{"polluted":true}}}'),
      ),
    ),
  )
  .map(([path, value]) => {
    const review = reviewOf(basePod({}), "m");
    if (path.length === 0) return value;
    let node: JsonObject = review;
    for (const key of path.slice(0, -1)) node = node[key] as JsonObject;
    node[path[path.length - 1] as string] = value as never;
    return review;
  });

export function basePod(annotations: Record<string, string>): JsonObject {
  return {
    apiVersion: "v1",
    kind: "Pod",
    metadata: { generateName: "app-", labels: { app: "app" }, annotations },
    spec: { containers: [{ name: "app", image: "app:1", ports: [{ containerPort: 8080 }] }] },
  };
}

export function reviewOf(pod: unknown, uid: string, namespace = "default"): JsonObject {
  return {
    apiVersion: "admission.k8s.io/v1",
    kind: "AdmissionReview",
    request: {
      uid,
      kind: { group: "", version: "v1", kind: "Pod" },
      namespace,
      operation: "CREATE",
      object: pod as JsonObject,
    },
  };
}

const TOKEN = "property-test-token-0123456789";

export interface Harness {
  post(body: string, engine?: "classic" | "native" | "istio" | Engine): Promise<WebResponse>;
  /** Istio 1.30.3's own ConfigMaps (Go templates), when the shared fixtures are there. */
  istio: boolean;
}

/** Istio 1.30.3's ConfigMaps from the shared fixtures (beside the repository), or undefined without them. */
function istioEngine(): Engine | undefined {
  if (!existsSync(sharedPath("fixtures/istio-releases/1.30.3/configmaps"))) return undefined;
  return installedEngine("1.30.3");
}

/** The shared router over a fixed engine, with a URL token, its logs discarded. */
export function harness(): Harness {
  configureLogs({ sink: () => {} });
  const classic = defaultEngine();
  const native = loadEngine("nativeSidecars: true\n");
  if (!native.ok) throw new Error(native.error);
  const istio = istioEngine();
  const apps = new Map<unknown, ReturnType<typeof createApp>>();
  const appFor = (e: Engine) => {
    const app = apps.get(e) ?? createApp({ source: fixedSource(e), tokens: [TOKEN] });
    apps.set(e, app);
    return app;
  };
  const named = { classic, native: native.value, istio: istio ?? classic };
  return {
    istio: istio !== undefined,
    post: (body, engine = "classic") =>
      appFor(typeof engine === "string" ? named[engine] : engine).handle({
        method: "POST",
        url: `/inject/t/${TOKEN}/cluster/c1?timeout=10s`,
        contentType: "application/json",
        body,
      }),
  };
}

const INJECTOR_CONTAINERS = new Set(["istio-proxy", "istio-init", "istio-validation"]);
const ALLOWED_CAPS = new Set(["NET_ADMIN", "NET_RAW", "NET_BIND_SERVICE"]);

function names(pod: JsonObject, field: string): string[] {
  const spec = isObject(pod.spec) ? pod.spec : {};
  const list = Array.isArray(spec[field]) ? (spec[field] as JsonObject[]) : [];
  return list.map((c) => String(c.name));
}

/** An answer is a well-formed AdmissionReview for this uid, never a 5xx, never a stack trace. */
export function assertWellFormed(
  res: WebResponse,
  uid: string | undefined,
): { allowed: boolean; patch?: string } {
  assert.ok(res.status < 500, `status ${res.status}`);
  assert.doesNotMatch(res.body, /\n\s+at |\.ts:\d+|\.js:\d+/);
  if (res.status !== 200) return { allowed: false };
  const review = JSON.parse(res.body);
  assert.equal(review.kind, "AdmissionReview");
  assert.equal(typeof review.response.allowed, "boolean");
  if (uid !== undefined) assert.equal(review.response.uid, uid);
  return review.response;
}

/**
 * The patched pod: the patch applies (rfc6902, independent of the generator), the result of a valid
 * pod validates against the Kubernetes Pod schema, the pod's own containers are all still there, and anything
 * added is the injector's own with no privilege or capability beyond what the template grants.
 */
export function assertSafeInjection(pod: JsonObject, patch: string | undefined): void {
  if (patch === undefined) return;
  const out = structuredClone(pod);
  const errors = applyPatch(out, JSON.parse(Buffer.from(patch, "base64").toString("utf8"))).filter(
    (e) => e !== null,
  );
  assert.deepEqual(errors, [], "patch does not apply");
  // The API server only ever sends pods it has decoded, so the promise is: a valid pod stays valid.
  if (isValidPod(pod)) new Pod(out as never).validate();
  const before = new Set([...names(pod, "containers"), ...names(pod, "initContainers")]);
  const after = [...names(out, "containers"), ...names(out, "initContainers")];
  for (const name of before) assert.ok(after.includes(name), `container ${name} was removed`);
  for (const name of after)
    assert.ok(before.has(name) || INJECTOR_CONTAINERS.has(name), `container ${name} was added`);
  for (const c of [
    ...((out.spec as JsonObject).containers as JsonObject[]),
    ...(((out.spec as JsonObject).initContainers ?? []) as JsonObject[]),
  ]) {
    const sc = isObject(c.securityContext) ? c.securityContext : {};
    assert.notEqual(sc.privileged, true, `${String(c.name)} is privileged`);
    const caps = isObject(sc.capabilities) && Array.isArray(sc.capabilities.add) ? sc.capabilities.add : [];
    for (const cap of caps) assert.ok(ALLOWED_CAPS.has(String(cap)), `capability ${String(cap)}`);
  }
  assert.ok(!names(out, "volumes").includes("injected"), "a volume was injected");
  assert.equal(({} as Record<string, unknown>).polluted, undefined, "Object.prototype was polluted");
}

function isValidPod(pod: JsonObject): boolean {
  try {
    new Pod(pod as never).validate();
    return true;
  } catch {
    return false;
  }
}

/** The properties, by name, for the test file and the fuzz script. */
export function properties(h: Harness) {
  return {
    "hostile pods through the handler": fc.asyncProperty(randomPod, fc.boolean(), async (pod, native) => {
      const res = await h.post(JSON.stringify(reviewOf(pod, "u")), native ? "native" : "classic");
      const answer = assertWellFormed(res, "u");
      if (answer.allowed) assertSafeInjection(pod, answer.patch);
    }),
    // The same promise with Istio's own Go templates, which paste text: the structure check
    // (core/render/structure.ts) must deny whatever a pod value would add.
    "hostile pods through Istio's own templates": fc.asyncProperty(randomPod, async (pod) => {
      if (!h.istio) return;
      const res = await h.post(JSON.stringify(reviewOf(pod, "g")), "istio");
      const answer = assertWellFormed(res, "g");
      if (answer.allowed) assertSafeInjection(pod, answer.patch);
    }),
    "random selectors in the config": fc.asyncProperty(
      fc.array(randomSelector, { maxLength: 2 }),
      fc.array(randomSelector, { maxLength: 2 }),
      fc.constantFrom("enabled", "disabled"),
      randomPod,
      async (never, always, policy, pod) => {
        const loaded = loadEngine(
          JSON.stringify({ policy, neverInjectSelector: never, alwaysInjectSelector: always }),
        );
        // An invalid selector is refused at load with a message naming the field; that is the property.
        if (!loaded.ok) return assert.match(loaded.error, /(never|always)InjectSelector\[\d\]/);
        const res = await h.post(JSON.stringify(reviewOf(pod, "s")), loaded.value);
        const answer = assertWellFormed(res, "s");
        if (answer.allowed) assertSafeInjection(pod, answer.patch);
      },
    ),
    "malformed reviews": fc.asyncProperty(mutatedReview, async (body) => {
      const res = await h.post(JSON.stringify(body) ?? "null");
      assert.equal(res.status, 200);
      const answer = assertWellFormed(res, undefined);
      if (answer.patch) {
        const request = (body as JsonObject).request as JsonObject;
        assertSafeInjection(request.object as JsonObject, answer.patch);
      }
      assert.equal(({} as Record<string, unknown>).polluted, undefined, "Object.prototype was polluted");
    }),
  };
}
