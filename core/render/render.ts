import { parseDocument } from "../document/yaml.ts";
import { clone, err, isObject, type JsonObject, ok, type Result } from "../json.ts";
import { renderErrorMessage, type TemplateFn } from "./compile.ts";

/**
 * Rendered text → object, remembered. Parsing the rendered YAML is the one expensive step of an
 * admission (1.4–2.2 ms a parse), and the replicas of a workload render to identical text, so the
 * parse is done once per distinct text. Entries are returned as copies because the merge step owns
 * what it is given. The bound keeps memory flat when every pod renders differently.
 */
const MAX_ENTRIES = 256;
const parsed = new Map<string, JsonObject>();

export function renderTemplate(name: string, fn: TemplateFn, data: unknown): Result<JsonObject> {
  let text: string;
  try {
    text = fn(data);
  } catch (e) {
    return err(`template ${JSON.stringify(name)} failed: ${renderErrorMessage(e)}`);
  }
  const hit = parsed.get(text);
  if (hit) {
    // Refresh the entry so a hot text stays while cold ones age out.
    parsed.delete(text);
    parsed.set(text, hit);
    return ok(clone(hit));
  }
  const doc = parseDocument(text);
  if (!doc.ok) return err(`template ${JSON.stringify(name)} rendered text that is ${doc.error}`);
  const value = doc.value ?? {};
  if (!isObject(value)) return err(`template ${JSON.stringify(name)} must render a mapping (a partial Pod)`);
  if (parsed.size >= MAX_ENTRIES) parsed.delete(parsed.keys().next().value as string);
  parsed.set(text, value);
  return ok(clone(value));
}
