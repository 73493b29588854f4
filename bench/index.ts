// `npm run bench`: warm latency of one admission through the core (decode → decide → render → merge →
// patch → response), as medians and p99s over many runs. Numbers go to BENCHMARKS.md by hand, with the
// date and the machine; tests never assert timings.
import { readFileSync, statSync } from "node:fs";
import { cpus } from "node:os";
import { resolve } from "node:path";
import { parse } from "yaml";
import { admit } from "../core/admission/admit.ts";
import { defaultEngine } from "../core/engine.ts";
import type { JsonObject } from "../core/json.ts";
import { reviewFor } from "../test/helpers/fixtures.ts";
import { corpusRows } from "./corpus.ts";
import { bundleSizes, coldStart, type Stats, warmServer } from "./handlers.ts";

const SHARED = resolve(process.cwd(), "../shared");

function helloPod(): JsonObject {
  const deployment = parse(
    readFileSync(resolve(SHARED, "fixtures/istio/inputs/hello.yaml"), "utf8"),
  ) as JsonObject;
  const template = (deployment.spec as JsonObject).template as JsonObject;
  return {
    apiVersion: "v1",
    kind: "Pod",
    metadata: {
      ...(template.metadata as JsonObject),
      generateName: "hello-fake-",
      ownerReferences: [
        { apiVersion: "apps/v1", kind: "ReplicaSet", name: "hello-fake", controller: true, uid: "u" },
      ],
    },
    spec: template.spec as JsonObject,
  };
}

/** Istio's BenchmarkInjection case: one app container with 2,000 env vars. */
function manyEnvPod(): JsonObject {
  const pod = helloPod();
  const container = ((pod.spec as JsonObject).containers as JsonObject[])[0] as JsonObject;
  container.env = Array.from({ length: 2000 }, (_, i) => ({ name: `ENV_${i}`, value: `value-${i}` }));
  return pod;
}

function measure(n: number, run: (i: number) => void): Stats {
  for (let i = 0; i < Math.min(200, n); i++) run(i);
  const times = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const t0 = process.hrtime.bigint();
    run(i);
    times[i] = Number(process.hrtime.bigint() - t0) / 1e6;
  }
  times.sort();
  return { median: times[Math.floor(n / 2)] ?? 0, p99: times[Math.floor(n * 0.99)] ?? 0, n };
}

const engine = defaultEngine();
const hello = helloPod();
const many = manyEnvPod();

function check(body: JsonObject): void {
  const res = admit(body, engine).review.response;
  if (!res.allowed || !res.patch) throw new Error(`bench pod was not injected: ${res.status?.message}`);
}

const rows: [string, Stats][] = [];
rows.push([
  "hello pod, warm (replicas: same rendered text)",
  measure(5000, (i) => check(reviewFor(hello, { uid: `u${i}` }))),
]);
rows.push([
  "hello pod, every pod distinct (rendered text never repeats)",
  measure(2000, (i) => {
    const pod = structuredClone(hello);
    ((pod.metadata as JsonObject).labels as JsonObject).app = `hello-${i}`;
    check(reviewFor(pod, { uid: `d${i}` }));
  }),
]);
rows.push(["pod with 2,000 env vars", measure(500, (i) => check(reviewFor(many, { uid: `m${i}` })))]);

async function main(): Promise<void> {
  rows.push(["local server over loopback, captured request (HTTP included)", await warmServer()]);

  const cpu = cpus()[0]?.model ?? "unknown cpu";
  console.log(`outrigger bench — node ${process.version}, ${cpus().length} × ${cpu}`);
  console.log("| case | median (ms) | p99 (ms) | runs |");
  console.log("|---|---|---|---|");
  for (const [name, s] of rows)
    console.log(`| ${name} | ${s.median.toFixed(3)} | ${s.p99.toFixed(3)} | ${s.n} |`);

  console.log(
    "\n| Istio corpus, webhook leg (per-case medians) | median (ms) | p99 (ms) | cases |\n|---|---|---|---|",
  );
  for (const [name, s] of corpusRows())
    console.log(`| ${name} | ${s.median.toFixed(3)} | ${s.p99.toFixed(3)} | ${s.n} |`);

  console.log("\n| bundle | bytes (minified) |\n|---|---|");
  for (const [file, size] of bundleSizes()) console.log(`| ${file} | ${size} |`);
  // Next to each handler bundle, loaded only to compile templates a config brings (scripts/build.mjs).
  for (const file of ["dist/gcp/handlebars-compiler.js", "dist/aws/handlebars-compiler.js"])
    console.log(`| ${file} (loaded on demand) | ${statSync(file).size} |`);

  const cold = coldStart();
  console.log("\n| cold start (fresh process, median of 10) | ms |\n|---|---|");
  console.log(`| bare node -e 0 | ${cold.bare.median.toFixed(1)} |`);
  console.log(`| load dist/aws bundle + first admission | ${cold.aws.median.toFixed(1)} |`);
  console.log(`| added by Outrigger | ${cold.added.toFixed(1)} |`);
}

main().catch((e) => {
  console.error(e);
  process.exitCode = 1;
});
