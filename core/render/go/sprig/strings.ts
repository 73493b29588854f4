/**
 * Sprig v3.3.0's string functions (functions.go genericMap, strings.go, goutils v1.1.1, xstrings).
 * Go strings are bytes: trunc, substr, abbrev and wrap cut at byte offsets, and goutils' nospace and
 * initials walk bytes, so those work on the UTF-8 bytes (held one byte per char in a latin1 string).
 */
import { argInt, argString, nilIfMissing, stringSlice, strval, toStringSlice } from "../args.ts";
import { quote, sprintf } from "../fmt.ts";
import { GoError, type GoFunc, type GoValue, STRING_MAP, Typed } from "../values.ts";
import { arity } from "./misc.ts";

const toBytes = (s: string): string => Buffer.from(s, "utf8").toString("latin1");
const fromBytes = (b: string): string => Buffer.from(b, "latin1").toString("utf8");

/** Output above this many bytes is refused: a template must not exhaust a function's memory. */
export const MAX_STRING_BYTES = 16 << 20;

// -- Unicode classes as Go's unicode package defines them

/** unicode.IsSpace. */
export const isSpace = (r: number): boolean =>
  (r >= 9 && r <= 13) ||
  r === 32 ||
  r === 0x85 ||
  r === 0xa0 ||
  r === 0x1680 ||
  (r >= 0x2000 && r <= 0x200a) ||
  r === 0x2028 ||
  r === 0x2029 ||
  r === 0x202f ||
  r === 0x205f ||
  r === 0x3000;
const isUpper = (ch: string): boolean => /\p{Lu}/u.test(ch);
const isLower = (ch: string): boolean => /\p{Ll}/u.test(ch);
const isTitle = (ch: string): boolean => /\p{Lt}/u.test(ch);
const isLetter = (ch: string): boolean => /\p{L}/u.test(ch);
const isDigit = (ch: string): boolean => /\p{Nd}/u.test(ch);
const isNumber = (ch: string): boolean => /\p{N}/u.test(ch);
const isPunct = (ch: string): boolean => /\p{P}/u.test(ch);

/** unicode.ToUpper/ToLower map one rune to one rune; JavaScript's full mappings may expand. */
function simpleCase(ch: string, upper: boolean): string {
  if (!upper && ch === "\u0130") return "i";
  const m = upper ? ch.toUpperCase() : ch.toLowerCase();
  return [...m].length === 1 ? m : ch;
}
const toUpperRune = (ch: string) => simpleCase(ch, true);
const toLowerRune = (ch: string) => simpleCase(ch, false);
const mapRunes = (s: string, f: (ch: string) => string): string => Array.from(s, f).join("");

/** strings.TrimSpace. */
export function trimSpace(s: string): string {
  const cps = Array.from(s);
  let a = 0;
  let b = cps.length;
  while (a < b && isSpace(cps[a]?.codePointAt(0) ?? 0)) a++;
  while (b > a && isSpace(cps[b - 1]?.codePointAt(0) ?? 0)) b--;
  return cps.slice(a, b).join("");
}

/** strings.Trim(s, cutset): leading and trailing runes found in cutset. */
export function trimCutset(s: string, cutset: string): string {
  const set = new Set(Array.from(cutset));
  const cps = Array.from(s);
  let a = 0;
  let b = cps.length;
  while (a < b && set.has(cps[a] ?? "")) a++;
  while (b > a && set.has(cps[b - 1] ?? "")) b--;
  return cps.slice(a, b).join("");
}

/** strings.Title's word boundaries. */
function isSeparator(ch: string): boolean {
  const r = ch.codePointAt(0) ?? 0;
  if (r <= 0x7f) return !/[0-9a-zA-Z_]/.test(ch);
  if (isLetter(ch) || isDigit(ch)) return false;
  return isSpace(r);
}

function title(s: string): string {
  let prev = " ";
  return mapRunes(s, (ch) => {
    const out = isSeparator(prev) ? toUpperRune(ch) : ch;
    prev = ch;
    return out;
  });
}

/** goutils.Uncapitalize: lower-cases the first rune of each whitespace-separated word. */
function untitle(s: string): string {
  let next = true;
  return mapRunes(s, (ch) => {
    if (isSpace(ch.codePointAt(0) ?? 0)) {
      next = true;
      return ch;
    }
    if (next) {
      next = false;
      return toLowerRune(ch);
    }
    return ch;
  });
}

/** goutils.SwapCase. */
function swapcase(s: string): string {
  return mapRunes(s, (ch) =>
    isUpper(ch) || isTitle(ch) ? toLowerRune(ch) : isLower(ch) ? toUpperRune(ch) : ch,
  );
}

/** A byte as goutils writes it back: `rune(str[i])`, so a byte ≥ 0x80 becomes U+0080–U+00FF. */
const byteRune = (b: string): string => String.fromCharCode(b.charCodeAt(0));

/** goutils.DeleteWhiteSpace: walks bytes, so a UTF-8 byte 0x85 or 0xA0 counts as whitespace. */
function nospace(s: string): string {
  const bytes = toBytes(s);
  let out = "";
  for (const b of bytes) if (!isSpace(b.charCodeAt(0))) out += byteRune(b);
  return out.length === bytes.length ? s : out;
}

/** goutils.Initials: the first byte after each whitespace byte. */
function initials(s: string): string {
  let out = "";
  let gap = true;
  for (const b of toBytes(s)) {
    if (isSpace(b.charCodeAt(0))) gap = true;
    else if (gap) {
      out += byteRune(b);
      gap = false;
    }
  }
  return out;
}

/** goutils.WrapCustom over bytes. */
function wrapCustom(str: string, wrapLength: number, newLine: string, wrapLong: boolean): string {
  if (str === "") return "";
  if (newLine === "") newLine = "\n";
  if (wrapLength < 1) wrapLength = 1;
  const s = toBytes(str);
  const nl = toBytes(newLine);
  let offset = 0;
  let out = "";
  while (s.length - offset > wrapLength) {
    if (s[offset] === " ") {
      offset++;
      continue;
    }
    const end = wrapLength + offset + 1;
    const at = s.slice(offset, end).lastIndexOf(" ") + offset;
    if (at >= offset) {
      out += s.slice(offset, at) + nl;
      offset = at + 1;
    } else if (wrapLong) {
      out += s.slice(offset, wrapLength + offset) + nl;
      offset += wrapLength;
    } else {
      const e = wrapLength + offset;
      const index = s.slice(e).indexOf(" ");
      if (index === -1) {
        out += s.slice(offset);
        offset = s.length;
      } else {
        out += s.slice(offset, index + e) + nl;
        offset = index + e + 1;
      }
    }
  }
  return fromBytes(out + s.slice(offset));
}

/** goutils.AbbreviateFull over bytes; its errors become "" as Sprig drops them. */
function abbreviateFull(str: string, offset: number, maxWidth: number): string {
  const s = toBytes(str);
  const go = (s: string, offset: number, maxWidth: number): string => {
    if (s === "") return "";
    if (maxWidth < 4) return "";
    if (s.length <= maxWidth) return s;
    if (offset > s.length) offset = s.length;
    if (s.length - offset < maxWidth - 3) offset = s.length - (maxWidth - 3);
    if (offset <= 4) return `${s.slice(0, maxWidth - 3)}...`;
    if (maxWidth < 7) return "";
    if (offset + maxWidth - 3 < s.length) return `...${go(s.slice(offset), 0, maxWidth - 3)}`;
    return `...${s.slice(s.length - (maxWidth - 3))}`;
  };
  return fromBytes(go(s, offset, maxWidth));
}

// -- xstrings v1.5.0 (camelcase is ToPascalCase, the old ToCamelCase)

const isConnector = (ch: string): boolean => ch === "-" || ch === "_" || isSpace(ch.codePointAt(0) ?? 0);

function isAlphabet(ch: string): boolean {
  if (!isLetter(ch)) return false;
  const r = ch.codePointAt(0) ?? 0;
  if (r < 0x2e80) return true;
  return !((r >= 0x4e00 && r <= 0x9fcc) || (r >= 0x3400 && r <= 0x4d85) || (r >= 0x20000 && r <= 0x2b81d));
}

function pascalCase(s: string): string {
  const cps = Array.from(s);
  if (cps.length === 0) return "";
  let out = "";
  let i = 0;
  let r0 = "";
  while (i < cps.length) {
    r0 = cps[i++] ?? "";
    if (!isConnector(r0)) {
      r0 = toUpperRune(r0);
      break;
    }
    out += r0;
  }
  // Go writes the last rune once more here, even when it is a connector ("_" → "__").
  if (i >= cps.length) return out + r0;
  while (i < cps.length) {
    const r1 = r0;
    r0 = cps[i++] ?? "";
    if (isConnector(r0) && isConnector(r1)) {
      out += r1;
      continue;
    }
    if (isConnector(r1)) r0 = toUpperRune(r0);
    else out += r1;
  }
  return out + r0;
}

type Word = "invalid" | "number" | "upper" | "alphabet" | "connector" | "punct" | "other";

function nextWord(cps: string[], from: number): [Word, number] {
  let i = from;
  const r = cps[i++] ?? "";
  const run = (pred: (ch: string) => boolean) => {
    while (i < cps.length && pred(cps[i] ?? "")) i++;
  };
  if (isConnector(r)) {
    run(isConnector);
    return ["connector", i];
  }
  if (isPunct(r)) {
    run(isPunct);
    return ["punct", i];
  }
  if (isUpper(r)) {
    if (i >= cps.length) return ["upper", i];
    const r1 = cps[i] ?? "";
    if (isUpper(r1)) {
      i++;
      run(isUpper);
      if (i < cps.length && isAlphabet(cps[i] ?? "")) i--;
    } else if (isAlphabet(r1)) {
      i++;
      run((ch) => isAlphabet(ch) && !isUpper(ch));
    }
    return ["upper", i];
  }
  if (isAlphabet(r)) {
    run((ch) => isAlphabet(ch) && !isUpper(ch));
    return ["alphabet", i];
  }
  if (isNumber(r)) {
    run(isNumber);
    return ["number", i];
  }
  run((ch) => !(isConnector(ch) || isAlphabet(ch) || isNumber(ch) || isPunct(ch)));
  return ["other", i];
}

/** xstrings' camelCaseToLowerCase (snakecase, kebabcase). */
function lowerCased(s: string, connector: string): string {
  const cps = Array.from(s);
  if (cps.length === 0) return "";
  let out = "";
  const lower = (wt: Word, a: number, b: number) => {
    const w = cps.slice(a, b);
    if (wt !== "upper" && wt !== "connector") out += w.join("");
    else for (const ch of w) out += isConnector(ch) ? connector : isUpper(ch) ? toLowerRune(ch) : ch;
  };
  let start = 0;
  let [wt, end]: [Word, number] = nextWord(cps, 0);
  // Go's nextWord on an empty remainder gives invalidWord and an empty word.
  const next = (): Word => {
    start = end;
    if (end < cps.length) [wt, end] = nextWord(cps, end);
    else wt = "invalid";
    return wt;
  };
  while (end < cps.length) {
    if (wt !== "connector") lower(wt, start, end);
    const prev = wt;
    const [lastStart, lastEnd] = [start, end];
    wt = next();
    if (prev === "number") {
      while (wt === "alphabet" || wt === "number") {
        lower(wt, start, end);
        wt = next();
      }
      if (wt !== "invalid" && wt !== "punct" && wt !== "connector") out += connector;
    } else if (prev === "connector") {
      lower(prev, lastStart, lastEnd);
    } else if (prev !== "punct") {
      if (wt !== "number") {
        if (wt !== "connector" && wt !== "punct") out += connector;
        continue;
      }
      if (end >= cps.length) continue;
      const [numStart, numEnd] = [start, end];
      wt = next();
      if (wt !== "alphabet") {
        lower("number", numStart, numEnd);
        if (wt !== "connector" && wt !== "punct") out += connector;
        continue;
      }
      out += connector;
      lower("number", numStart, numEnd);
      while (wt === "alphabet" || wt === "number") {
        lower(wt, start, end);
        wt = next();
      }
      if (wt !== "invalid" && wt !== "connector" && wt !== "punct") out += connector;
    }
  }
  if (wt !== "invalid") lower(wt, start, end);
  return out;
}

// -- Go strings functions

/** strings.Split (sep "" splits into runes). */
export function goSplit(s: string, sep: string, n = -1): string[] {
  if (n === 0) return [];
  if (sep === "") {
    const cps = Array.from(s);
    if (n < 0 || n >= cps.length) return cps;
    return [...cps.slice(0, n - 1), cps.slice(n - 1).join("")];
  }
  const parts = s.split(sep);
  if (n < 0 || n >= parts.length) return parts;
  return [...parts.slice(0, n - 1), parts.slice(n - 1).join(sep)];
}

function indexedMap(parts: string[]): GoValue {
  const out: Record<string, string> = {};
  parts.forEach((p, i) => {
    out[`_${i}`] = p;
  });
  return new Typed(STRING_MAP, out);
}

function repeat(s: string, count: number): string {
  if (count < 0) throw new GoError("strings: negative Repeat count");
  if (Buffer.byteLength(s) * count > MAX_STRING_BYTES)
    throw new GoError(`repeat: the result is above Outrigger's limit of ${MAX_STRING_BYTES} bytes`);
  return s.repeat(count);
}

/** Sprig's indent: every line padded, the first included (Istio's own `indent` replaces this one). */
export const sprigIndent = (spaces: number, v: string): string => {
  const pad = repeat(" ", spaces);
  return pad + v.replaceAll("\n", `\n${pad}`);
};

function trunc(c: number, s: string): string {
  const b = toBytes(s);
  if (c < 0 && b.length + c > 0) return fromBytes(b.slice(b.length + c));
  if (c >= 0 && b.length > c) return fromBytes(b.slice(0, c));
  return s;
}

function substr(start: number, end: number, s: string): string {
  const b = toBytes(s);
  const bounds = (lo: number, hi: number) => {
    if (hi > b.length || hi < 0)
      throw new GoError(`runtime error: slice bounds out of range [:${hi}] with length ${b.length}`);
    if (lo > hi) throw new GoError(`runtime error: slice bounds out of range [${lo}:${hi}]`);
    return fromBytes(b.slice(lo, hi));
  };
  if (start < 0) return bounds(0, end);
  if (end < 0 || end > b.length) {
    if (start > b.length)
      throw new GoError(`runtime error: slice bounds out of range [${start}:${b.length}]`);
    return fromBytes(b.slice(start));
  }
  return bounds(start, end);
}

// -- the function map

type Str = (s: string) => string;

function str1(name: string, f: Str): GoFunc {
  return (...args) => {
    arity(name, args, 1);
    return f(argString(args[0], name));
  };
}

function str2<T>(name: string, f: (a: string, b: string) => T): GoFunc {
  return (...args) => {
    arity(name, args, 2);
    return f(argString(args[0], name), argString(args[1], name)) as GoValue;
  };
}

function intStr(name: string, f: (n: number, s: string) => string): GoFunc {
  return (...args) => {
    arity(name, args, 2);
    return f(argInt(args[0], name), argString(args[1], name));
  };
}

function quoteAll(args: GoValue[], each: (v: GoValue) => string): string {
  // One argument, as templates nearly always pass: no arrays to filter and join.
  if (args.length === 1) {
    const a = args[0];
    return a === undefined || a === null ? "" : each(a);
  }
  return args
    .filter((a) => a !== undefined && a !== null)
    .map(each)
    .join(" ");
}

export const stringFuncs: Record<string, GoFunc> = {
  hello: (...args) => {
    arity("hello", args, 0);
    return "Hello!";
  },
  abbrev: intStr("abbrev", (w, s) => (w < 4 ? s : abbreviateFull(s, 0, w))),
  abbrevboth: (...args) => {
    arity("abbrevboth", args, 3);
    const left = argInt(args[0], "abbrevboth");
    const right = argInt(args[1], "abbrevboth");
    const s = argString(args[2], "abbrevboth");
    if (right < 4 || (left > 0 && right < 7)) return s;
    return abbreviateFull(s, left, right);
  },
  trunc: intStr("trunc", trunc),
  trim: str1("trim", trimSpace),
  upper: str1("upper", (s) => mapRunes(s, toUpperRune)),
  lower: str1("lower", (s) => mapRunes(s, toLowerRune)),
  title: str1("title", title),
  untitle: str1("untitle", untitle),
  substr: (...args) => {
    arity("substr", args, 3);
    return substr(argInt(args[0], "substr"), argInt(args[1], "substr"), argString(args[2], "substr"));
  },
  repeat: intStr("repeat", (n, s) => repeat(s, n)),
  trimall: str2("trimall", (a, b) => trimCutset(b, a)),
  trimAll: str2("trimAll", (a, b) => trimCutset(b, a)),
  trimSuffix: str2("trimSuffix", (a, b) => (a !== "" && b.endsWith(a) ? b.slice(0, b.length - a.length) : b)),
  trimPrefix: str2("trimPrefix", (a, b) => (a !== "" && b.startsWith(a) ? b.slice(a.length) : b)),
  nospace: str1("nospace", nospace),
  initials: str1("initials", initials),
  swapcase: str1("swapcase", swapcase),
  snakecase: str1("snakecase", (s) => lowerCased(s, "_")),
  camelcase: str1("camelcase", pascalCase),
  kebabcase: str1("kebabcase", (s) => lowerCased(s, "-")),
  wrap: intStr("wrap", (l, s) => wrapCustom(s, l, "", false)),
  wrapWith: (...args) => {
    arity("wrapWith", args, 3);
    const l = argInt(args[0], "wrapWith");
    return wrapCustom(argString(args[2], "wrapWith"), l, argString(args[1], "wrapWith"), true);
  },
  contains: str2("contains", (sub, s) => s.includes(sub)),
  hasPrefix: str2("hasPrefix", (sub, s) => s.startsWith(sub)),
  hasSuffix: str2("hasSuffix", (sub, s) => s.endsWith(sub)),
  // Sprintf("%q", s) with no flags is strconv.Quote(s).
  quote: (...args) => quoteAll(args, (a) => quote(strval(a))),
  squote: (...args) => quoteAll(args, (a) => sprintf("'%v'", [a])),
  cat: (...args) => {
    const v = args.filter((a) => a !== undefined && a !== null);
    return sprintf(trimSpace("%v ".repeat(v.length)), v);
  },
  indent: intStr("indent", sprigIndent),
  nindent: intStr("nindent", (n, s) => `\n${sprigIndent(n, s)}`),
  replace: (...args) => {
    arity("replace", args, 3);
    const [o, n, src] = args.map((a) => argString(a, "replace")) as [string, string, string];
    return o === "" ? goReplaceEmpty(src, n) : src.replaceAll(o, n);
  },
  plural: (...args) => {
    arity("plural", args, 3);
    const one = argString(args[0], "plural");
    const many = argString(args[1], "plural");
    return argInt(args[2], "plural") === 1 ? one : many;
  },
  toString: (...args: GoValue[]) => {
    arity("toString", args, 1);
    return strval(nilIfMissing(args[0]));
  },
  join: (...args) => {
    arity("join", args, 2);
    return toStringSlice(nilIfMissing(args[1])).join(argString(args[0], "join"));
  },
  toStrings: (...args) => {
    arity("toStrings", args, 1);
    return stringSlice(toStringSlice(nilIfMissing(args[0])));
  },
  splitList: str2("splitList", (sep, s) => stringSlice(goSplit(s, sep))),
  split: str2("split", (sep, s) => indexedMap(goSplit(s, sep))),
  splitn: (...args) => {
    arity("splitn", args, 3);
    const sep = argString(args[0], "splitn");
    const n = argInt(args[1], "splitn");
    return indexedMap(goSplit(argString(args[2], "splitn"), sep, n));
  },
};

/** strings.Replace with an empty old string inserts `n` before every rune and at the end. */
function goReplaceEmpty(src: string, n: string): string {
  return `${n}${Array.from(src).join(n)}${src === "" ? "" : n}`;
}
