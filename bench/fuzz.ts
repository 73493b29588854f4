// `npm run fuzz`: the property tests of test/property, a million cases in all (FUZZ_RUNS to change),
// reporting cases run, failures with their counterexample and seed, and the time taken.
import fc from "fast-check";
import { harness, properties } from "../test/property/properties.ts";

const TOTAL = Number(process.env.FUZZ_RUNS ?? 1_000_000);
/** Each property's share of the cases; every property of test/property has one (checked below). */
const SHARE: Record<string, number> = {
  "hostile pods through the handler": 0.4,
  "hostile pods through Istio's own templates": 0.15,
  "random selectors in the config": 0.15,
  "malformed reviews": 0.3,
};

async function main(): Promise<void> {
  const seed = Number(process.env.FUZZ_SEED ?? Date.now() % 2 ** 31);
  console.log(`fuzz: ${TOTAL} cases, seed ${seed}, node ${process.version}`);
  let failed = 0;
  const all = Object.entries(properties(harness()));
  // A property without a share would silently never run here.
  const unshared = all.map(([name]) => name).filter((name) => !(name in SHARE));
  if (unshared.length > 0) throw new Error(`bench/fuzz.ts SHARE has no share for: ${unshared.join(", ")}`);
  for (const [name, property] of all) {
    const runs = Math.round(TOTAL * (SHARE[name] as number));
    const t0 = Date.now();
    const result = await fc.check(property as fc.IAsyncProperty<unknown[]>, { numRuns: runs, seed });
    const secs = ((Date.now() - t0) / 1000).toFixed(1);
    if (result.failed) {
      failed += 1;
      console.log(
        `FAIL ${name} after ${result.numRuns} cases (${secs} s): ${fc.stringify(result.counterexample)}`,
      );
      console.log(`     ${String(result.errorInstance).split("\n")[0]}`);
    } else {
      console.log(`ok   ${name}: ${result.numRuns} cases in ${secs} s`);
    }
  }
  process.exitCode = failed > 0 ? 1 : 0;
}

main().catch((e) => {
  console.error(e);
  process.exitCode = 1;
});
