import { readFileSync } from "node:fs";
import { validateConfig } from "../../core/config/load.ts";
import { parseDocument } from "../../core/document/yaml.ts";
import { BUILTIN_TEMPLATE_NAMES, compileEngine, defaultEngine, type Engine } from "../../core/engine.ts";
import { err, isObject, type JsonObject, ok, type Result } from "../../core/json.ts";

/** The files a command line names: a config, and the `values` / mesh config a user exported from a cluster. */
export interface ConfigFiles {
  config?: string;
  values?: string;
  mesh?: string;
}

/**
 * The engine for the files given on the command line; the built-in config where none is. `values`
 * and `mesh` replace the config's `values` and `meshConfig` (each still applied onto Istio's
 * defaults, as the config's own would be). Every error names the file it comes from.
 */
export function engineFromFiles(files: ConfigFiles): Result<Engine> {
  if (files.config === undefined && files.values === undefined && files.mesh === undefined)
    return ok(defaultEngine());
  const doc = files.config === undefined ? ok<JsonObject>({}) : readMapping(files.config, "config");
  if (!doc.ok) return doc;
  for (const [key, path] of [
    ["values", files.values],
    ["meshConfig", files.mesh],
  ] as const) {
    if (path === undefined) continue;
    const part = readMapping(path, key);
    if (!part.ok) return part;
    doc.value[key] = part.value;
  }
  const loaded = validateConfig(doc.value, BUILTIN_TEMPLATE_NAMES);
  const engine = loaded.ok ? compileEngine(loaded.value) : loaded;
  if (engine.ok) return engine;
  const named = [files.config, files.values, files.mesh].filter((f) => f !== undefined).join(", ");
  return err(`${named}: ${engine.error}`);
}

/** The engine for a config file given on the command line, or the built-in config without one. */
export function engineFromFile(path: string | undefined): Result<Engine> {
  return engineFromFiles({ config: path });
}

function readMapping(path: string, what: string): Result<JsonObject> {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (e) {
    return err(`cannot read ${what} ${path}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  if (text.trim() === "") return ok({});
  const parsed = parseDocument(text);
  if (!parsed.ok) return err(`${path}: ${parsed.error}`);
  if (!isObject(parsed.value)) return err(`${path}: the ${what} must be a mapping`);
  return ok(parsed.value);
}
