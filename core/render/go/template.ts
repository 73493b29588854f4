/**
 * Go text/template for Istio's injection templates: parse once with a function map, execute many
 * times against Go-typed data. The public face of lex.ts, parse.ts, exec.ts and builtins.ts.
 */

import { err, ok, type Result } from "../../json.ts";
import { BUILTINS } from "./builtins.ts";
import { execute, type Limits } from "./exec.ts";
import { type FuncLookup, ParseError, parseTrees, type Tree } from "./parse.ts";
import type { GoFuncMap, GoValue } from "./values.ts";

export interface GoTemplate {
  /** The parse name (istiod uses `inject` for every entry); the main tree's name. */
  name: string;
  /** The text it was parsed from, for error locations. */
  text: string;
  /** The main tree and the trees of its `define`s and `block`s, by name. */
  trees: ReadonlyMap<string, Tree>;
}

export interface ExecLimits {
  maxSteps?: number;
  maxOutputBytes?: number;
  maxDepth?: number;
}

/**
 * Defaults sized for a pod: Istio's sidecar template runs a few thousand steps and writes ~20 KB.
 * - maxSteps 5,000,000: each node, command and range iteration is one step; far above any real
 *   template, low enough to stop `range 1000000000` within a second or so.
 * - maxOutputBytes 4 MiB: measured in UTF-16 code units (= bytes for ASCII, a lower bound otherwise).
 * - maxDepth 1,000 nested `template` calls: Go allows 100,000, which a JavaScript stack cannot hold;
 *   no Istio template nests more than one level.
 */
export const DEFAULT_LIMITS: Readonly<Limits> = {
  maxSteps: 5_000_000,
  maxOutputBytes: 4 * 1024 * 1024,
  maxDepth: 1000,
};

/**
 * Parse with the given function map (Go's built-ins underneath; the map's names win, as with Go's
 * Funcs()). An unknown function is a parse error, `template: NAME:LINE: function "X" not defined`.
 */
export function parseGoTemplate(name: string, text: string, funcs: GoFuncMap): Result<GoTemplate> {
  const lookup: FuncLookup = {
    get(fn) {
      const f = funcs.get(fn);
      if (f) return { fn: f, builtin: false };
      const b = BUILTINS.get(fn);
      return b ? { fn: b.fn, builtin: true, spec: b } : undefined;
    },
  };
  try {
    return ok({ name, text, trees: parseTrees(name, text, lookup) });
  } catch (e) {
    if (e instanceof ParseError) return err(e.message);
    if (e instanceof RangeError) return err(`template: ${name}: nested too deeply to parse`);
    return err(`template: ${name}: internal error: ${e instanceof Error ? e.message : String(e)}`);
  }
}

/**
 * Execute the main template against data (the `.` and `$`). Errors are Go's messages:
 * `template: NAME:LINE:COL: executing "NAME" at <.Values.x.y>: ...`. Never throws.
 */
export function executeGoTemplate(t: GoTemplate, data: GoValue, limits?: ExecLimits): Result<string> {
  const l: Limits = {
    maxSteps: limits?.maxSteps ?? DEFAULT_LIMITS.maxSteps,
    maxOutputBytes: limits?.maxOutputBytes ?? DEFAULT_LIMITS.maxOutputBytes,
    maxDepth: limits?.maxDepth ?? DEFAULT_LIMITS.maxDepth,
  };
  const r = execute({ name: t.name, text: t.text, trees: t.trees }, data, l);
  return r.ok ? ok(r.value) : err(r.error);
}
