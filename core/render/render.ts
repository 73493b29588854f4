import { parseDocument } from "../document/yaml.ts";
import { parseYaml11, parseYaml12Fast } from "../document/yaml11.ts";
import { clone, err, isObject, type Json, type JsonObject, ok, type Result } from "../json.ts";
import { TextMemo } from "../memo.ts";
import type { TemplateData } from "./data.ts";
import type { Template } from "./template.ts";

/**
 * Parsing the rendered YAML is the most expensive step after the render, and pods that differ only in
 * what no template reads (a StatefulSet's pod names, a Job's) render the same text: a bounded memory
 * of rendered text → parsed object makes the repeat cost a copy. Parsed entries are returned as copies
 * because the merge step owns what it is given. (A repeated admission as a whole is answered from
 * core/admission/repeat.ts before it gets here.) Per syntax: the same text reads differently as YAML
 * 1.1 and 1.2.
 */
const parsed = { go: new TextMemo<JsonObject | null>(), handlebars: new TextMemo<JsonObject | null>() };

export function renderTemplate(name: string, template: Template, data: TemplateData): Result<JsonObject> {
  const out = template.render(data);
  if (!out.ok) return out;
  const text = out.value;
  const objects = template.syntax === "go" ? parsed.go : parsed.handlebars;
  const hit = objects.recall(text);
  if (hit) return ok(clone(hit));
  const doc = parseRendered(template, text);
  if (!doc.ok) return err(`template ${JSON.stringify(name)} rendered text that is ${doc.error}`);
  const value = doc.value ?? {};
  if (!isObject(value)) return err(`template ${JSON.stringify(name)} must render a mapping (a partial Pod)`);
  // A text seen for the first time is only marked: most such texts are of pods never seen again, whose
  // object can then go to the merge as it is, uncopied. The second sighting keeps the object.
  if (hit === undefined) {
    objects.remember(text, SEEN, 0);
    return ok(value);
  }
  objects.remember(text, value, 0);
  return ok(clone(value));
}

/** The mark of a text parsed once and not kept (a falsy stand-in for the object). */
const SEEN = null;

/** What the memories hold, for tests of their bounds. */
export function memoStats(): { parsedEntries: number; parsedChars: number } {
  return {
    parsedEntries: parsed.go.size + parsed.handlebars.size,
    parsedChars: parsed.go.weight + parsed.handlebars.weight,
  };
}

function parseRendered(template: Template, text: string): Result<Json> {
  if (template.syntax === "go") return parseYaml11(text);
  // The line-based reader answers only where it reads exactly as the `yaml` package would.
  const fast = parseYaml12Fast(text);
  return fast === undefined ? parseDocument(text) : ok(fast);
}
