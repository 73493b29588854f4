import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { afterAll, describe, expect, it } from "vitest";
import type { IstioCase } from "./istio-cases.ts";
import {
  type CaseResult,
  type Corpus,
  cleanupCli,
  cliInjectAvailable,
  formatTally,
  runCase,
  tally,
  webhookDenial,
} from "./parity.ts";

/**
 * One corpus's parity suite: every case through the legs it names, the figures printed as
 * `istio parity [NAME]: cli M/N, webhook M/N, exact M/N` per feature group and in total, with a diff
 * for each failure (`-` golden, `+` Outrigger).
 *
 * The floor: the baseline file lists the cases that pass each leg (and the byte-identical cli
 * outputs). A listed case that fails is a regression and fails the suite, and so does a count below
 * the recorded one; a case that newly passes is listed, and `PARITY_UPDATE=1 npx vitest run <test>`
 * records it, so the floor only rises.
 */

interface Baseline {
  webhook: string[];
  cli: string[];
  exact: string[];
}

export function paritySuite(corpus: Corpus, baselinePath: string): void {
  const baseline: Baseline = existsSync(baselinePath)
    ? (JSON.parse(readFileSync(baselinePath, "utf8")) as Baseline)
    : { webhook: [], cli: [], exact: [] };
  const cases: IstioCase[] = corpus.cases();
  const results: CaseResult[] = cases.map((c) => runCase(c, { cli: true }, corpus));
  const byId = new Map(results.map((r) => [r.id, r]));
  const label = corpus.name === "master" ? "istio parity" : `istio parity ${corpus.name}`;

  const report = (): string => {
    const lines: string[] = [];
    const groups = [...new Set(results.map((r) => r.group))].sort();
    for (const g of groups)
      lines.push(`  ${g.padEnd(22)} ${formatTally(tally(results.filter((r) => r.group === g)))}`);
    lines.push(`${label}: ${formatTally(tally(results))}`);
    if (!cliInjectAvailable())
      lines.push("  (cli leg: the CLI is not built, so every cli case counts as failed)");
    return lines.join("\n");
  };

  afterAll(() => {
    cleanupCli();
    const failed: string[] = [];
    for (const r of results) {
      for (const leg of ["webhook", "cli"] as const) {
        const l = r[leg];
        if (l.outcome !== "fail" || (leg === "cli" && !cliInjectAvailable())) continue;
        const why = r.adaptations.length > 0 ? ` [${r.adaptations.join("; ")}]` : "";
        failed.push(`--- ${corpus.name} ${r.id} (${r.group}) ${leg} leg${why}\n${l.detail ?? ""}`);
      }
    }
    const shown = process.env.PARITY_VERBOSE ? failed : failed.slice(0, 10);
    for (const f of shown) console.log(f);
    if (shown.length < failed.length)
      console.log(`... ${failed.length - shown.length} more failures (PARITY_VERBOSE=1 shows them)`);
    console.log(report());
    const adapted = results.filter((r) => r.adaptations.length > 0);
    if (adapted.length > 0) {
      console.log(`${label}: cases applied with a stand-in for cluster state:`);
      for (const r of adapted) console.log(`  ${r.id}: ${r.adaptations.join("; ")}`);
    }
    if (process.env.PARITY_UPDATE) {
      const next: Baseline = {
        webhook: results.filter((r) => r.webhook.outcome === "pass").map((r) => r.id),
        cli: results.filter((r) => r.cli.outcome === "pass").map((r) => r.id),
        exact: results.filter((r) => r.cli.exact).map((r) => r.id),
      };
      writeFileSync(baselinePath, `${JSON.stringify(next, null, 2)}\n`);
    }
  });

  for (const leg of ["webhook", "cli"] as const) {
    describe(`${label}, ${leg} leg`, () => {
      const floor = new Set(baseline[leg]);
      for (const c of cases) {
        if (!c.legs.includes(leg)) continue;
        const r = byId.get(c.id) as CaseResult;
        if (floor.has(c.id)) {
          it(`${c.group}/${c.id}`, () => {
            expect(r[leg].outcome, r[leg].detail).toBe("pass");
          });
        } else {
          it.todo(`${c.group}/${c.id} (not yet at parity)`);
        }
      }
    });
  }

  describe(`${label}: error cases through the webhook (extra to Istio's test, not counted)`, () => {
    for (const c of cases.filter((x) => x.settings.expectError !== undefined)) {
      it(`${c.id}: denied with "${c.settings.expectError}"`, () => {
        const r = webhookDenial(c, corpus);
        expect(r.outcome, r.detail).toBe("pass");
      });
    }
  });

  describe(`${label} floor`, () => {
    it("counts at least the recorded baseline on every leg", () => {
      const t = tally(results);
      expect(t.webhook[0], "webhook leg below the recorded floor").toBeGreaterThanOrEqual(
        baseline.webhook.length,
      );
      expect(t.cli[0], "cli leg below the recorded floor").toBeGreaterThanOrEqual(baseline.cli.length);
      expect(t.exact[0], "byte-identical cli outputs below the recorded floor").toBeGreaterThanOrEqual(
        baseline.exact.length,
      );
      // Newly passing cases do not fail the suite; they are listed so the floor can be raised.
      for (const leg of ["webhook", "cli"] as const) {
        const floor = new Set(baseline[leg]);
        const risen = results.filter((r) => r[leg].outcome === "pass" && !floor.has(r.id)).map((r) => r.id);
        if (risen.length > 0 && !process.env.PARITY_UPDATE)
          console.log(
            `${label}: ${leg} leg now also passes ${risen.join(", ")}; PARITY_UPDATE=1 records the new floor`,
          );
      }
    });
  });
}
