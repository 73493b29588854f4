import fc from "fast-check";
import { describe, it } from "vitest";
import { harness, properties } from "./properties.ts";

// 12,000 generated cases in all, through the shared router (the handlers' code path), with fixed
// seeds so a failure reproduces. `npm run fuzz` runs the same properties a million times.
const RUNS: Record<string, number> = {
  "hostile pods through the handler": 5000,
  "hostile pods through Istio's own templates": 2000,
  "random selectors in the config": 2000,
  "malformed reviews": 3000,
};

describe("properties of the webhook under hostile input", () => {
  const props = properties(harness());
  for (const [name, property] of Object.entries(props)) {
    it(name, { timeout: 120_000 }, async () => {
      await fc.assert(property as fc.IAsyncProperty<unknown[]>, {
        numRuns: RUNS[name] ?? 1000,
        seed: 20261123,
      });
    });
  }
});
