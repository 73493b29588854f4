import { clone, type Json } from "../json.ts";
import { DOCUMENT_MARKER, isEntry, keyEnd, type Rules, type Site, scalarAt } from "./yaml-fast.ts";

/**
 * Rendered sidecars of different pods are mostly the same text: a pod's name, labels and ports change
 * a few one-line scalars (a label's value, an env var's) and nothing else. A text read once on the
 * fast path, with where its one-line scalars sit, is a baseline: a later text whose lines are the
 * baseline's but for some of those scalars is read by copying the baseline's value and reading the
 * changed scalars alone, a copy instead of a parse. Anything else about a changed line (another key
 * or indentation, a collection, block or comment starting there, a line that holds no scalar, another
 * line count) means another structure, and the caller parses the text whole, so what comes out is
 * always what the whole parse gives (test/document/yaml-reread.test.ts holds it to that).
 */
export interface Baseline {
  lines: string[];
  sites: (Site | undefined)[];
  /** What the lines read as; never handed out, only copies. */
  value: Json;
}

/** The value of `lines` as a change of the baseline's scalars (a fresh copy), or undefined if it is not one. */
export function reread(baseline: Baseline, lines: string[], rules: Rules): Json | undefined {
  const old = baseline.lines;
  if (lines.length !== old.length) return undefined;
  let changes: [Site, Json][] | undefined;
  try {
    for (let i = 0; i < lines.length; i++) {
      const line = lines[i] as string;
      const was = old[i] as string;
      if (line === was) continue;
      const site = baseline.sites[i];
      if (site === undefined || !samePrefix(line, was, site.col)) return undefined;
      // What FastParser refuses for the whole text, on the changed line.
      if (line.includes("\r") || line.includes("\t") || DOCUMENT_MARKER.test(line)) return undefined;
      if (site.entry && (isEntry(line, site.col) || keyEnd(line, site.col) >= 0)) return undefined;
      if (changes === undefined) changes = [];
      changes.push([site, scalarAt(line, site.col, rules)]);
    }
  } catch {
    // BAIL, or a scalar the schema refuses: the whole parse says what it is.
    return undefined;
  }
  const value = clone(baseline.value);
  if (changes) for (const [site, scalar] of changes) setAt(value, site.path, scalar);
  return value;
}

function samePrefix(a: string, b: string, n: number): boolean {
  if (a.length <= n) return false;
  for (let i = 0; i < n; i++) if (a.charCodeAt(i) !== b.charCodeAt(i)) return false;
  return true;
}

function setAt(root: Json, path: (string | number)[], value: Json): void {
  let node = root as Record<string | number, Json>;
  const last = path.length - 1;
  for (let i = 0; i < last; i++) node = node[path[i] as string | number] as Record<string | number, Json>;
  const key = path[last] as string | number;
  if (key === "__proto__")
    Object.defineProperty(node, key, { value, enumerable: true, writable: true, configurable: true });
  else node[key] = value;
}
