// `npm run bench`: warm latency of one admission through the core (decode → decide → render → merge →
// patch → response), as medians and p99s over many runs. Numbers go to BENCHMARKS.md by hand, with the
// date and the machine; tests never assert timings.
import { execFileSync } from "node:child_process";
import { existsSync, readFileSync, rmSync, statSync } from "node:fs";
import { cpus } from "node:os";
import { resolve } from "node:path";
import { parse } from "yaml";
import { admit } from "../core/admission/admit.ts";
import { defaultEngine, type Engine } from "../core/engine.ts";
import type { JsonObject } from "../core/json.ts";
import { forgetBaselines } from "../core/render/render.ts";
import { cacheFile } from "../functions/shared/code-cache.ts";
import { reviewFor } from "../test/helpers/fixtures.ts";
import { installedConfigMaps, installedEngine } from "../test/helpers/istio-releases.ts";
import { corpusRows } from "./corpus.ts";
import {
  bundleSizes,
  type ColdVariant,
  coldStart,
  deployNode,
  loopback,
  type Stats,
  withoutCodeCache,
} from "./handlers.ts";

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

/**
 * Times `run` on n inputs made by `input` before the clock starts (a distinct pod's construction is
 * not the admission's time), after up to 200 warm-up runs on inputs of their own.
 */
function measure<T>(n: number, input: (i: number) => T, run: (x: T) => void): Stats {
  const warm = Math.min(200, n);
  for (let i = 0; i < warm; i++) run(input(n + i));
  const inputs = Array.from({ length: n }, (_, i) => input(i));
  const times = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const x = inputs[i] as T;
    const t0 = process.hrtime.bigint();
    run(x);
    times[i] = Number(process.hrtime.bigint() - t0) / 1e6;
  }
  times.sort();
  return { median: times[Math.floor(n / 2)] ?? 0, p99: times[Math.floor(n * 0.99)] ?? 0, n };
}

const builtin = defaultEngine();
const hello = helloPod();
const many = manyEnvPod();

/** `remember`: as the handlers call it, with the memory of answers (core/admission/repeat.ts). */
function check(body: JsonObject, engine: Engine, remember = false): void {
  const res = admit(body, engine, "/inject", { remember }).review.response;
  if (!res.allowed || !res.patch) throw new Error(`bench pod was not injected: ${res.status?.message}`);
}

/** A pod no earlier pod repeats: its own name, labels and annotations, so no memory can answer it. */
function distinctPod(i: number): JsonObject {
  const pod = structuredClone(hello);
  const meta = pod.metadata as JsonObject;
  meta.name = `hello-${i}`;
  delete meta.generateName;
  (meta.labels as JsonObject).app = `hello-${i}`;
  meta.annotations = { ...((meta.annotations as JsonObject) ?? {}), "example.com/build": `b${i}` };
  return pod;
}

const rows: [string, Stats][] = [];
for (const [label, engine] of [
  ["built-in templates", builtin],
  ["Istio 1.30.3 ConfigMap (Go templates)", installedEngine("1.30.3")],
] as const) {
  const admitted = (review: JsonObject) => check(review, engine);
  rows.push([
    `${label}: hello replica, as the handlers admit it (cache hit: the answer it got before)`,
    measure(
      5000,
      (i) => reviewFor(hello, { uid: `r${i}` }),
      (review) => check(review, engine, true),
    ),
  ]);
  rows.push([
    `${label}: hello replica, without the memory of answers (rendered; parse: a copy of the same text's value)`,
    measure(5000, (i) => reviewFor(hello, { uid: `u${i}` }), admitted),
  ]);
  rows.push([
    `${label}: distinct pod (own name, labels, annotations: no answer or text repeats; parse: its scalars reread against the last pod's text)`,
    // Numbered apart per engine, so no pod repeats one an earlier row admitted.
    measure(2000, (i) => reviewFor(distinctPod(i), { uid: `d${label}${i}` }), admitted),
  ]);
  rows.push([
    `${label}: distinct pod, no memory at all (parse memory emptied before each)`,
    measure(
      2000,
      (i) => reviewFor(distinctPod(i), { uid: `e${label}${i}` }),
      (review) => {
        forgetBaselines();
        admitted(review);
      },
    ),
  ]);
  rows.push([
    `${label}: pod with 2,000 env vars (rendered; parse: a copy of the same text's value after the first)`,
    measure(500, (i) => reviewFor(many, { uid: `m${i}` }), admitted),
  ]);
}

async function main(): Promise<void> {
  const http = await loopback(builtin);
  rows.push([
    "loopback HTTP, floor server (parses the review, answers allowed; same HTTP stack)",
    http.floor,
  ]);
  rows.push([
    "loopback HTTP, built-in templates: a replica (the captured pod with generateName) again (cache hit)",
    http.replica,
  ]);
  rows.push([
    "loopback HTTP, built-in templates: a replica as a cluster sends it, its own kube-api-access-xxxxx volume (cache hit after the first two: the answer with its name written in)",
    http.replicaSent,
  ]);
  rows.push(["loopback HTTP, built-in templates: distinct pod (no cache hit)", http.distinct]);

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

  const ratio = (s: Stats) => (s.median / http.floor.median).toFixed(2);
  console.log(
    `\nloopback medians over the floor's: replica ${ratio(http.replica)}× (target ≤ 1.5), replica with its own token volume ${ratio(http.replicaSent)}×, distinct pod ${ratio(http.distinct)}× (target ≤ 2)`,
  );

  console.log("\n| bundle | bytes (minified) |\n|---|---|");
  for (const [file, size] of bundleSizes()) console.log(`| ${file} | ${size} |`);
  // Next to each handler bundle, loaded only when needed (scripts/build.mjs): for templates a
  // config brings, for a config's YAML (or a rendered text the fast path declines), for mesh fields.
  for (const file of [
    "dist/gcp/handlebars-compiler.js",
    "dist/aws/handlebars-compiler.js",
    "dist/gcp/go-engine.js",
    "dist/aws/go-engine.js",
    "dist/gcp/yaml.js",
    "dist/aws/yaml.js",
    "dist/gcp/mesh-fields.js",
    "dist/aws/mesh-fields.js",
  ])
    console.log(`| ${file} (loaded on demand) | ${statSync(file).size} |`);

  const nodes = [process.execPath, deployNode()].filter(
    (n, i, all): n is string => n !== undefined && all.indexOf(n) === i,
  );
  for (const node of nodes) {
    const version = execFileSync(node, ["--version"], { encoding: "utf8" }).trim();
    const v8 = execFileSync(node, ["-p", "process.versions.v8"], { encoding: "utf8" }).trim();
    const cache = existsSync(`dist/aws/${cacheFile(v8)}`);
    const uncached = withoutCodeCache("dist/aws");
    const variants: ColdVariant[] = [
      ...(cache
        ? [{ label: "dist/aws with the code cache the build made for this Node", dir: "dist/aws" }]
        : []),
      { label: "dist/aws without a code cache (arm64 Lambda, another Node patch)", dir: uncached },
      {
        label: "the same without priming (OUTRIGGER_PRIME=false)",
        dir: uncached,
        env: { OUTRIGGER_PRIME: "false" },
      },
      // What most users start: their cluster's own ConfigMaps, through the Go-template engine (loaded
      // on demand) and the render check every config but the built-in passes at load.
      {
        label: "without a code cache, Istio 1.30.3's ConfigMaps inline (OUTRIGGER_CONFIG)",
        dir: uncached,
        env: { OUTRIGGER_CONFIG: installedConfigMaps("1.30.3"), ENABLE_NATIVE_SIDECARS: "true" },
      },
    ];
    const cold = coldStart(variants, 10, node);
    rmSync(uncached, { recursive: true, force: true });
    console.log(
      `\n| cold start on Node ${version} (fresh processes, median of 10 each, interleaved; bare node -e 0: ${cold.bare.median.toFixed(1)} ms) | whole process added | load + init | first admission |\n|---|---|---|---|`,
    );
    for (const v of cold.variants)
      console.log(
        `| ${v.label} | ${v.added.toFixed(1)} | ${v.load.median.toFixed(1)} | ${v.first.median.toFixed(1)} |`,
      );
  }
}

main().catch((e) => {
  console.error(e);
  process.exitCode = 1;
});
