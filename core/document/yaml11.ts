import { isAlias, isMap, isScalar, isSeq, Lexer, type Node, parseAllDocuments, Scalar } from "yaml";
import { err, type Json, type JsonObject, MAX_DEPTH, ok, type Result } from "../json.ts";
import { CORE_SCHEMA, ESCAPES, FastParser, type Rules } from "./yaml-fast.ts";

/**
 * Rendered template text as istiod reads it: sigs.k8s.io/yaml.Unmarshal, i.e. go-yaml v2 (YAML 1.1
 * scalar resolution, first document only, duplicate keys: last wins, `<<` merges), then the JSON
 * round trip (non-string keys become strings, numbers become float64, Inf/NaN are refused).
 *
 * Two paths, one resolver. Rendered sidecars are a small block/flow subset of YAML, which a
 * line-based parser reads about ten times faster than a general one; anything outside that subset
 * (anchors, tags, multi-line plain or quoted scalars, folded blocks, `?` keys, errors) makes it give
 * up, and the `yaml` package, with every scalar kept as text, parses the whole text instead.
 */
export function parseYaml11(text: string): Result<Json> {
  const fast = readFast(text, "yaml11", false);
  // Outside the subset, or an error: the general path reads it again and says where.
  return fast ? ok(fast.value) : parseGeneral(text);
}

/** The fast path alone: the value, or undefined where the text is outside its subset (for tests). */
export function parseYaml11Fast(text: string): Json | undefined {
  return readFast(text, "yaml11", false)?.value;
}

/**
 * The same fast subset read as the `yaml` package reads it with its defaults (YAML 1.2 core schema,
 * unique keys), for Handlebars templates' output: the value `parse` would return, or undefined where
 * the text is outside the subset or anything might read differently (duplicate or non-string keys,
 * `__proto__`, numbers a double cannot hold, `.inf`, escapes only YAML 1.1 has). The caller then
 * parses with the package, so this path only ever answers what the package would.
 */
export function parseYaml12Fast(text: string): Json | undefined {
  return readFast(text, "yaml12", false)?.value;
}

/** core/document/yaml.ts reads a text that starts with `{` or `[` as JSON first, whose duplicate keys do not fail. */
function readAsJson(text: string): boolean {
  const first = text.trimStart().charCodeAt(0);
  return first === 123 || first === 91;
}

/**
 * The fast path under either reading (go-yaml's YAML 1.1, or the `yaml` package's 1.2): the value and
 * the lines, and with `record` where each line's scalar sits (core/document/yaml-reread.ts); undefined
 * outside the subset (or, for 1.2, where the package might read it otherwise), where the caller's
 * general path must read it. `lines`: the text split at line breaks, if the caller has it already.
 */
export function readFast(text: string, schema: "yaml11" | "yaml12", record = true, lines?: string[]) {
  if (schema === "yaml12" && readAsJson(text)) return undefined;
  try {
    const parser = new FastParser(text, fastRules(schema), record, lines);
    const value = parser.parse();
    return { value, lines: parser.lines, sites: parser.sites };
  } catch {
    return undefined;
  }
}

/** The fast path's rules for each reading: go-yaml v2's (YAML 1.1), or the `yaml` package's (1.2 core). */
export function fastRules(schema: "yaml11" | "yaml12"): Rules {
  return schema === "yaml11" ? GO_YAML : CORE_SCHEMA;
}

/** The general path alone: what the fast path declines (core/render/render.ts), tests and the benchmark. */
export function parseYaml11General(text: string): Result<Json> {
  return parseGeneral(text);
}

// ---------------------------------------------------------------------------------------------
// Scalar resolution: go-yaml v2's resolve.go for untagged plain scalars.

type Resolved =
  | { t: "str"; v: string }
  | { t: "null" }
  | { t: "bool"; v: boolean }
  | { t: "int"; v: bigint }
  | { t: "float"; v: number };

const MAP = new Map<string, Resolved>();
for (const [v, words] of [
  [true, "y Y yes Yes YES true True TRUE on On ON"],
  [false, "n N no No NO false False FALSE off Off OFF"],
] as const)
  for (const w of words.split(" ")) MAP.set(w, { t: "bool", v });
for (const w of ["", "~", "null", "Null", "NULL"]) MAP.set(w, { t: "null" });
for (const [v, words] of [
  [Number.NaN, ".nan .NaN .NAN"],
  [Number.POSITIVE_INFINITY, ".inf .Inf .INF +.inf +.Inf +.INF"],
  [Number.NEGATIVE_INFINITY, "-.inf -.Inf -.INF"],
] as const)
  for (const w of words.split(" ")) MAP.set(w, { t: "float", v });

const YAML_FLOAT = /^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$/;
const DOT_FLOAT = /^\.[0-9]+([eE][-+]?[0-9]+)?$/;
const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;
const UINT64_MAX = 2n ** 64n - 1n;

export function resolvePlain(s: string): Resolved {
  const c = s.charCodeAt(0);
  // Go's hint table: digits and signs may be numbers, `.` a float, `yYnNtTfFoO~` a word of the map.
  const digitOrSign = (c >= 48 && c <= 57) || c === 43 || c === 45;
  if (!digitOrSign && c !== 46 && !"yYnNtTfFoO~".includes(s[0] ?? "") && s !== "") return { t: "str", v: s };
  const mapped = MAP.get(s);
  if (mapped) return mapped;
  if (c === 46) return DOT_FLOAT.test(s) ? finiteFloat(s) : { t: "str", v: s };
  if (!digitOrSign) return { t: "str", v: s };
  // Timestamps (YYYY-…) resolve, but into an `any` go-yaml keeps them as the string; nothing that
  // starts like one is a number either, so they fall through to the string below.
  const plain = s.includes("_") ? s.replaceAll("_", "") : s;
  const asInt = parseGoInt(plain);
  if (asInt !== undefined) return { t: "int", v: asInt };
  if (YAML_FLOAT.test(plain)) return finiteFloat(plain);
  return { t: "str", v: s };
}

/** ParseFloat fails with ErrRange on overflow, and go-yaml then keeps the text. */
function finiteFloat(s: string): Resolved {
  const v = Number(s);
  return Number.isFinite(v) ? { t: "float", v } : { t: "str", v: s };
}

const DIGITS: Record<number, RegExp> = { 16: /^[0-9a-fA-F]+$/, 10: /^[0-9]+$/, 8: /^[0-7]*$/, 2: /^[01]+$/ };
const SMALL_DECIMAL = /^[-+]?[1-9][0-9]{0,14}$/;

/** strconv.ParseInt(s, 0, 64), else ParseUint(s, 0, 64) (no sign); undefined when both fail. */
function parseGoInt(s: string): bigint | undefined {
  if (SMALL_DECIMAL.test(s)) return BigInt(s);
  let i = 0;
  const sign = s[0] === "-" || s[0] === "+" ? s[i++] : "";
  let base = 10;
  if (s[i] === "0") {
    const p = (s[i + 1] ?? "").toLowerCase();
    if (s.length - i >= 3 && (p === "x" || p === "o" || p === "b")) {
      base = p === "x" ? 16 : p === "o" ? 8 : 2;
      i += 2;
    } else {
      base = 8;
      i += 1;
    }
  }
  const digits = s.slice(i);
  if (!DIGITS[base]?.test(digits)) return undefined;
  const prefix = base === 16 ? "0x" : base === 8 ? "0o" : base === 2 ? "0b" : "";
  const magnitude = digits === "" ? 0n : BigInt(prefix + digits);
  const v = sign === "-" ? -magnitude : magnitude;
  if (v >= INT64_MIN && v <= INT64_MAX) return v;
  return sign === "" && v <= UINT64_MAX ? v : undefined;
}

/** A resolved value as encoding/json hands it on: numbers are float64, Inf/NaN cannot be encoded. */
function toJson(r: Resolved): Json {
  switch (r.t) {
    case "str":
      return r.v;
    case "null":
      return null;
    case "bool":
      return r.v;
    case "int":
      return Number(r.v);
    case "float":
      if (!Number.isFinite(r.v)) throw new Error(`json: unsupported value: ${goFloatName(r.v)}`);
      return r.v;
  }
}

function goFloatName(v: number): string {
  return Number.isNaN(v) ? "NaN" : v > 0 ? "+Inf" : "-Inf";
}

/** sigs.k8s.io/yaml's conversion of a map key to a JSON object key. */
function keyString(r: Resolved): string {
  switch (r.t) {
    case "str":
      return r.v;
    case "bool":
      return String(r.v);
    case "int":
      if (r.v > INT64_MAX) throw new Error(`unsupported map key of type: uint64, key: ${r.v}`);
      return r.v.toString();
    case "float":
      return formatFloat32(r.v);
    case "null":
      throw new Error("unsupported map key of type: <nil> (an empty or null key)");
  }
}

/** strconv.FormatFloat(f, 'g', -1, 32), with Inf/NaN spelled as YAML. */
export function formatFloat32(x: number): string {
  const f = Math.fround(x);
  if (Number.isNaN(f)) return ".nan";
  if (!Number.isFinite(f)) return f > 0 ? ".inf" : "-.inf";
  if (f === 0) return Object.is(f, -0) ? "-0" : "0";
  let m = "";
  for (let p = 1; p <= 9; p++) {
    m = Math.abs(f).toExponential(p - 1);
    if (Math.fround(Number(m)) === Math.abs(f)) break;
  }
  const [mant = "", e = "0"] = m.split("e");
  const d = mant.replace(".", "");
  const exp = Number(e);
  const sign = f < 0 ? "-" : "";
  if (exp < -4 || exp >= 6) {
    const ae = Math.abs(exp);
    return `${sign}${d[0]}${d.length > 1 ? `.${d.slice(1)}` : ""}e${exp < 0 ? "-" : "+"}${ae < 10 ? "0" : ""}${ae}`;
  }
  const dp = exp + 1;
  if (dp <= 0) return `${sign}0.${"0".repeat(-dp)}${d}`;
  if (dp >= d.length) return `${sign}${d}${"0".repeat(dp - d.length)}`;
  return `${sign}${d.slice(0, dp)}.${d.slice(dp)}`;
}

function setKey(obj: JsonObject, key: string, value: Json): void {
  if (key === "__proto__")
    Object.defineProperty(obj, key, { value, enumerable: true, writable: true, configurable: true });
  else obj[key] = value;
}

const GO_YAML: Rules = {
  plain: (s) => toJson(resolvePlain(s)),
  key: (s) => keyString(resolvePlain(s)),
  escapes: ESCAPES,
  set: setKey,
  strictIndent: false,
};

// ---------------------------------------------------------------------------------------------
// The general path: the `yaml` package parses, every scalar as text; go-yaml's rules are applied here.

const MAX_ALIAS_COUNT = 100;

function parseGeneral(original: string): Result<Json> {
  const text = withGoEscapes(original);
  let docs: ReturnType<typeof parseAllDocuments>;
  try {
    docs = parseAllDocuments(text, {
      schema: "failsafe",
      uniqueKeys: false,
      merge: false,
      prettyErrors: false,
      logLevel: "silent",
    });
  } catch (e) {
    return err(e instanceof RangeError ? "document is nested too deeply to parse" : `not valid YAML: ${e}`);
  }
  // go-yaml reads the first document only.
  const doc = Array.isArray(docs) ? docs[0] : undefined;
  if (!doc) return ok(null);
  const problem = doc.errors[0];
  if (problem) {
    const line = problem.linePos?.[0]?.line ?? lineAt(text, problem.pos[0]);
    return err(`not valid YAML: line ${line}: ${problem.message.split("\n")[0]}`);
  }
  const walker = { aliases: 0, ancestors: new Set<Node>(), doc };
  try {
    return ok(walk(doc.contents as Node | null, 1, walker));
  } catch (e) {
    const at = e instanceof NodeError ? `line ${lineAt(text, e.offset)}: ` : "";
    return err(`not valid YAML: ${at}${e instanceof Error ? e.message : String(e)}`);
  }
}

/**
 * go-yaml reads `\'` in a double-quoted scalar as `'` (libyaml's escapes, as the fast path has them);
 * the `yaml` package refuses it, so it is given those escapes as the quote itself. Only double-quoted
 * scalars' tokens are touched, and no line changes.
 */
function withGoEscapes(text: string): string {
  if (!text.includes("\\'")) return text;
  let out = "";
  for (const token of new Lexer().lex(text)) {
    // The lexer's control tokens mark structure; they are not text.
    if (token === "\x02" || token === "\x18" || token === "\x1f") continue;
    out += token.startsWith('"') ? token.replace(/\\([\s\S])/g, (m, c) => (c === "'" ? "'" : m)) : token;
  }
  return out;
}

class NodeError extends Error {
  constructor(
    message: string,
    readonly offset: number,
  ) {
    super(message);
  }
}

function lineAt(text: string, offset: number): number {
  let line = 1;
  for (let i = text.indexOf("\n"); i >= 0 && i < offset; i = text.indexOf("\n", i + 1)) line++;
  return line;
}

interface Walker {
  aliases: number;
  ancestors: Set<Node>;
  doc: { contents: unknown };
}

function offsetOf(node: Node | null | undefined): number {
  return node?.range?.[0] ?? 0;
}

function walk(node: Node | null, depth: number, w: Walker): Json {
  if (node === null || node === undefined) return null;
  if (depth > MAX_DEPTH && (isMap(node) || isSeq(node)))
    throw new Error(`document is nested deeper than ${MAX_DEPTH} levels`);
  const wrap = (f: () => Json): Json => {
    try {
      return f();
    } catch (e) {
      if (e instanceof NodeError || !(e instanceof Error)) throw e;
      throw new NodeError(e.message, offsetOf(node));
    }
  };
  if (isAlias(node)) {
    if (++w.aliases > MAX_ALIAS_COUNT) throw new NodeError("too many aliases", offsetOf(node));
    const target = node.resolve(w.doc as never) as Node | undefined;
    if (!target) throw new NodeError(`unknown anchor '${node.source}' referenced`, offsetOf(node));
    if (w.ancestors.has(target))
      throw new NodeError("an alias refers to a node that contains it", offsetOf(node));
    return walk(target, depth, w);
  }
  if (isScalar(node)) return wrap(() => toJson(scalarOf(node)));
  w.ancestors.add(node);
  try {
    if (isSeq(node)) return node.items.map((item) => walk(item as Node, depth + 1, w));
    if (isMap(node)) {
      const obj: JsonObject = {};
      for (const pair of node.items) {
        const k = pair.key as Node | null;
        if (isScalar(k) && k.type === Scalar.PLAIN && !k.tag && k.value === "<<") {
          merge(obj, pair.value as Node | null, depth, w);
          continue;
        }
        let key: string;
        try {
          key = mapKey(k, w);
        } catch (e) {
          throw new NodeError(e instanceof Error ? e.message : String(e), offsetOf(k ?? node));
        }
        setKey(obj, key, walk(pair.value as Node | null, depth + 1, w));
      }
      return obj;
    }
  } finally {
    w.ancestors.delete(node);
  }
  throw new NodeError("unsupported YAML node", offsetOf(node));
}

function mapKey(k: Node | null, w: Walker): string {
  let key = k;
  if (isAlias(key)) key = key.resolve(w.doc as never) as Node | null;
  if (key === null || key === undefined) return keyString({ t: "null" });
  if (!isScalar(key)) throw new Error("invalid map key: a mapping or sequence");
  return keyString(scalarOf(key));
}

/** go-yaml's `<<`: a mapping, or a sequence of them where earlier ones win; explicit later keys win. */
function merge(obj: JsonObject, value: Node | null, depth: number, w: Walker): void {
  const sources = isSeq(value) ? [...value.items].reverse() : [value];
  for (const src of sources) {
    const m = walk(src as Node | null, depth, w);
    if (m === null || typeof m !== "object" || Array.isArray(m))
      throw new NodeError("map merge requires map or sequence of maps as the value", offsetOf(value));
    for (const [k, v] of Object.entries(m)) setKey(obj, k, v);
  }
}

const TAG = "tag:yaml.org,2002:";

/** A scalar by go-yaml: quoted and block scalars are strings, plain ones resolve; explicit tags apply. */
function scalarOf(node: Scalar): Resolved {
  const text = String(node.value ?? "");
  const tag = node.tag;
  const plain = node.type === Scalar.PLAIN || node.type === undefined;
  if (!tag || tag === "!") return plain && tag !== "!" ? resolvePlain(text) : { t: "str", v: text };
  if (!tag.startsWith(TAG)) return { t: "str", v: text };
  const name = tag.slice(TAG.length);
  if (name === "str" || name === "timestamp") return { t: "str", v: text };
  if (name === "binary") return { t: "str", v: decodeBase64(text) };
  if (name !== "int" && name !== "float" && name !== "bool") return { t: "str", v: text };
  const r = resolvePlain(text);
  if (r.t === name) return r;
  if (name === "float" && r.t === "int") return { t: "float", v: Number(r.v) };
  throw new Error(`cannot decode !!${r.t} \`${text}\` as a !!${name}`);
}

function decodeBase64(text: string): string {
  const clean = text.replace(/\s+/g, "");
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(clean) || clean.length % 4 !== 0)
    throw new Error("!!binary value contains invalid base64 data");
  const bytes = Uint8Array.from(atob(clean), (ch) => ch.charCodeAt(0));
  return new TextDecoder().decode(bytes);
}
