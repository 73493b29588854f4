// A loop to profile one admission path with `node --cpu-prof` (not part of `npm run bench`): distinct
// pods (no memory hit) through admit() on the built-in templates (`builtin`) or Istio 1.30.3's
// ConfigMap (`go`), or the router's handle() on distinct or replica request bodies (`handle
// distinct|replica`), or the loopback rows of `npm run bench` alone (`loopback`). `npm run build`
// bundles it; then, e.g.:
//   node --cpu-prof dist/bench/profile.cjs go 4000
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { parse } from "yaml";
import { admit } from "../core/admission/admit.ts";
import { defaultEngine, type Engine } from "../core/engine.ts";
import type { JsonObject } from "../core/json.ts";
import { configureLogs } from "../functions/shared/log.ts";
import { createApp, fixedSource } from "../functions/shared/router.ts";
import { reviewFor, SHARED } from "../test/helpers/fixtures.ts";
import { installedEngine } from "../test/helpers/istio-releases.ts";
import { distinctReview, loopback, replicaReview } from "./handlers.ts";

function helloPod(): JsonObject {
  const doc = parse(readFileSync(resolve(SHARED, "fixtures/istio/inputs/hello.yaml"), "utf8")) as JsonObject;
  const template = (doc.spec as JsonObject).template as JsonObject;
  const metadata = { ...(template.metadata as JsonObject), name: "hello" };
  return { apiVersion: "v1", kind: "Pod", metadata, spec: template.spec as JsonObject };
}

function distinctPod(base: JsonObject, i: number): JsonObject {
  const pod = structuredClone(base);
  const meta = pod.metadata as JsonObject;
  meta.name = `hello-${i}`;
  meta.labels = { ...((meta.labels as JsonObject) ?? {}), app: `hello-${i}` };
  meta.annotations = { ...((meta.annotations as JsonObject) ?? {}), "example.com/build": `b${i}` };
  return pod;
}

function report(label: string, times: number[]): void {
  times.sort((a, b) => a - b);
  const at = (q: number) => times[Math.floor(times.length * q)]?.toFixed(3);
  console.log(`${label}: median ${at(0.5)} ms, p99 ${at(0.99)} ms, ${times.length} runs`);
}

function admitLoop(engine: Engine, n: number): void {
  const hello = helloPod();
  const reviews = Array.from({ length: n }, (_, i) => reviewFor(distinctPod(hello, i), { uid: `d${i}` }));
  const times: number[] = [];
  for (const review of reviews) {
    const t0 = performance.now();
    const res = admit(review, engine).review.response;
    times.push(performance.now() - t0);
    if (!res.patch) throw new Error(`not injected: ${res.status?.message}`);
  }
  report("admit, distinct pods", times);
}

async function handleLoop(mode: string, n: number): Promise<void> {
  configureLogs({ sink: () => {} });
  const app = createApp({ source: fixedSource(defaultEngine()), tokens: [] });
  const text = readFileSync(resolve(SHARED, "fixtures/apiserver/sample-admissionreview-v1.json"), "utf8");
  const base = JSON.parse(text) as JsonObject;
  const replica = replicaReview(base);
  const bodies = Array.from({ length: n }, (_, i) =>
    mode === "distinct" ? distinctReview(base, i) : replica,
  );
  const times: number[] = [];
  for (const body of bodies) {
    const t0 = performance.now();
    const res = await app.handle({
      method: "POST",
      url: "/inject?timeout=10s",
      contentType: "application/json",
      body,
    });
    times.push(performance.now() - t0);
    if (res.status !== 200) throw new Error(res.body);
  }
  report(`handle, ${mode}`, times);
}

/** The loopback rows of `npm run bench` alone, with their ratios to the floor. */
async function loopbackRows(n: number): Promise<void> {
  const rows = await loopback(defaultEngine(), n);
  for (const [name, s] of Object.entries(rows))
    console.log(
      `loopback ${name}: median ${s.median.toFixed(3)} ms, p99 ${s.p99.toFixed(3)} ms, ${s.n} runs`,
    );
  const ratio = (m: number) => (m / rows.floor.median).toFixed(2);
  console.log(
    `ratios to the floor: replica ${ratio(rows.replica.median)}, replica with its own token volume ${ratio(rows.replicaSent.median)}, distinct ${ratio(rows.distinct.median)}`,
  );
}

const [which = "builtin", arg = ""] = process.argv.slice(2);
const n = Number(process.argv[which === "handle" ? 4 : 3] ?? 3000) || 3000;
if (which === "handle") void handleLoop(arg || "distinct", n);
else if (which === "loopback") void loopbackRows(n);
else admitLoop(which === "go" ? installedEngine("1.30.3") : defaultEngine(), n);
