import { createHash } from "node:crypto";
import { parseDocument } from "../document/yaml.ts";
import { parseYaml11 } from "../document/yaml11.ts";
import { clone, err, isObject, type Json, type JsonObject, ok, type Result } from "../json.ts";
import type { TemplateData } from "./data.ts";
import type { Template } from "./template.ts";

/**
 * The replicas of a workload are the same pod over and over (the API server names a pod after
 * admission), so an admission mostly repeats one already done. Two bounded memories make the repeat
 * cheap, and cost nothing but a lookup when every pod differs:
 * - rendered text → parsed object: parsing the rendered YAML is the most expensive step;
 * - the render's inputs → rendered text: running the template is the next (templates are pure
 *   functions of their data, and the data of the pod, the path envs and the engine's config).
 * Parsed entries are returned as copies because the merge step owns what it is given.
 */
const MAX_ENTRIES = 256;
const parsed = new Map<string, JsonObject>();
const rendered = new WeakMap<object, WeakMap<object, Map<string, string>>>();

/** Identifies one render: the engine's templates and config (by identity) and a digest of the rest. */
export interface RenderInputs {
  templates: object;
  config: object;
  /** Everything else the template data is built from, e.g. JSON of [pod, path envs, proxy ids]. */
  inputs: string;
}

export function renderKey(inputs: unknown): string {
  return createHash("sha256").update(JSON.stringify(inputs)).digest("base64");
}

export function renderTemplate(
  name: string,
  template: Template,
  data: TemplateData,
  memo?: RenderInputs,
): Result<JsonObject> {
  const texts = memo ? textsFor(memo) : undefined;
  const textKey = memo ? `${name}\n${memo.inputs}` : "";
  let text = texts ? recall(texts, textKey) : undefined;
  if (text === undefined) {
    const out = template.render(data);
    if (!out.ok) return out;
    text = out.value;
    if (texts) remember(texts, textKey, text);
  }
  // The same text reads differently as YAML 1.1 (istiod's reader of Go templates' output) and 1.2.
  const parsedKey = `${template.syntax}\n${text}`;
  const hit = recall(parsed, parsedKey);
  if (hit) return ok(clone(hit));
  const doc = parseRendered(template, text);
  if (!doc.ok) return err(`template ${JSON.stringify(name)} rendered text that is ${doc.error}`);
  const value = doc.value ?? {};
  if (!isObject(value)) return err(`template ${JSON.stringify(name)} must render a mapping (a partial Pod)`);
  remember(parsed, parsedKey, value);
  return ok(clone(value));
}

function parseRendered(template: Template, text: string): Result<Json> {
  return template.syntax === "go" ? parseYaml11(text) : parseDocument(text);
}

function textsFor(memo: RenderInputs): Map<string, string> {
  let byConfig = rendered.get(memo.templates);
  if (!byConfig) {
    byConfig = new WeakMap();
    rendered.set(memo.templates, byConfig);
  }
  let texts = byConfig.get(memo.config);
  if (!texts) {
    texts = new Map();
    byConfig.set(memo.config, texts);
  }
  return texts;
}

/** A hit is moved to the back, so a hot entry stays while cold ones age out. */
function recall<V>(map: Map<string, V>, key: string): V | undefined {
  const hit = map.get(key);
  if (hit === undefined) return undefined;
  map.delete(key);
  map.set(key, hit);
  return hit;
}

function remember<V>(map: Map<string, V>, key: string, value: V): void {
  if (map.size >= MAX_ENTRIES) map.delete(map.keys().next().value as string);
  map.set(key, value);
}
