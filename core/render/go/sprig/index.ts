import type { GoFunc } from "../values.ts";
import { cryptoFuncs } from "./crypto.ts";
import { dateFuncs } from "./dates.ts";
import * as defaults from "./defaults.ts";
import * as dicts from "./dicts.ts";
import * as lists from "./lists.ts";
import { miscFuncs } from "./misc.ts";
import * as numbers from "./numbers.ts";
import { regexFuncs } from "./regex.ts";
import { semverFuncs } from "./semver.ts";
import * as strings from "./strings.ts";

/**
 * Sprig v3.3.0's `TxtFuncMap()` (functions.go genericMap, 211 names), assembled from the modules that
 * implement it. istiod installs all of it, so a template naming any of these parses; Istio's own
 * functions are layered on top by the engine (its `contains`, `indent`, `env`, `omit` win).
 */

type FuncRecord = Record<string, GoFunc>;

/** The exported function records of a module (a module may also export helpers, which are skipped). */
function records(mod: Record<string, unknown>): FuncRecord[] {
  return Object.values(mod).filter(
    (v): v is FuncRecord =>
      typeof v === "object" &&
      v !== null &&
      !Array.isArray(v) &&
      Object.values(v).length > 0 &&
      Object.values(v).every((f) => typeof f === "function"),
  );
}

/** Every part with the module it comes from; the test uses it to find a name defined twice. */
export function sprigParts(): [string, FuncRecord][] {
  const parts: [string, FuncRecord][] = [];
  for (const [name, mod] of Object.entries({ strings, lists, dicts, defaults, numbers })) {
    for (const r of records(mod as Record<string, unknown>)) parts.push([name, r]);
  }
  parts.push(
    ["regex", regexFuncs],
    ["semver", semverFuncs],
    ["dates", dateFuncs],
    ["crypto", cryptoFuncs],
    ["misc", miscFuncs],
  );
  return parts;
}

let cached: Map<string, GoFunc> | undefined;

export function sprigFuncs(): Map<string, GoFunc> {
  if (!cached) {
    cached = new Map();
    for (const [, r] of sprigParts()) for (const [k, f] of Object.entries(r)) cached.set(k, f);
  }
  return new Map(cached);
}
