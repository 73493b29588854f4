import Handlebars from "handlebars/dist/cjs/handlebars.js";
import { sortKeysDeep, sprint, truthy } from "./helpers.ts";

/**
 * The runtime of Go-syntax templates translated by gotemplate.ts: field lookup with Go names,
 * variables, range/with with Go's semantics, and the context-aware output of each action.
 */

const { SafeString } = Handlebars;
type Options = Handlebars.HelperOptions;

const isRecord = (v: unknown): v is Record<string, unknown> =>
  typeof v === "object" && v !== null && !Array.isArray(v) && !(v instanceof SafeString);

/** A Go template variable: block params hold the box, so `$x = …` inside a loop is seen after it. */
export class Box {
  constructor(public v: unknown) {}
}

const unbox = (v: unknown) => (v instanceof Box ? v.v : v);

/** Go's exported field name → the JSON name Outrigger's data uses (`APIVersion` → `apiVersion`). */
export function jsonName(field: string): string {
  const m = /^([A-Z]+)(?=[A-Z][a-z]|$)/.exec(field);
  if (m?.[1]) return m[1].toLowerCase() + field.slice(m[1].length);
  return field.charAt(0).toLowerCase() + field.slice(1);
}

/**
 * `.A.B` on a value: a map key as written; else a struct field by its JSON name; proto getters
 * (`GetX`) read field X; `GetValue` (wrappers) and `String` (enums) give the value itself, since
 * Outrigger holds protos as their JSON values. Missing gives undefined (Go prints `<no value>`).
 */
export function field(base?: unknown, ...names: unknown[]): unknown {
  let cur = unbox(base);
  for (const raw of names.slice(0, -1)) {
    const name = String(raw);
    if (isRecord(cur)) {
      if (Object.hasOwn(cur, name)) cur = cur[name];
      else if (Object.hasOwn(cur, jsonName(name))) cur = cur[jsonName(name)];
      else if (/^Get[A-Z]/.test(name) && name !== "GetValue") cur = field(cur, name.slice(3), {});
      else if (name !== "GetValue" && name !== "String") cur = undefined;
    } else if (name === "GetValue" || name === "String") {
      cur = name === "String" && cur !== undefined && cur !== null ? sprint(cur) : cur;
    } else return undefined;
  }
  return cur;
}

function frame(options: Options): unknown {
  return Handlebars.createFrame(options.data ?? {});
}

/** `{{ $x := v }}…` until the end of the enclosing block. */
function bind(this: unknown, value: unknown, options: Options): string {
  return options.fn(this, { data: frame(options), blockParams: [new Box(value)] });
}

/** `{{ $x = v }}`: assignment to a declared variable; writes nothing. */
function set(box: unknown, value: unknown): string {
  if (box instanceof Box) box.v = value;
  return "";
}

/** A template renders per admission: a loop over a number is capped well above any real use. */
const MAX_RANGE = 10_000;

/** Go's range: lists in order, maps in key order, an integer n as 0…n-1; `{{else}}` when empty. */
function range(this: unknown, value: unknown, options: Options): string {
  const v = unbox(value);
  if (typeof v === "number" && v > MAX_RANGE)
    throw new Error(`range over ${v}: more than ${MAX_RANGE} iterations`);
  let items: [unknown, unknown][] = [];
  if (Array.isArray(v)) items = v.map((x, i) => [i, x]);
  else if (isRecord(v))
    items = Object.keys(v)
      .sort()
      .map((k) => [k, v[k]]);
  else if (typeof v === "number" && Number.isInteger(v) && v > 0)
    items = Array.from({ length: v }, (_x, i) => [i, i]);
  if (items.length === 0) return options.inverse(this);
  let out = "";
  for (const [k, x] of items) {
    out += options.fn(x, { data: frame(options), blockParams: [new Box(x), new Box(k)] });
  }
  return out;
}

/** Go's with: the block runs with dot set to the value, unless the value is empty. */
function withHelper(this: unknown, value: unknown, options: Options): string {
  const v = unbox(value);
  if (!truthy(v)) return options.inverse(this);
  return options.fn(v, { data: frame(options), blockParams: [new Box(v)] });
}

// ---------------------------------------------------------------------------------------------------
// Output, by YAML context (see gotemplate.ts).

const UNSAFE = /[\u007f-\u009f\u2028\u2029\ufeff\ufffe\uffff]/g;
const escapeUnsafe = (s: string) =>
  s.replace(UNSAFE, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`);

/** What Go would print for a value. */
function text(v: unknown): string {
  const x = unbox(v);
  if (x === undefined) return "";
  if (x instanceof SafeString) return x.toString();
  if (isRecord(x) || Array.isArray(x)) return sprint(sortKeysDeep(x));
  return sprint(x);
}

// A plain scalar YAML reads back as exactly one scalar: no indicator first, no `: ` or ` #`, no flow
// characters, no line break, no leading or trailing space.
const PLAIN_SAFE = /^[A-Za-z0-9_./$(~+=^;][A-Za-z0-9_./$()~+=^;@%*!&?<>:-]*$/;
const PLAIN_PART = /^[A-Za-z0-9_./$()~+=^;@%-]*$/;

function plainSafe(s: string): boolean {
  // `...` at the start of a line would end the YAML document.
  return PLAIN_SAFE.test(s) && !s.endsWith(":") && !s.startsWith("...");
}

function fail(what: string, v: string): never {
  throw new Error(`value ${JSON.stringify(v.slice(0, 60))} cannot be written ${what}`);
}

/** A whole plain scalar: as Go writes it when YAML reads it back as one scalar, else quoted. */
function outFull(v: unknown): InstanceType<typeof SafeString> {
  const x = unbox(v);
  if (x instanceof SafeString) return x;
  if (x === undefined || x === null) return new SafeString("");
  if (typeof x === "number" || typeof x === "boolean") return new SafeString(String(x));
  const s = text(x);
  return new SafeString(s === "" || plainSafe(s) ? s : escapeUnsafe(JSON.stringify(s)));
}

/** Part of a plain scalar: only characters that cannot end it or change its meaning. */
function outPart(v: unknown): string {
  const x = unbox(v);
  // Structure a serializer built (toYaml, and indent/nindent over it) goes in as it is.
  if (x instanceof SafeString) return x.toString();
  const s = text(x);
  if (!PLAIN_PART.test(s)) fail("unquoted inside a YAML scalar; quote the scalar in the template", s);
  return s;
}

/** Inside "…": escaped as a JSON string body. */
function outDq(v: unknown): string {
  return escapeUnsafe(JSON.stringify(text(v)).slice(1, -1));
}

/** Inside '…': quotes doubled; no line breaks. */
function outSq(v: unknown): string {
  const s = text(v);
  if (/[\r\n]/.test(s)) fail("inside a single-quoted YAML scalar (it has a line break)", s);
  return s.replace(/'/g, "''");
}

/** A line of a block scalar whose header is indented `indent`: every further line must stay inside. */
function outBlock(v: unknown, indent: unknown): string {
  const s = text(v);
  const min = Number(indent);
  for (const line of s.split(/\r?\n/).slice(1)) {
    if (line.trim() !== "" && (/^ */.exec(line)?.[0].length ?? 0) <= min)
      fail("in this block scalar (a line would leave the block; indent it)", s);
  }
  return s;
}

function outComment(v: unknown): string {
  return text(v).replace(/[\r\n\u2028\u2029]+/g, " ");
}

/** `quote`: a double-quoted YAML scalar (Go's %q is a JSON-compatible quoting for text). */
function goQuote(...args: unknown[]): InstanceType<typeof SafeString> {
  const parts = args
    .filter((a) => unbox(a) !== null && unbox(a) !== undefined)
    .map((a) => escapeUnsafe(JSON.stringify(text(a))));
  return new SafeString(parts.join(" "));
}

function goSquote(...args: unknown[]): InstanceType<typeof SafeString> {
  const parts = args
    .filter((a) => unbox(a) !== null && unbox(a) !== undefined)
    .map((a) => {
      const s = text(a);
      return /[\r\n]/.test(s) ? escapeUnsafe(JSON.stringify(s)) : `'${s.replace(/'/g, "''")}'`;
    });
  return new SafeString(parts.join(" "));
}

const plain = (args: unknown[]) => args.slice(0, -1);

/** The Go-mode helpers, registered next to the common ones. */
export const goHelpers: Record<string, (...args: unknown[]) => unknown> = {
  __s: (hex) => Buffer.from(String(hex), "hex").toString("utf8"),
  __field: (...args) => field(...args),
  __var: (box) => unbox(box),
  __bind: bind as (...args: unknown[]) => unknown,
  __set: (box, value) => set(box, unbox(value)),
  __range: range as (...args: unknown[]) => unknown,
  __with: withHelper as (...args: unknown[]) => unknown,
  __go_full: (v) => outFull(v),
  __go_raw: (v) => unbox(v),
  __go_part: (v) => outPart(v),
  __go_dq: (v) => outDq(v),
  __go_sq: (v) => outSq(v),
  __go_block: (v, indent) => outBlock(v, indent),
  __go_comment: (v) => outComment(v),
  __go_quote: (...args) => goQuote(...plain(args)),
  __go_squote: (...args) => goSquote(...plain(args)),
  __go_println: (...args) => `${plain(args).map(text).join(" ")}\n`,
};
