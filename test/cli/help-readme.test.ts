import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { runCli } from "../helpers/cli.ts";
import { REPO } from "../helpers/fixtures.ts";

/**
 * Issue 14: `outrigger <verb> --help` and the README's section for the verb say the same. The usage
 * lines must be the same forms (spacing aside), and every flag of the help's Flags list must be
 * documented in the section, by its short or its long name, with no flag in the section that the
 * help does not know.
 */

const README = readFileSync(resolve(REPO, "README.md"), "utf8");
const verbs = [...runCli(["--help"]).stdout.matchAll(/^ {2}([a-z][\w-]*) {2,}/gm)].map((m) => m[1] as string);

/** The README's `### \`outrigger VERB\`` section, up to the next heading of its level or above. */
function section(verb: string): string {
  const heading = `### \`outrigger ${verb}\`\n`;
  const start = README.indexOf(heading);
  if (start === -1) return "";
  const rest = README.slice(start + heading.length);
  const end = rest.search(/^#{2,3} /m);
  return end === -1 ? rest : rest.slice(0, end);
}

const squash = (s: string) => s.replace(/\s+/g, " ").trim();

/** Each usage form (one per `outrigger VERB ...`), continuation lines joined. */
function forms(text: string, verb: string): string[] {
  return squash(text)
    .split(new RegExp(`(?=outrigger ${verb} )`))
    .map((f) => f.trim())
    .filter((f) => f !== "");
}

/** The help's usage block: from `Usage:` to the first blank line. */
function helpUsage(help: string): string {
  return (/^Usage: ([\s\S]*?)\n\n/m.exec(help)?.[1] ?? "").trim();
}

/** The README's synopsis: the code blocks of the section whose first line is `outrigger VERB ...`. */
function readmeUsage(text: string, verb: string): string {
  return [...text.matchAll(/^```\n([\s\S]*?)^```$/gm)]
    .map((m) => m[1] as string)
    .filter((block) => block.startsWith(`outrigger ${verb} `) || block === `outrigger ${verb}\n`)
    .join("\n");
}

/** The help's Flags list: the names of each entry (`-f, --filename FILE` gives [-f, --filename]). */
function helpFlags(help: string): string[][] {
  const block = /^Flags:\n([\s\S]*?)\n\n/m.exec(help)?.[1] ?? "";
  return block
    .split("\n")
    .map((line) => /^ {2}(?:(-\w), | {4})(--[A-Za-z][\w-]*)/.exec(line))
    .filter((m): m is RegExpExecArray => m !== null)
    .map((m) => [m[1], m[2]].filter((n): n is string => n !== undefined));
}

const longFlags = (text: string) => new Set(text.match(/(?<![\w-])--[A-Za-z][\w-]*/g) ?? []);
const mentions = (text: string, flag: string) =>
  new RegExp(`(?<![\\w-])${flag.replace(/[-]/g, "\\-")}(?![\\w-])`).test(text);

describe("every verb's --help matches its README section", () => {
  it("the README documents every verb the CLI has", () => {
    expect(verbs.length).toBeGreaterThan(3);
    for (const verb of verbs) expect(section(verb), `README section for ${verb}`).not.toBe("");
  });

  describe.each(verbs.map((v) => [v]))("%s", (verb) => {
    const help = runCli([verb, "--help"]).stdout;
    const text = section(verb);

    it("has the same usage lines", () => {
      const readme = forms(readmeUsage(text, verb), verb);
      expect(readme.length, `README synopsis block for ${verb}`).toBeGreaterThan(0);
      expect(readme).toEqual(forms(helpUsage(help), verb));
    });

    it("documents every flag of the help, and no other", () => {
      const entries = helpFlags(help);
      expect(entries.length).toBeGreaterThan(0);
      const undocumented = entries.filter((names) => !names.some((n) => mentions(text, n)));
      expect(undocumented, "flags the README section does not mention").toEqual([]);
      const known = new Set(entries.flat());
      const unknown = [...longFlags(text)].filter((f) => !known.has(f) && !mentions(help, f));
      expect(unknown, "flags the README section names that the help does not").toEqual([]);
    });
  });
});
