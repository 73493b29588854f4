import { spawnSync } from "node:child_process";
import { chmodSync, copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import type { JsonObject } from "../../core/json.ts";
import { builtCli } from "../helpers/cli.ts";
import { REPO } from "../helpers/fixtures.ts";
import { deploymentConfig } from "./canary-fixture.ts";

/**
 * Issue 15: "the walkthrough's commands run in CI". Every `outrigger` command of
 * docs/canary-upgrade.md's console blocks runs, as written, in a shell whose `outrigger` is the built
 * CLI, in a directory holding the config.yaml of its step (the fixture ConfigMaps of 1.30.3 and
 * 1.31.0-rc.0 renamed per revision) and app.yaml; its output (standard output, and standard error less
 * warnings) must be the one the page shows. Commands that talk to a cluster (kubectl, istioctl) are
 * not run. `DOCS_UPDATE=1 npx vitest run test/revisions/walkthrough.test.ts` rewrites the outputs.
 */

const DOC = resolve(REPO, "docs/canary-upgrade.md");
const BASE = "https://fn.example.com/inject/t/TOKEN/cluster/c1";
const NATIVE_131 = { "1-31": { nativeSidecars: true } };

/** config.yaml at each step of the page, as its text describes it. */
const STEPS: Record<string, { revisions: string[]; beside: JsonObject }> = {
  "0": { revisions: ["1-30"], beside: { tags: { default: "1-30" } } },
  "1": { revisions: ["1-30", "1-31"], beside: { tags: { default: "1-30" }, revisions: NATIVE_131 } },
  "3": { revisions: ["1-30", "1-31"], beside: { tags: { default: "1-30" }, revisions: NATIVE_131 } },
  "4": { revisions: ["1-30", "1-31"], beside: { tags: { default: "1-30" }, revisions: NATIVE_131 } },
  "5": { revisions: ["1-30", "1-31"], beside: { tags: { default: "1-31" }, revisions: NATIVE_131 } },
  "6": { revisions: ["1-31"], beside: { tags: { default: "1-31" }, revisions: NATIVE_131 } },
};

interface Command {
  step: string;
  /** The line of `$ ...` in the page (0-based). */
  line: number;
  command: string;
  output: string[];
}

/** The `$ ` commands of the page's console blocks, each with its step and the output shown under it. */
function commands(text: string): Command[] {
  const out: Command[] = [];
  let step = "";
  let inConsole = false;
  text.split("\n").forEach((line, i) => {
    const heading = /^## (\d+)\./.exec(line);
    if (heading) step = heading[1] as string;
    if (line === "```console") inConsole = true;
    else if (line.startsWith("```")) inConsole = false;
    else if (inConsole && line.startsWith("$ "))
      out.push({ step, line: i, command: line.slice(2), output: [] });
    else if (inConsole) out.at(-1)?.output.push(line);
  });
  return out;
}

const clusterOnly = (c: string) => /^(kubectl|istioctl) /.test(c) || /\|\s*kubectl /.test(c);

const dir = mkdtempSync(join(tmpdir(), "outrigger-walkthrough-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const bin = join(dir, "bin");
const work = join(dir, "work");

function setUp(): void {
  spawnSync("mkdir", ["-p", bin, work]);
  writeFileSync(join(bin, "outrigger"), `#!/bin/sh\nexec "${process.execPath}" "${builtCli()}" "$@"\n`);
  chmodSync(join(bin, "outrigger"), 0o755);
  copyFileSync(resolve(REPO, "examples/quick-start/app.yaml"), join(work, "app.yaml"));
}

function run(c: Command): string[] {
  const state = STEPS[c.step];
  if (!state) throw new Error(`docs/canary-upgrade.md step ${c.step}: no config.yaml for it in this test`);
  writeFileSync(join(work, "config.yaml"), deploymentConfig(state.revisions, state.beside));
  const r = spawnSync("bash", ["-c", c.command], {
    cwd: work,
    encoding: "utf8",
    env: { ...process.env, PATH: `${bin}:${process.env.PATH}`, BASE },
    timeout: 60_000,
  });
  const errors = r.stderr.split("\n").filter((l) => l !== "" && !/^outrigger [a-z-]+: warning: /.test(l));
  const lines = `${r.stdout}${errors.map((l) => `${l}\n`).join("")}`.split("\n");
  if (lines.at(-1) === "") lines.pop();
  return lines;
}

describe("docs/canary-upgrade.md: every outrigger command prints what the page shows", () => {
  setUp();
  const text = readFileSync(DOC, "utf8");
  const all = commands(text);
  const runnable = all.filter((c) => !clusterOnly(c.command));

  it("has the walkthrough's commands, each step's with its config", () => {
    expect(runnable.length).toBeGreaterThanOrEqual(8);
    for (const c of all) expect(STEPS[c.step], `step ${c.step}: ${c.command}`).toBeDefined();
    for (const c of all.filter((x) => clusterOnly(x.command))) expect(c.output, c.command).toEqual([]);
  });

  if (process.env.DOCS_UPDATE) {
    it("rewrites the outputs (DOCS_UPDATE)", () => {
      const lines = text.split("\n");
      const outputs = new Map(runnable.map((c) => [c.line, run(c)]));
      const rewritten: string[] = [];
      let skipping = false;
      lines.forEach((line, i) => {
        if (outputs.has(i)) {
          rewritten.push(line, ...(outputs.get(i) as string[]));
          skipping = true;
          return;
        }
        if (skipping && (line.startsWith("$ ") || line.startsWith("```"))) skipping = false;
        if (!skipping) rewritten.push(line);
      });
      writeFileSync(DOC, rewritten.join("\n"));
    }, 300_000);
    return;
  }

  it.each(runnable.map((c) => [`step ${c.step}: ${c.command}`, c] as const))("%s", (_name, c) => {
    expect(c.output.length, "the page shows the command's output").toBeGreaterThan(0);
    expect(run(c)).toEqual(c.output);
  });
});
