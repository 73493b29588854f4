import { parseDocument } from "../document/yaml.ts";
import type { Site } from "../document/yaml-fast.ts";
import { reread } from "../document/yaml-reread.ts";
import { fastRules, parseYaml11General, readFast } from "../document/yaml11.ts";
import { clone, err, isObject, type Json, type JsonObject, ok, type Result } from "../json.ts";
import { TextMemo } from "../memo.ts";
import type { TemplateData } from "./data.ts";
import type { Template } from "./template.ts";

/**
 * Parsing the rendered YAML is the most expensive step after the render, and one template's texts
 * for different pods differ in a few scalars (a label's value, the workload's name in an env var), or
 * not at all for pods that differ only in what no template reads. So each syntax keeps bounded
 * baselines, by template and line count: a text that differs from its baseline only in one-line
 * scalars is read as a copy of the baseline's value with those scalars read again
 * (core/document/yaml-reread.ts), and any other text is parsed whole. Values are handed out as copies
 * because the merge step owns what it is given. (A repeated admission as a whole is answered before it
 * gets here: core/admission/repeat.ts.)
 */
interface Slot {
  lines: string[];
  sites: (Site | undefined)[];
  /** Absent for a structure seen once (its value went to the merge uncopied): the next keeps a copy. */
  value?: Json;
}

/** Per syntax: the same text reads differently as YAML 1.1 and 1.2. */
const baselines = { go: new TextMemo<Slot>(), handlebars: new TextMemo<Slot>() };

export function renderTemplate(name: string, template: Template, data: TemplateData): Result<JsonObject> {
  const out = template.render(data);
  if (!out.ok) return out;
  const doc = parseRendered(name, template, out.value);
  if (!doc.ok) return err(`template ${JSON.stringify(name)} rendered text that is ${doc.error}`);
  const value = doc.value ?? {};
  if (!isObject(value)) return err(`template ${JSON.stringify(name)} must render a mapping (a partial Pod)`);
  const refused = template.refuses?.(value);
  return refused === undefined ? ok(value) : err(refused);
}

/** Forgets every baseline: for a benchmark row that must parse every text whole. */
export function forgetBaselines(): void {
  baselines.go.clear();
  baselines.handlebars.clear();
}

/** What the baselines hold, for tests of their bounds. */
export function memoStats(): { parsedEntries: number; parsedChars: number } {
  return {
    parsedEntries: baselines.go.size + baselines.handlebars.size,
    parsedChars: baselines.go.weight + baselines.handlebars.weight,
  };
}

function parseRendered(name: string, template: Template, text: string): Result<Json> {
  const schema = template.syntax === "go" ? "yaml11" : "yaml12";
  const memo = baselines[template.syntax];
  const lines = text.split("\n");
  const key = `${name}\n${lines.length}`;
  const slot = memo.recall(key);
  if (slot?.value !== undefined) {
    const value = reread(slot as Slot & { value: Json }, lines, fastRules(schema));
    if (value !== undefined) return ok(value);
  }
  const read = readFast(text, schema, true, lines);
  // Outside the fast subset: Go's output as go-yaml reads it; Handlebars' as the `yaml` package does.
  if (read === undefined) return schema === "yaml11" ? parseYaml11General(text) : parseDocument(text);
  if (read.sites) {
    // A structure seen for the first time is only marked: most such texts are of pods never seen
    // again. Seen a second time in a row (same template, same line count), a copy is kept.
    const keep = slot !== undefined && slot.value === undefined;
    // Weighed at twice its text: the lines and the Sites are held beside the value.
    memo.remember(
      key,
      { lines: read.lines, sites: read.sites, value: keep ? clone(read.value) : undefined },
      2 * text.length,
    );
  }
  return ok(read.value);
}
