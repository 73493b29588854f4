import { chmodSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { runCli } from "../helpers/cli.ts";
import { REPO } from "../helpers/fixtures.ts";
import { withoutNotice } from "./notice.ts";

/** Issue 14, item 12: errors a user can act on, each a subprocess of the built CLI. */

const dir = mkdtempSync(join(tmpdir(), "outrigger-cli-errors-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const file = (name: string, text: string) => {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
};
const APP = resolve(REPO, "examples/quick-start/app.yaml");

/** The one line on stderr; fails when there is more than one. */
function oneLine(stderr: string): string {
  const lines = withoutNotice(stderr)
    .split("\n")
    .filter((l) => l !== "");
  expect(lines, stderr).toHaveLength(1);
  return lines[0] as string;
}

describe("YAML errors name their own line", () => {
  it.each([
    ["first document", "apiVersion: v1\nkind: Pod\nmetadata:\n\tname: x\n", "document 1 (line 4)"],
    [
      "second document",
      "kind: ConfigMap\napiVersion: v1\n---\napiVersion: v1\nkind: Pod\nmetadata:\n\tname: x\n",
      "document 2 (line 7)",
    ],
    ["unclosed flow", "apiVersion: v1\nkind: Pod\nmetadata: {name: x\nspec: {}\n", "document 1 (line"],
  ])("%s", (_name, text, where) => {
    const path = file(`bad-${where.replace(/\W/g, "")}.yaml`, text);
    const r = runCli(["inject", "-f", path]);
    expect(r.status).toBe(1);
    const line = oneLine(r.stderr);
    expect(line).toContain(`${path}: ${where}`);
    expect(line).not.toMatch(/YAMLParseError|at line \d+, column|\bat .*\.cjs:/);
  });

  it("a tab four lines into the second document says that line of the file", () => {
    const path = file(
      "tab.yaml",
      "kind: Namespace\napiVersion: v1\nmetadata: {name: a}\n---\na: 1\nb:\n\tc: 2\n",
    );
    expect(oneLine(runCli(["inject", "-f", path]).stderr)).toContain("document 2 (line 7)");
  });
});

describe("files that cannot be read say why, in words", () => {
  it("missing file", () => {
    const r = runCli(["inject", "-f", join(dir, "nope.yaml")]);
    expect(r.status).toBe(1);
    expect(oneLine(r.stderr)).toBe(
      `outrigger inject: cannot read ${join(dir, "nope.yaml")}: no such file or directory`,
    );
  });

  it("a directory", () => {
    const r = runCli(["check", "-f", dir]);
    expect(r.status).toBe(1);
    expect(oneLine(r.stderr)).toContain(`cannot read ${dir}: is a directory, not a file`);
  });

  it.skipIf(process.getuid?.() === 0)("no permission", () => {
    const path = file("secret.yaml", "kind: Namespace\n");
    chmodSync(path, 0o000);
    const r = runCli(["inject", "-f", path]);
    expect(r.status).toBe(1);
    expect(oneLine(r.stderr)).toContain("permission denied");
  });

  it("binary data (-f /dev/urandom) ends with a message, not a crash", () => {
    const r = runCli(["inject", "-f", "/dev/urandom"]);
    expect(r.status).toBe(1);
    expect(oneLine(r.stderr)).toBe("outrigger inject: /dev/urandom: binary data, not a YAML or JSON text");
  });

  it("a missing --ca-file names the flag", () => {
    const r = runCli([
      "inject",
      "-f",
      APP,
      "--remote",
      "https://127.0.0.1:1/inject",
      "--ca-file",
      join(dir, "no.pem"),
    ]);
    expect(r.status).toBe(1);
    expect(oneLine(r.stderr)).toContain("--ca-file: cannot read");
  });
});

describe("multi-document and deep inputs get our message", () => {
  it("a multi-document --webhook-config takes every registration in it", () => {
    const registration = runCli(["webhook-config", "--url", "https://x.example.com/inject"]).stdout;
    const other = `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x}\n`;
    const path = file("mwc.yaml", `${other}---\n${registration}`);
    const r = runCli([
      "check",
      "-f",
      APP,
      "--webhook-config",
      path,
      "--namespace-labels",
      "istio-injection=enabled",
    ]);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toContain("namespace.sidecar-injector.outrigger");
  });

  it("a YAML error in the second document of a --webhook-config names the file's line", () => {
    const path = file("mwc-bad.yaml", "kind: MutatingWebhookConfiguration\n---\nkind: X\nwebhooks:\n\t- a\n");
    const r = runCli(["check", "-f", APP, "--webhook-config", path]);
    expect(r.status).toBe(1);
    expect(oneLine(r.stderr)).toContain(`${path}: line 5:`);
  });

  it("deep nesting gets the documented depth limit, not a stack overflow", () => {
    const deep = `${"a: ".padEnd(3)}${"[".repeat(20_000)}${"]".repeat(20_000)}\n`;
    const r = runCli(["inject", "-f", file("deep.yaml", deep)]);
    expect(r.status).toBe(1);
    const line = oneLine(r.stderr);
    expect(line).toContain("document is nested deeper than 100 levels");
    expect(line).not.toContain("call stack");
  });
});

describe("usage errors: one line and where to look", () => {
  it.each([
    [["inject", "--bogus"], "outrigger inject: unknown flag --bogus; see outrigger inject --help"],
    [["inject", "-f"], "outrigger inject: -f, --filename needs a value; see outrigger inject --help"],
    [
      ["check", "-f", APP, "extra"],
      'outrigger check: unexpected argument "extra"; see outrigger check --help',
    ],
    [["review"], "see outrigger review --help"],
    [["nonsense"], 'outrigger: unknown command "nonsense"; see outrigger --help'],
  ])("%j", (args, expected) => {
    const r = runCli(args);
    expect(r.status).toBe(2);
    expect(r.stdout).toBe("");
    expect(oneLine(r.stderr)).toContain(expected);
  });
});

describe("inject --diff exits as diff does", () => {
  it("1 when injection changes something, 0 when nothing changes, 2 on an error", () => {
    const changed = runCli(["inject", "-f", APP, "--diff"]);
    expect(changed.status).toBe(1);
    expect(changed.stdout).toContain("+++ ");
    const same = runCli(["uninject", "-f", APP, "--diff"]);
    expect(same.status).toBe(0);
    expect(same.stdout).toBe("");
    const broken = runCli(["inject", "-f", join(dir, "absent.yaml"), "--diff"]);
    expect(broken.status).toBe(2);
  });

  it("without --diff, a successful inject exits 0", () => {
    expect(runCli(["inject", "-f", APP]).status).toBe(0);
  });
});
