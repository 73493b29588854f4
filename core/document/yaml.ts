import { parse, parseAllDocuments } from "yaml";
import { err, type Json, MAX_DEPTH, ok, type Result, tooDeep } from "../json.ts";

/**
 * Parser limits. yaml's own failure modes are a stack overflow on deeply nested flow collections
 * (a RangeError, not a YAMLParseError) and alias expansion ("billion laughs"); both are refused here
 * with a message instead of a crash.
 */
const MAX_ALIAS_COUNT = 100;

/** One YAML or JSON document. JSON goes through JSON.parse first: it is YAML too, and ten times faster. */
export function parseDocument(text: string): Result<Json> {
  const trimmed = text.trimStart();
  if (trimmed.startsWith("{") || trimmed.startsWith("[")) {
    try {
      return checked(JSON.parse(text) as Json);
    } catch {
      // Not strict JSON (trailing commas, comments, flow YAML): let the YAML parser have it.
    }
  }
  let value: Json;
  try {
    value = (parse(text, { maxAliasCount: MAX_ALIAS_COUNT, prettyErrors: false, logLevel: "error" }) ??
      null) as Json;
  } catch (e) {
    return err(parseErrorMessage(e));
  }
  // An alias inside the node it names (`a: &x [*x]`) parses to a cyclic object, which JSON cannot hold.
  if (!isAcyclic(value, new Set()))
    return err("not valid YAML or JSON: an alias refers to a node that contains it");
  return checked(value);
}

/** Every document of a YAML stream (`---`-separated), each with the limits of parseDocument. */
export function parseDocuments(text: string): Result<Json[]> {
  const trimmed = text.trimStart();
  if (trimmed.startsWith("{") || trimmed.startsWith("[")) {
    const one = parseDocument(text);
    return one.ok ? ok([one.value]) : one;
  }
  let docs: ReturnType<typeof parseAllDocuments>;
  try {
    docs = parseAllDocuments(text, { prettyErrors: false, logLevel: "error" });
  } catch (e) {
    return err(parseErrorMessage(e));
  }
  if (!Array.isArray(docs)) return err("not valid YAML: a stream of documents was expected");
  const out: Json[] = [];
  for (const [i, doc] of docs.entries()) {
    const first = doc.errors[0];
    if (first) {
      const where = docs.length > 1 ? `document ${i + 1}: ` : "";
      return err(`${where}${parseErrorMessage(first)}`);
    }
    let value: Json;
    try {
      value = (doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT }) ?? null) as Json;
    } catch (e) {
      return err(parseErrorMessage(e));
    }
    if (!isAcyclic(value, new Set()))
      return err("not valid YAML or JSON: an alias refers to a node that contains it");
    const c = checked(value);
    if (!c.ok) return c;
    out.push(value);
  }
  return ok(out);
}

function checked(value: Json): Result<Json> {
  return tooDeep(value) ? err(`document is nested deeper than ${MAX_DEPTH} levels`) : ok(value);
}

function isAcyclic(v: unknown, ancestors: Set<object>, depth = 0): boolean {
  if (typeof v !== "object" || v === null) return true;
  // Deeper than this is refused anyway; stop before the recursion itself gets deep.
  if (depth > MAX_DEPTH) return true;
  if (ancestors.has(v)) return false;
  ancestors.add(v);
  const children = Array.isArray(v) ? v : Object.values(v);
  const acyclic = children.every((c) => isAcyclic(c, ancestors, depth + 1));
  ancestors.delete(v);
  return acyclic;
}

export function parseErrorMessage(e: unknown): string {
  const msg = e instanceof Error ? e.message : String(e);
  // yaml overflows the stack on deep nesting and sometimes hands the RangeError back wrapped in a
  // YAMLParseError; either way the user has hit the documented depth limit.
  if (e instanceof RangeError || /Maximum call stack size exceeded/.test(msg))
    return `document is nested deeper than ${MAX_DEPTH} levels`;
  if (/multiple documents/i.test(msg))
    return "holds several YAML documents (separated by ---) where one is expected";
  return `not valid YAML or JSON: ${msg.split("\n")[0]}`;
}
