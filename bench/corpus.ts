// The webhook leg over Istio's whole golden corpus (shared/fixtures/istio): every case's pods through
// admit() with the case's own config, as the conformance suite runs them, timed warm. bench/index.ts
// prints the rows. Parity is the tests' business; this only measures (and fails loudly if a case is
// not answered, so a broken corpus cannot pass for a fast one).
import { admit } from "../core/admission/admit.ts";
import { type Engine, loadEngine } from "../core/engine.ts";
import { reviewFor } from "../test/helpers/fixtures.ts";
import {
  caseConfig,
  istioCases,
  podDocuments,
  podFromWorkload,
  readIstio,
} from "../test/helpers/istio-cases.ts";

export interface CorpusStats {
  median: number;
  p99: number;
  n: number;
}

function stats(times: number[]): CorpusStats {
  const sorted = [...times].sort((a, b) => a - b);
  return {
    median: sorted[Math.floor(sorted.length / 2)] ?? 0,
    p99: sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * 0.99))] ?? 0,
    n: sorted.length,
  };
}

/**
 * Times the webhook leg over every case of the corpus: each case's pods admitted `runs` times (after
 * a warm-up), the case's median kept. Rows: the median and p99 over the cases of those per-case
 * medians, and the slowest case. Milliseconds.
 */
export function corpusRows(runs = 50): [string, CorpusStats][] {
  const cases = istioCases().filter((c) => c.legs.includes("webhook"));
  const perCase: { id: string; median: number }[] = [];
  for (const c of cases) {
    const loaded = loadEngine(JSON.stringify(caseConfig(c)));
    if (!loaded.ok) throw new Error(`corpus case ${c.id}: config does not load: ${loaded.error}`);
    const engine: Engine = loaded.value;
    const parts = podDocuments(readIstio(c.input)).map(podFromWorkload);
    const run = (i: number) => {
      for (const [j, { pod, namespace }] of parts.entries()) {
        const res = admit(reviewFor(pod, { namespace, uid: `u${i}-${j}` }), engine).review.response;
        if (!res.allowed) throw new Error(`corpus case ${c.id}: denied: ${res.status?.message}`);
      }
    };
    for (let i = 0; i < Math.min(10, runs); i++) run(i);
    const times: number[] = [];
    for (let i = 0; i < runs; i++) {
      const t0 = process.hrtime.bigint();
      run(i);
      times.push(Number(process.hrtime.bigint() - t0) / 1e6);
    }
    perCase.push({ id: c.id, median: stats(times).median });
  }
  const medians = perCase.map((p) => p.median);
  const slowest = perCase.reduce((a, b) => (b.median > a.median ? b : a), { id: "", median: 0 });
  const overall = stats(medians);
  return [
    [`istio corpus, webhook leg: median per case over ${perCase.length} cases`, overall],
    [`istio corpus, slowest case (${slowest.id})`, { median: slowest.median, p99: slowest.median, n: runs }],
  ];
}
