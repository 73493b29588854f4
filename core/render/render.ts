import { createHash } from "node:crypto";
import { parseDocument } from "../document/yaml.ts";
import { parseYaml11, parseYaml12Fast } from "../document/yaml11.ts";
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
 *
 * Rendered text carries what the pod's author wrote (an annotation such as
 * `sidecar.istio.io/bootstrapOverride` lands in it whole), so each memory is bounded by the text it
 * holds as well as by entries, and a text too large to be worth keeping is not kept at all: a flood
 * of pods with huge values leaves the memories as small as they were.
 */
export const MEMO_LIMITS = {
  entries: 256,
  /** Characters of text per memory (a parsed object is weighed by the text it was parsed from). */
  chars: 4 * 1024 * 1024,
  /** Characters of the largest text kept; a sidecar renders to about 7 to 20 thousand. */
  entryChars: 128 * 1024,
} as const;

/** A least-recently-used map bounded by entries and by the characters of the text it holds. */
export class TextMemo<V> {
  private readonly map = new Map<string, { value: V; chars: number }>();
  private chars = 0;

  get size(): number {
    return this.map.size;
  }

  /** The characters held (keys and texts). */
  get weight(): number {
    return this.chars;
  }

  /** A hit is moved to the back, so a hot entry stays while cold ones age out. */
  recall(key: string): V | undefined {
    const hit = this.map.get(key);
    if (hit === undefined) return undefined;
    this.map.delete(key);
    this.map.set(key, hit);
    return hit.value;
  }

  remember(key: string, value: V, chars: number): void {
    const weight = key.length + chars;
    if (weight > MEMO_LIMITS.entryChars) return;
    const old = this.map.get(key);
    if (old !== undefined) {
      this.map.delete(key);
      this.chars -= key.length + old.chars;
    }
    while (
      this.map.size > 0 &&
      (this.map.size >= MEMO_LIMITS.entries || this.chars + weight > MEMO_LIMITS.chars)
    ) {
      const [oldest, entry] = this.map.entries().next().value as [string, { chars: number }];
      this.map.delete(oldest);
      this.chars -= oldest.length + entry.chars;
    }
    this.map.set(key, { value, chars });
    this.chars += weight;
  }

  clear(): void {
    this.map.clear();
    this.chars = 0;
  }
}

/** Parsed objects per syntax (the same text reads differently as YAML 1.1 and 1.2), by the text. */
const parsed = { go: new TextMemo<JsonObject | null>(), handlebars: new TextMemo<JsonObject | null>() };
const rendered = new WeakMap<object, WeakMap<object, TextMemo<string>>>();

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
  let text = texts?.recall(textKey);
  if (text === undefined) {
    const out = template.render(data);
    if (!out.ok) return out;
    text = out.value;
    texts?.remember(textKey, text, text.length);
  }
  // The key is the text itself, the same string the text memory holds, so it is not held twice.
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

function textsFor(memo: RenderInputs): TextMemo<string> {
  let byConfig = rendered.get(memo.templates);
  if (!byConfig) {
    byConfig = new WeakMap();
    rendered.set(memo.templates, byConfig);
  }
  let texts = byConfig.get(memo.config);
  if (!texts) {
    texts = new TextMemo();
    byConfig.set(memo.config, texts);
  }
  return texts;
}
