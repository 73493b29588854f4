import { randomInt, randomUUID } from "node:crypto";
import { argInt, argMap, argString, stringSlice } from "../args.ts";
import { typeString } from "../fmt.ts";
import { GoError, type GoFunc, type GoValue, kindOf, Typed, toPlain } from "../values.ts";

/**
 * Sprig's randomness, reflection, environment, network, path and URL functions.
 *
 * Deliberate departures from istiod, because a webhook template must not read the host: `env` and
 * `expandenv` see an empty environment (a function's environment holds its tokens and config; Istio's
 * own `env` replaces Sprig's in the injection map anyway), and `getHostByName` returns "" without
 * asking DNS. See docs/go-templates.md.
 */

// ---------------------------------------------------------------------------------------------------
// Helpers shared by the part-2 modules

/** Go's reflect call checks the argument count before anything else. */
export function arity(name: string, args: GoValue[], min: number, max = min): void {
  if (args.length < min || args.length > max) {
    const want = max === Number.POSITIVE_INFINITY ? `at least ${min}` : String(min);
    throw new GoError(`wrong number of args for ${name}: want ${want} got ${args.length}`);
  }
}

export { stringSlice };

/** Largest string the random generators produce: `randAlpha 1000000000` must not exhaust memory. */
export const MAX_RANDOM_LENGTH = 1 << 20;

function countArg(name: string, v: GoValue): number {
  const n = argInt(v, name);
  if (n > MAX_RANDOM_LENGTH)
    throw new GoError(`${name}: ${n} is above Outrigger's limit of ${MAX_RANDOM_LENGTH}`);
  return n;
}

function randomFrom(name: string, alphabet: string): GoFunc {
  return (...args) => {
    arity(name, args, 1);
    const n = countArg(name, args[0]);
    let out = "";
    // goutils returns an error for a negative count, which Sprig drops: "".
    for (let i = 0; i < n; i++) out += alphabet[randomInt(alphabet.length)];
    return out;
  };
}

const UPPER = "ABCDEFGHIJKLMNOPQRSTUVWXYZ";
const LOWER = "abcdefghijklmnopqrstuvwxyz";
const DIGITS = "0123456789";
const PRINTABLE_ASCII = Array.from({ length: 95 }, (_, i) => String.fromCharCode(32 + i)).join("");

// ---------------------------------------------------------------------------------------------------
// Reflection

/** reflect.Kind's name for a value (`invalid` for nil: reflect.ValueOf(nil) is the zero Value). */
export function reflectKind(v: GoValue): string {
  if (v instanceof Typed) {
    const t = v.type;
    switch (t.kind) {
      case "int":
      case "int32":
      case "int64":
      case "uint32":
      case "uint64":
      case "string":
      case "bool":
        return t.kind;
      case "float64":
        return "float64";
      case "enum":
        return "int32";
      case "duration":
        return "ptr";
      case "interface":
        return reflectKind(toPlain(v) as GoValue);
      default:
        return t.kind;
    }
  }
  const k = kindOf(v);
  switch (k) {
    case "invalid":
    case "nil":
      return "invalid";
    case "float":
      return "float64";
    default:
      return k;
  }
}

/** reflect.DeepEqual: the same dynamic type and deeply equal contents (NaN is unequal to itself). */
export function deepEqual(a: GoValue, b: GoValue): boolean {
  if (typeString(a) !== typeString(b)) return false;
  return plainEqual(toPlain(a), toPlain(b));
}

function plainEqual(a: unknown, b: unknown): boolean {
  if (Array.isArray(a) || Array.isArray(b)) {
    return (
      Array.isArray(a) && Array.isArray(b) && a.length === b.length && a.every((x, i) => plainEqual(x, b[i]))
    );
  }
  if (typeof a === "object" && a !== null && typeof b === "object" && b !== null) {
    const ka = Object.keys(a);
    const kb = Object.keys(b);
    return (
      ka.length === kb.length &&
      ka.every(
        (k) =>
          Object.hasOwn(b, k) &&
          plainEqual((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]),
      )
    );
  }
  return a === b;
}

// ---------------------------------------------------------------------------------------------------
// Environment

/** os.Expand's `$name` / `${name}` / shell-special syntax, every name mapping to "" (empty environment). */
export function expandEnv(s: string, lookup: (name: string) => string = () => ""): string {
  const special = (c: string | undefined) => c !== undefined && /^[*#$@!?\-0-9]$/.test(c);
  let out = "";
  let i = 0;
  for (let j = 0; j < s.length; j++) {
    if (s[j] !== "$" || j + 1 >= s.length) continue;
    out += s.slice(i, j);
    const rest = s.slice(j + 1);
    let name = "";
    let w = 0;
    if (rest[0] === "{") {
      if (rest.length > 2 && special(rest[1]) && rest[2] === "}") [name, w] = [rest[1] as string, 3];
      else {
        const close = rest.indexOf("}", 1);
        if (close === 1) w = 2;
        else if (close > 1) [name, w] = [rest.slice(1, close), close + 1];
        else w = 1;
      }
    } else if (special(rest[0])) [name, w] = [rest[0] as string, 1];
    else {
      const m = /^[A-Za-z0-9_]*/.exec(rest) as RegExpExecArray;
      [name, w] = [m[0], m[0].length];
    }
    if (name === "" && w === 0)
      out += "$"; // `$` not followed by a name stays
    else if (name !== "") out += lookup(name);
    j += w;
    i = j + 1;
  }
  return i === 0 && out === "" ? s : out + s.slice(i);
}

// ---------------------------------------------------------------------------------------------------
// Paths (Go's `path`; `path/filepath` on Linux, where istiod runs, is the same)

export function cleanPath(p: string): string {
  if (p === "") return ".";
  const rooted = p.startsWith("/");
  const out: string[] = [];
  for (const seg of p.split("/")) {
    if (seg === "" || seg === ".") continue;
    if (seg === "..") {
      if (out.length > 0 && out[out.length - 1] !== "..") out.pop();
      else if (!rooted) out.push("..");
    } else out.push(seg);
  }
  const joined = (rooted ? "/" : "") + out.join("/");
  return joined === "" ? "." : joined;
}

export function basePath(p: string): string {
  if (p === "") return ".";
  const t = p.replace(/\/+$/, "");
  if (t === "") return "/";
  return t.slice(t.lastIndexOf("/") + 1);
}

export const dirPath = (p: string): string => cleanPath(p.slice(0, p.lastIndexOf("/") + 1));

export function extPath(p: string): string {
  for (let i = p.length - 1; i >= 0 && p[i] !== "/"; i--) if (p[i] === ".") return p.slice(i);
  return "";
}

const stringFn =
  (name: string, f: (s: string) => GoValue): GoFunc =>
  (...args) => {
    arity(name, args, 1);
    return f(argString(args[0], name));
  };

// ---------------------------------------------------------------------------------------------------
// The template functions

export const miscFuncs: Record<string, GoFunc> = {
  randAlphaNum: randomFrom("randAlphaNum", UPPER + LOWER + DIGITS),
  randAlpha: randomFrom("randAlpha", UPPER + LOWER),
  randNumeric: randomFrom("randNumeric", DIGITS),
  randAscii: randomFrom("randAscii", PRINTABLE_ASCII),
  randInt: (...args) => {
    arity("randInt", args, 2);
    const min = argInt(args[0], "randInt");
    const max = argInt(args[1], "randInt");
    // rand.Intn panics on n <= 0; text/template turns the panic into an error.
    if (max - min <= 0) throw new GoError("invalid argument to Intn");
    if (max - min > 2 ** 48 - 1) return min + Math.floor(Math.random() * (max - min));
    return min + randomInt(max - min);
  },
  shuffle: stringFn("shuffle", (s) => {
    const runes = [...s];
    for (let i = runes.length - 1; i > 0; i--) {
      const j = randomInt(i + 1);
      [runes[i], runes[j]] = [runes[j] as string, runes[i] as string];
    }
    return runes.join("");
  }),
  uuidv4: (...args) => {
    arity("uuidv4", args, 0);
    return randomUUID();
  },

  typeOf: (...args) => {
    arity("typeOf", args, 1);
    return typeString(args[0]);
  },
  typeIs: (...args) => {
    arity("typeIs", args, 2);
    return argString(args[0], "typeIs") === typeString(args[1]);
  },
  typeIsLike: (...args) => {
    arity("typeIsLike", args, 2);
    const target = argString(args[0], "typeIsLike");
    const t = typeString(args[1]);
    return target === t || `*${target}` === t;
  },
  kindOf: (...args) => {
    arity("kindOf", args, 1);
    return reflectKind(args[0]);
  },
  kindIs: (...args) => {
    arity("kindIs", args, 2);
    return argString(args[0], "kindIs") === reflectKind(args[1]);
  },
  deepEqual: (...args) => {
    arity("deepEqual", args, 2);
    return deepEqual(args[0], args[1]);
  },

  env: stringFn("env", () => ""),
  expandenv: stringFn("expandenv", (s) => expandEnv(s)),
  getHostByName: stringFn("getHostByName", () => ""),

  base: stringFn("base", basePath),
  dir: stringFn("dir", dirPath),
  clean: stringFn("clean", cleanPath),
  ext: stringFn("ext", extPath),
  isAbs: stringFn("isAbs", (p) => p.startsWith("/")),
  osBase: stringFn("osBase", basePath),
  osDir: stringFn("osDir", dirPath),
  osClean: stringFn("osClean", cleanPath),
  osExt: stringFn("osExt", extPath),
  osIsAbs: stringFn("osIsAbs", (p) => p.startsWith("/")),
};

// ---------------------------------------------------------------------------------------------------
// URLs (Go's net/url Parse and URL.String, which WHATWG URL does not reproduce: Go keeps the path
// as written, never adds a trailing `/`, and keeps opaque forms like `mailto:x`)

type Enc = "path" | "host" | "user" | "fragment";

function shouldEscape(c: number, mode: Enc): boolean {
  if ((c >= 97 && c <= 122) || (c >= 65 && c <= 90) || (c >= 48 && c <= 57)) return false;
  const ch = String.fromCharCode(c);
  if (mode === "host" && "!$&'()*+,;=:[]<>\"".includes(ch)) return false;
  if ("-_.~".includes(ch)) return false;
  if ("$&+,/:;=?@".includes(ch)) {
    if (mode === "path") return ch === "?";
    if (mode === "user") return "@/?:".includes(ch);
    if (mode === "fragment") return false;
  }
  if (mode === "fragment" && "!()*".includes(ch)) return false;
  return true;
}

function urlEscape(s: string, mode: Enc): string {
  let out = "";
  for (const b of Buffer.from(s, "utf8")) {
    out += shouldEscape(b, mode)
      ? `%${b.toString(16).toUpperCase().padStart(2, "0")}`
      : String.fromCharCode(b);
  }
  return out;
}

class UrlError extends Error {}

function urlUnescape(s: string): string {
  const bytes: number[] = [];
  for (let i = 0; i < s.length; i++) {
    if (s[i] === "%") {
      const h = s.slice(i + 1, i + 3);
      if (!/^[0-9A-Fa-f]{2}$/.test(h))
        throw new UrlError(`invalid URL escape ${JSON.stringify(s.slice(i, i + 3))}`);
      bytes.push(Number.parseInt(h, 16));
      i += 2;
    } else bytes.push(...Buffer.from(s[i] as string, "utf8"));
  }
  return Buffer.from(bytes).toString("utf8");
}

interface GoURL {
  scheme: string;
  opaque: string;
  user?: { name: string; password?: string };
  host: string;
  path: string;
  rawQuery: string;
  forceQuery: boolean;
  fragment: string;
}

const userString = (u: { name: string; password?: string }) =>
  urlEscape(u.name, "user") + (u.password === undefined ? "" : `:${urlEscape(u.password, "user")}`);

export function parseURL(raw: string): GoURL {
  try {
    return parseURLInner(raw);
  } catch (e) {
    if (e instanceof UrlError)
      throw new GoError(`unable to parse url: parse ${JSON.stringify(raw)}: ${e.message}`);
    throw e;
  }
}

function parseURLInner(raw: string): GoURL {
  const hash = raw.indexOf("#");
  const [rest0, frag] = hash < 0 ? [raw, ""] : [raw.slice(0, hash), raw.slice(hash + 1)];
  const u: GoURL = {
    scheme: "",
    opaque: "",
    host: "",
    path: "",
    rawQuery: "",
    forceQuery: false,
    fragment: "",
  };
  if ([...raw].some((ch) => ch < " " || ch === "\x7f"))
    throw new UrlError("net/url: invalid control character in URL");
  u.fragment = urlUnescape(frag);
  if (rest0 === "*") {
    u.path = "*";
    return u;
  }
  let rest = rest0;
  const sm = /^([A-Za-z][A-Za-z0-9+.-]*):/.exec(rest);
  if (rest.startsWith(":")) throw new UrlError("missing protocol scheme");
  if (sm) {
    u.scheme = (sm[1] as string).toLowerCase();
    rest = rest.slice(sm[0].length);
  }
  if (rest.endsWith("?") && rest.split("?").length === 2) {
    u.forceQuery = true;
    rest = rest.slice(0, -1);
  } else {
    const q = rest.indexOf("?");
    if (q >= 0) [rest, u.rawQuery] = [rest.slice(0, q), rest.slice(q + 1)];
  }
  if (!rest.startsWith("/")) {
    if (u.scheme !== "") {
      u.opaque = rest;
      return u;
    }
    const seg = rest.split("/")[0] as string;
    if (seg.includes(":")) throw new UrlError("first path segment in URL cannot contain colon");
  }
  if ((u.scheme !== "" || !rest.startsWith("///")) && rest.startsWith("//")) {
    let auth = rest.slice(2);
    const slash = auth.indexOf("/");
    [auth, rest] = slash < 0 ? [auth, ""] : [auth.slice(0, slash), auth.slice(slash)];
    const at = auth.lastIndexOf("@");
    u.host = parseHost(at < 0 ? auth : auth.slice(at + 1));
    if (at >= 0) {
      const info = auth.slice(0, at);
      if (!/^[A-Za-z0-9\-._:~!$&'()*+,;=%@]*$/.test(info)) throw new UrlError("net/url: invalid userinfo");
      const colon = info.indexOf(":");
      u.user =
        colon < 0
          ? { name: urlUnescape(info) }
          : { name: urlUnescape(info.slice(0, colon)), password: urlUnescape(info.slice(colon + 1)) };
    }
  }
  u.path = urlUnescape(rest);
  return u;
}

function parseHost(host: string): string {
  let portPart = host;
  if (host.startsWith("[")) {
    const close = host.lastIndexOf("]");
    if (close < 0) throw new UrlError("missing ']' in host");
    portPart = host.slice(close + 1);
    if (portPart !== "" && !/^:\d*$/.test(portPart))
      throw new UrlError(`invalid port ${JSON.stringify(portPart)} after host`);
    return host;
  }
  const colon = host.lastIndexOf(":");
  if (colon >= 0 && !/^:\d*$/.test(host.slice(colon)))
    throw new UrlError(`invalid port ${JSON.stringify(host.slice(colon))} after host`);
  return urlUnescape(host);
}

function hostname(host: string): string {
  if (host.startsWith("[")) {
    const close = host.indexOf("]");
    return close < 0 ? host.slice(1) : host.slice(1, close);
  }
  const colon = host.lastIndexOf(":");
  return colon >= 0 && /^:\d*$/.test(host.slice(colon)) ? host.slice(0, colon) : host;
}

export function urlString(u: GoURL): string {
  let out = u.scheme === "" ? "" : `${u.scheme}:`;
  if (u.opaque !== "") out += u.opaque;
  else {
    if (u.scheme !== "" || u.host !== "" || u.user) {
      if (u.host !== "" || u.path !== "" || u.user) out += "//";
      if (u.user) out += `${userString(u.user)}@`;
      if (u.host !== "") out += urlEscape(u.host, "host");
    }
    const path = u.path === "*" ? "*" : urlEscape(u.path, "path");
    if (path !== "" && path[0] !== "/" && u.host !== "") out += "/";
    if (out === "" && (path.split("/")[0] as string).includes(":")) out += "./";
    out += path;
  }
  if (u.forceQuery || u.rawQuery !== "") out += `?${u.rawQuery}`;
  if (u.fragment !== "") out += `#${urlEscape(u.fragment, "fragment")}`;
  return out;
}

function dictString(d: Record<string, GoValue>, key: string): string {
  if (!Object.hasOwn(d, key)) return "";
  const v = d[key];
  if (typeof v === "string") return v;
  if (v instanceof Typed && v.type.kind === "string") return String(v.raw ?? "");
  if (v === undefined || v === null)
    throw new GoError("runtime error: invalid memory address or nil pointer dereference");
  // Sprig panics with this text; text/template reports the panic as the call's error.
  throw new GoError(`unable to parse ${key} key, must be of type string, but ${reflectKind(v)} found`);
}

miscFuncs.urlParse = stringFn("urlParse", (raw) => {
  const u = parseURL(raw);
  return {
    scheme: u.scheme,
    host: u.host,
    hostname: hostname(u.host),
    path: u.path,
    query: u.rawQuery,
    opaque: u.opaque,
    fragment: u.fragment,
    userinfo: u.user ? userString(u.user) : "",
  };
});

miscFuncs.urlJoin = (...args) => {
  arity("urlJoin", args, 1);
  const d = argMap(args[0], "urlJoin") ?? {};
  const info = dictString(d, "userinfo");
  const u: GoURL = {
    scheme: dictString(d, "scheme"),
    host: dictString(d, "host"),
    path: dictString(d, "path"),
    rawQuery: dictString(d, "query"),
    opaque: dictString(d, "opaque"),
    fragment: dictString(d, "fragment"),
    forceQuery: false,
  };
  if (info !== "") u.user = parseURL(`proto://${info}@host`).user;
  return urlString(u);
};
