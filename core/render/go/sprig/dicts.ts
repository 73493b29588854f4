/**
 * Sprig v3.3.0's dictionary functions (dict.go, mergo v1.0.1 for merge) and its JSON functions
 * (defaults.go, encoding/json). A dict is a Go map, a reference: `set $d "k" "v"` changes `$d` for
 * everyone holding it, so these functions write into the very object they are given.
 */
import { clone } from "../../../json.ts";
import { argMap, argString, nilIfMissing, stringSlice, strval } from "../args.ts";
import { typeString } from "../fmt.ts";
import { marshalJSON } from "../gojson.ts";
import { ANY, GoError, type GoFunc, type GoValue, isPlainMap, sortedKeys, Typed } from "../values.ts";
import { arity } from "./misc.ts";

type Dict = Record<string, GoValue>;

const NIL_MAP: GoValue = new Typed({ kind: "map", elem: ANY }, null);

/** A new map[string]interface{}; put() keeps a `__proto__` key as plain data, as every key is in Go. */
const newDict = (): Dict => ({});

function put(d: Dict, k: string, v: GoValue): void {
  if (k === "__proto__")
    Object.defineProperty(d, k, { value: v, enumerable: true, writable: true, configurable: true });
  else d[k] = v;
}

const has = (d: Dict | undefined, k: string): boolean => d !== undefined && Object.hasOwn(d, k);
const at = (d: Dict, k: string): GoValue => nilIfMissing(d[k]);

function dict(...args: GoValue[]): GoValue {
  const out = newDict();
  for (let i = 0; i < args.length; i += 2) {
    const key = strval(nilIfMissing(args[i]));
    put(out, key, i + 1 < args.length ? nilIfMissing(args[i + 1]) : "");
  }
  return out;
}

// ---------------------------------------------------------------------------------------------------
// mergo: Merge fills keys that are missing or zero in dst; MergeWithOverwrite lets src win. Maps
// found on both sides merge recursively, in place.

function isZero(v: GoValue): boolean {
  if (v === undefined || v === null) return true;
  if (typeof v === "string") return v === "";
  if (typeof v === "boolean") return !v;
  if (typeof v === "number") return v === 0;
  if (typeof v === "bigint") return v === 0n;
  if (Array.isArray(v)) return v.length === 0;
  if (v instanceof Typed) {
    if (v.type.kind === "slice") return !Array.isArray(v.raw) || v.raw.length === 0;
    if (v.type.kind === "map") return !isPlainMap(v.raw) || Object.keys(v.raw).length === 0;
    if (v.type.kind === "ptr" || v.type.kind === "duration") return v.raw === null || v.raw === undefined;
    return false;
  }
  return Object.keys(v).length === 0;
}

const isMapValue = (v: GoValue): v is Dict => isPlainMap(v);
const isSliceValue = (v: GoValue): boolean =>
  Array.isArray(v) || (v instanceof Typed && v.type.kind === "slice" && Array.isArray(v.raw));

function deepMerge(dst: Dict, src: Dict, overwrite: boolean, depth: number): void {
  if (depth > 1000) throw new GoError("merge: maps nested too deeply");
  for (const k of Object.keys(src)) {
    const s = at(src, k);
    const present = has(dst, k);
    const d = present ? at(dst, k) : undefined;
    if (s === null) {
      if (overwrite) put(dst, k, null);
      continue;
    }
    if (isMapValue(s) && d !== undefined && isMapValue(d)) deepMerge(d, s, overwrite, depth + 1);
    if (present && !isZero(d as GoValue)) {
      if (isSliceValue(s) && !overwrite) continue;
      if (isMapValue(s) && isMapValue(d as GoValue)) continue;
    }
    if (overwrite || !present || isZero(d as GoValue)) put(dst, k, s);
  }
}

function merge(name: string, overwrite: boolean): GoFunc {
  return (...args) => {
    arity(name, args, 1, Number.POSITIVE_INFINITY);
    let dst = argMap(args[0], name);
    for (const a of args.slice(1)) {
      const src = argMap(a, name);
      if (src === undefined) continue;
      dst ??= newDict();
      deepMerge(dst, src, overwrite, 0);
    }
    return dst ?? NIL_MAP;
  };
}

// ---------------------------------------------------------------------------------------------------

/** copystructure.Copy: a deep copy, declared values keeping their type. */
function deepCopy(v: GoValue): GoValue {
  if (v === undefined) return null;
  if (v instanceof Typed) return new Typed(v.type, clone(v.raw));
  if (Array.isArray(v)) return v.map(deepCopy);
  if (isPlainMap(v)) {
    const out = newDict();
    for (const k of Object.keys(v)) put(out, k, deepCopy(at(v, k)));
    return out;
  }
  return v;
}

/** `x.(T)`'s panic for a failed type assertion on an interface{}. */
function assertion(v: GoValue, want: string): GoError {
  return new GoError(
    `interface conversion: interface {} is ${v === null || v === undefined ? "nil" : typeString(v)}, not ${want}`,
  );
}

function dig(...args: GoValue[]): GoValue {
  if (args.length < 3) throw new GoError("dig needs at least three arguments");
  const last = nilIfMissing(args[args.length - 1]);
  if (!isPlainMap(last)) throw assertion(last, "map[string]interface {}");
  const def = nilIfMissing(args[args.length - 2]);
  const keys = args.slice(0, -2).map((k) => {
    if (typeof k !== "string") throw assertion(nilIfMissing(k), "string");
    return k;
  });
  let d: Dict = last;
  for (let i = 0; ; i++) {
    const k = keys[i] as string;
    if (!Object.hasOwn(d, k)) return def;
    const step = at(d, k);
    if (i === keys.length - 1) return step;
    if (!isPlainMap(step)) throw assertion(step, "map[string]interface {}");
    d = step;
  }
}

// ---------------------------------------------------------------------------------------------------
// JSON

/** json.Indent(…, "", "  ") over compact JSON, as json.MarshalIndent writes it. */
export function indentJSON(compact: string): string {
  let out = "";
  let depth = 0;
  let inString = false;
  const nl = () => `\n${"  ".repeat(depth)}`;
  for (let i = 0; i < compact.length; i++) {
    const c = compact[i] as string;
    if (inString) {
      out += c;
      if (c === "\\") out += compact[++i] ?? "";
      else if (c === '"') inString = false;
      continue;
    }
    switch (c) {
      case '"':
        inString = true;
        out += c;
        break;
      case "{":
      case "[": {
        const close = c === "{" ? "}" : "]";
        if (compact[i + 1] === close) {
          out += c + close;
          i++;
        } else {
          depth++;
          out += c + nl();
        }
        break;
      }
      case "}":
      case "]":
        depth--;
        out += nl() + c;
        break;
      case ",":
        out += c + nl();
        break;
      case ":":
        out += ": ";
        break;
      default:
        out += c;
    }
  }
  return out;
}

/** encoding/json with SetEscapeHTML(false): `<`, `>` and `&` written as they are. */
const unescapeHTML = (json: string): string =>
  json.replace(/\\(\\|u003c|u003e|u0026)/g, (m, e: string) =>
    e === "\\" ? m : e === "u003c" ? "<" : e === "u003e" ? ">" : "&",
  );

function marshal(v: GoValue): string {
  const r = marshalJSON(nilIfMissing(v));
  if (!r.ok) throw new GoError(r.error);
  return r.value;
}

function jsonSyntaxError(text: string, e: unknown): string {
  const msg = e instanceof Error ? e.message : "";
  // V8's wording differs between Node versions: "… at position N" or "Unexpected token 'x', …".
  const pos = /position (\d+)/.exec(msg);
  const token = /Unexpected token '?(.)/.exec(msg);
  if (text.trim() === "" || /end of JSON input|Unterminated/i.test(msg) || (!pos && !token))
    return "unexpected end of JSON input";
  const ch = pos ? (text[Number(pos[1])] ?? "") : (token?.[1] ?? "");
  if (/after JSON/.test(msg)) return `invalid character '${ch}' after top-level value`;
  return `invalid character '${ch}' looking for beginning of value`;
}

function unmarshal(text: string): GoValue {
  try {
    return JSON.parse(text) as GoValue;
  } catch (e) {
    throw new GoError(jsonSyntaxError(text, e));
  }
}

function oneArg(name: string, f: (v: GoValue) => GoValue): GoFunc {
  return (...args) => {
    arity(name, args, 1);
    return f(args[0]);
  };
}

function swallow(f: () => GoValue, fallback: GoValue): GoValue {
  try {
    return f();
  } catch (e) {
    if (e instanceof GoError) return fallback;
    throw e;
  }
}

export const dictFuncs: Record<string, GoFunc> = {
  dict,
  get: (...args) => {
    arity("get", args, 2);
    const d = argMap(args[0], "get");
    const k = argString(args[1], "get");
    return d !== undefined && has(d, k) ? at(d, k) : "";
  },
  set: (...args) => {
    arity("set", args, 3);
    const d = argMap(args[0], "set");
    if (d === undefined) throw new GoError("assignment to entry in nil map");
    put(d, argString(args[1], "set"), nilIfMissing(args[2]));
    return d;
  },
  unset: (...args) => {
    arity("unset", args, 2);
    const d = argMap(args[0], "unset");
    const k = argString(args[1], "unset");
    if (d === undefined) return NIL_MAP;
    delete d[k];
    return d;
  },
  hasKey: (...args) => {
    arity("hasKey", args, 2);
    return has(argMap(args[0], "hasKey"), argString(args[1], "hasKey"));
  },
  pluck: (...args) => {
    arity("pluck", args, 1, Number.POSITIVE_INFINITY);
    const k = argString(args[0], "pluck");
    const out: GoValue[] = [];
    for (const a of args.slice(1)) {
      const d = argMap(a, "pluck");
      if (d !== undefined && has(d, k)) out.push(at(d, k));
    }
    return out;
  },
  // Go ranges over a map in random order; sorted keys are one of its possible answers, and stable.
  keys: (...args) => stringSlice(args.flatMap((a) => sortedKeys(argMap(a, "keys") ?? {}))),
  values: (...args) => {
    arity("values", args, 1);
    const d = argMap(args[0], "values") ?? {};
    return sortedKeys(d).map((k) => at(d, k));
  },
  pick: (...args) => {
    arity("pick", args, 1, Number.POSITIVE_INFINITY);
    const d = argMap(args[0], "pick");
    const out = newDict();
    for (const a of args.slice(1)) {
      const k = argString(a, "pick");
      if (d !== undefined && has(d, k)) put(out, k, at(d, k));
    }
    return out;
  },
  omit: (...args) => {
    arity("omit", args, 1, Number.POSITIVE_INFINITY);
    const d = argMap(args[0], "omit") ?? {};
    const drop = new Set(args.slice(1).map((a) => argString(a, "omit")));
    const out = newDict();
    for (const k of Object.keys(d)) if (!drop.has(k)) put(out, k, at(d, k));
    return out;
  },
  merge: merge("merge", false),
  mustMerge: merge("mustMerge", false),
  mergeOverwrite: merge("mergeOverwrite", true),
  mustMergeOverwrite: merge("mustMergeOverwrite", true),
  deepCopy: oneArg("deepCopy", deepCopy),
  mustDeepCopy: oneArg("mustDeepCopy", deepCopy),
  dig,
  toJson: oneArg("toJson", (v) => swallow(() => marshal(v), "")),
  mustToJson: oneArg("mustToJson", marshal),
  toPrettyJson: oneArg("toPrettyJson", (v) => swallow(() => indentJSON(marshal(v)), "")),
  mustToPrettyJson: oneArg("mustToPrettyJson", (v) => indentJSON(marshal(v))),
  toRawJson: oneArg("toRawJson", (v) => unescapeHTML(marshal(v))),
  mustToRawJson: oneArg("mustToRawJson", (v) => unescapeHTML(marshal(v))),
  fromJson: oneArg("fromJson", (v) => {
    const text = argString(v, "fromJson");
    return swallow(() => unmarshal(text), null);
  }),
  mustFromJson: oneArg("mustFromJson", (v) => unmarshal(argString(v, "mustFromJson"))),
};
