import { readFileSync } from "node:fs";
import { defaultEngine, type Engine, loadEngine } from "../../core/engine.ts";
import { err, ok, type Result } from "../../core/json.ts";

/** The engine for a config file given on the command line, or the built-in config without one. */
export function engineFromFile(path: string | undefined): Result<Engine> {
  if (path === undefined) return ok(defaultEngine());
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (e) {
    return err(`cannot read config ${path}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  const engine = loadEngine(text);
  return engine.ok ? engine : err(`${path}: ${engine.error}`);
}
