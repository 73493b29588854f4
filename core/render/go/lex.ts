/**
 * The lexer of Go's text/template (src/text/template/parse/lex.go, Go 1.25), run to completion into
 * an array rather than on a goroutine: the parser stops at the first error token either way. Token
 * positions are UTF-16 offsets into the text; error messages convert them to Go's byte columns.
 *
 * Pure; never throws: a lexical error is an `error` token carrying Go's message, and it is the last.
 */

import { quote } from "./fmt.ts";

export type TokenType =
  | "error"
  | "bool"
  | "char" // printable ASCII grab bag: `,` and friends
  | "charConstant"
  | "complex"
  | "assign" // `=`
  | "declare" // `:=`
  | "eof"
  | "field" // `.Name`
  | "identifier"
  | "leftDelim"
  | "leftParen"
  | "number"
  | "pipe"
  | "rawString"
  | "rightDelim"
  | "rightParen"
  | "space"
  | "string"
  | "text"
  | "variable" // `$`, `$x`
  // keywords
  | "block"
  | "break"
  | "continue"
  | "dot"
  | "define"
  | "else"
  | "end"
  | "if"
  | "nil"
  | "range"
  | "template"
  | "with";

export interface Token {
  type: TokenType;
  pos: number;
  val: string;
}

const KEYWORDS: Record<string, TokenType> = {
  ".": "dot",
  block: "block",
  break: "break",
  continue: "continue",
  define: "define",
  else: "else",
  end: "end",
  if: "if",
  range: "range",
  nil: "nil",
  template: "template",
  with: "with",
};

export const isKeyword = (t: TokenType): boolean =>
  t === "block" ||
  t === "break" ||
  t === "continue" ||
  t === "dot" ||
  t === "define" ||
  t === "else" ||
  t === "end" ||
  t === "if" ||
  t === "nil" ||
  t === "range" ||
  t === "template" ||
  t === "with";

const LEFT = "{{";
const RIGHT = "}}";
const LEFT_COMMENT = "/*";
const RIGHT_COMMENT = "*/";

/** Go's template space: the trim markers and separators accept all four. */
const isSpace = (c: string | undefined): boolean => c === " " || c === "\t" || c === "\r" || c === "\n";

const LETTER_OR_DIGIT = /^[\p{L}\p{Nd}_]$/u;
function isAlphaNumeric(c: string | undefined): boolean {
  if (c === undefined) return false;
  const code = c.charCodeAt(0);
  if (code < 0x80) {
    return (
      (code >= 48 && code <= 57) || (code >= 65 && code <= 90) || (code >= 97 && code <= 122) || code === 95
    );
  }
  return LETTER_OR_DIGIT.test(c);
}

const hasLeftTrimMarker = (s: string, at: number): boolean => s[at] === "-" && isSpace(s[at + 1]);
const hasRightTrimMarker = (s: string, at: number): boolean => isSpace(s[at]) && s[at + 1] === "-";

/** `%#U` of a rune: `U+0021 '!'`. */
function formatU(c: string): string {
  const cp = c.codePointAt(0) ?? 0;
  const hex = cp.toString(16).toUpperCase().padStart(4, "0");
  return /\p{C}/u.test(c) && c !== " " ? `U+${hex}` : `U+${hex} '${c}'`;
}

export interface LexOptions {
  /** `break` / `continue` are keywords unless a function of that name exists (Go's breakOK). */
  breakOK: boolean;
  continueOK: boolean;
}

export function lex(input: string, opts: LexOptions): Token[] {
  const out: Token[] = [];
  let pos = 0;
  let start = 0;
  let parenDepth = 0;

  const emit = (type: TokenType): void => {
    out.push({ type, pos: start, val: input.slice(start, pos) });
    start = pos;
  };
  /** Past a quoted string or character constant's closing quote (Go's lexQuote and lexChar); false if it has none on the line. */
  const closeQuote = (close: string): boolean => {
    for (;;) {
      const q = input[pos++];
      if (q === "\\") {
        const r = input[pos];
        if (r === undefined || r === "\n") return false;
        pos++;
        continue;
      }
      if (q === undefined || q === "\n") return false;
      if (q === close) return true;
    }
  };
  const fail = (msg: string): Token[] => {
    out.push({ type: "error", pos: start, val: msg });
    return out;
  };
  /** One code point (a surrogate pair counts as one, as Go decodes UTF-8 runes). */
  const charAt = (at: number): string | undefined => {
    if (at >= input.length) return undefined;
    const code = input.charCodeAt(at);
    if (code >= 0xd800 && code <= 0xdbff && at + 1 < input.length) return input.slice(at, at + 2);
    return input[at];
  };
  const atRightDelim = (): { delim: boolean; trim: boolean } => {
    if (hasRightTrimMarker(input, pos) && input.startsWith(RIGHT, pos + 2))
      return { delim: true, trim: true };
    if (input.startsWith(RIGHT, pos)) return { delim: true, trim: false };
    return { delim: false, trim: false };
  };
  const atTerminator = (): boolean => {
    const c = input[pos];
    if (c === undefined || isSpace(c)) return true;
    if (c === "." || c === "," || c === "|" || c === ":" || c === ")" || c === "(") return true;
    return input.startsWith(RIGHT, pos);
  };
  const skipLeftSpace = (): void => {
    while (pos < input.length && isSpace(input[pos])) pos++;
  };

  for (;;) {
    // Text up to the next action.
    const x = input.indexOf(LEFT, pos);
    if (x < 0) {
      pos = input.length;
      if (pos > start) emit("text");
      emit("eof");
      return out;
    }
    pos = x;
    let textEnd = pos;
    if (hasLeftTrimMarker(input, pos + LEFT.length)) {
      while (textEnd > start && isSpace(input[textEnd - 1])) textEnd--;
    }
    if (textEnd > start) out.push({ type: "text", pos: start, val: input.slice(start, textEnd) });
    start = pos;
    // The left delimiter, possibly a comment.
    pos += LEFT.length;
    const trimLeft = hasLeftTrimMarker(input, pos);
    const afterMarker = trimLeft ? 2 : 0;
    if (input.startsWith(LEFT_COMMENT, pos + afterMarker)) {
      pos += afterMarker;
      start = pos;
      pos += LEFT_COMMENT.length;
      const end = input.indexOf(RIGHT_COMMENT, pos);
      if (end < 0) return fail("unclosed comment");
      pos = end + RIGHT_COMMENT.length;
      const d = atRightDelim();
      if (!d.delim) return fail("comment ends before closing delimiter");
      if (d.trim) pos += 2;
      pos += RIGHT.length;
      if (d.trim) skipLeftSpace();
      start = pos;
      continue;
    }
    emit("leftDelim");
    pos += afterMarker;
    start = pos;
    parenDepth = 0;
    // Inside the action.
    for (;;) {
      const d = atRightDelim();
      if (d.delim) {
        if (parenDepth !== 0) return fail("unclosed left paren");
        if (d.trim) {
          pos += 2;
          start = pos;
        }
        pos += RIGHT.length;
        emit("rightDelim");
        if (d.trim) {
          skipLeftSpace();
          start = pos;
        }
        break;
      }
      const c = charAt(pos);
      if (c === undefined) return fail("unclosed action");
      if (isSpace(c)) {
        // A run of spaces, minding a ` -}}` that starts inside it.
        let n = 0;
        while (isSpace(input[pos])) {
          pos++;
          n++;
        }
        if (hasRightTrimMarker(input, pos - 1) && input.startsWith(RIGHT, pos + 1)) {
          pos--;
          if (n === 1) continue;
        }
        emit("space");
        continue;
      }
      pos += c.length;
      switch (c) {
        case "=":
          emit("assign");
          continue;
        case ":":
          if (input[pos] !== "=") return fail("expected :=");
          pos++;
          emit("declare");
          continue;
        case "|":
          emit("pipe");
          continue;
        case '"': {
          if (!closeQuote('"')) return fail("unterminated quoted string");
          emit("string");
          continue;
        }
        case "`": {
          const end = input.indexOf("`", pos);
          if (end < 0) return fail("unterminated raw quoted string");
          pos = end + 1;
          emit("rawString");
          continue;
        }
        case "$": {
          if (!atTerminator()) {
            while (isAlphaNumeric(charAt(pos))) pos += (charAt(pos) as string).length;
            if (!atTerminator()) return fail(`bad character ${formatU(charAt(pos) ?? "")}`);
          }
          emit("variable");
          continue;
        }
        case "'": {
          if (!closeQuote("'")) return fail("unterminated character constant");
          emit("charConstant");
          continue;
        }
        case "(":
          parenDepth++;
          emit("leftParen");
          continue;
        case ")":
          parenDepth--;
          if (parenDepth < 0) return fail("unexpected right paren");
          emit("rightParen");
          continue;
      }
      if (c === ".") {
        const next = input[pos];
        if (next === undefined || next < "0" || next > "9") {
          // A field, or `.` alone.
          if (atTerminator()) {
            emit("dot");
            continue;
          }
          while (isAlphaNumeric(charAt(pos))) pos += (charAt(pos) as string).length;
          if (!atTerminator()) return fail(`bad character ${formatU(charAt(pos) ?? "")}`);
          emit("field");
          continue;
        }
      }
      if (c === "." || c === "+" || c === "-" || (c >= "0" && c <= "9")) {
        pos -= c.length;
        const ok = scanNumber();
        if (!ok) return fail(`bad number syntax: ${quote(input.slice(start, pos))}`);
        const sign = input[pos];
        if (sign === "+" || sign === "-") {
          if (!scanNumber() || input[pos - 1] !== "i") {
            return fail(`bad number syntax: ${quote(input.slice(start, pos))}`);
          }
          emit("complex");
        } else emit("number");
        continue;
      }
      if (isAlphaNumeric(c)) {
        while (isAlphaNumeric(charAt(pos))) pos += (charAt(pos) as string).length;
        if (!atTerminator()) return fail(`bad character ${formatU(charAt(pos) ?? "")}`);
        const word = input.slice(start, pos);
        const kw = KEYWORDS[word];
        if (kw !== undefined && Object.hasOwn(KEYWORDS, word)) {
          if ((kw === "break" && !opts.breakOK) || (kw === "continue" && !opts.continueOK))
            emit("identifier");
          else emit(kw);
        } else if (word === "true" || word === "false") emit("bool");
        else emit("identifier");
        continue;
      }
      const code = c.codePointAt(0) ?? 0;
      if (code < 0x7f && code >= 0x20) {
        emit("char");
        continue;
      }
      return fail(`unrecognized character in action: ${formatU(c)}`);
    }
  }

  function accept(valid: string): boolean {
    const c = input[pos];
    if (c !== undefined && valid.includes(c)) {
      pos++;
      return true;
    }
    return false;
  }
  function acceptRun(valid: string): void {
    while (accept(valid)) {}
  }
  /** Go's scanNumber: loose on purpose; the parser's strconv calls reject what slips through. */
  function scanNumber(): boolean {
    accept("+-");
    let digits = "0123456789_";
    if (accept("0")) {
      if (accept("xX")) digits = "0123456789abcdefABCDEF_";
      else if (accept("oO")) digits = "01234567_";
      else if (accept("bB")) digits = "01_";
    }
    acceptRun(digits);
    if (accept(".")) acceptRun(digits);
    if (digits.length === 11 && accept("eE")) {
      accept("+-");
      acceptRun("0123456789_");
    }
    if (digits.length === 23 && accept("pP")) {
      accept("+-");
      acceptRun("0123456789_");
    }
    accept("i");
    if (isAlphaNumeric(charAt(pos))) {
      pos += (charAt(pos) as string).length;
      return false;
    }
    return true;
  }
}

// ---------------------------------------------------------------------------------------------------
// Literals: strconv.Unquote, UnquoteChar and the number rules of parse.NumberNode

/** A literal's syntax error: strconv's ErrSyntax text, or the parser's own message. */
export class LiteralError extends Error {}

const SIMPLE_ESCAPES: Record<string, number> = { a: 7, b: 8, f: 12, n: 10, r: 13, t: 9, v: 11, "\\": 92 };

/**
 * The escapes of Go string and rune literals. Bytes from `\x` and octal escapes are collected as
 * bytes and decoded as UTF-8 at the end (Go keeps invalid bytes; here they become U+FFFD).
 */
function unescapeGo(body: string, quoteChar: string): string {
  const bytes: number[] = [];
  const pushString = (s: string): void => {
    for (const b of Buffer.from(s, "utf8")) bytes.push(b);
  };
  for (let i = 0; i < body.length; ) {
    const c = body[i] as string;
    if (c === quoteChar || c === "\n") throw new LiteralError("invalid syntax");
    if (c !== "\\") {
      const cp = body.codePointAt(i) ?? 0;
      const ch = String.fromCodePoint(cp);
      pushString(ch);
      i += ch.length;
      continue;
    }
    const e = body[i + 1];
    if (e === undefined) throw new LiteralError("invalid syntax");
    i += 2;
    const simple = SIMPLE_ESCAPES[e];
    if (simple !== undefined && Object.hasOwn(SIMPLE_ESCAPES, e)) {
      bytes.push(simple);
    } else if (e === "'" || e === '"') {
      if (e !== quoteChar) throw new LiteralError("invalid syntax");
      bytes.push(e.charCodeAt(0));
    } else if (e === "x" || e === "u" || e === "U") {
      const n = e === "x" ? 2 : e === "u" ? 4 : 8;
      const digits = body.slice(i, i + n);
      if (!new RegExp(`^[0-9a-fA-F]{${n}}$`).test(digits)) throw new LiteralError("invalid syntax");
      i += n;
      const v = Number.parseInt(digits, 16);
      if (e === "x") bytes.push(v);
      else {
        if (v > 0x10ffff || (v >= 0xd800 && v <= 0xdfff)) throw new LiteralError("invalid syntax");
        pushString(String.fromCodePoint(v));
      }
    } else if (e >= "0" && e <= "7") {
      const digits = body.slice(i - 1, i + 2);
      if (!/^[0-7]{3}$/.test(digits)) throw new LiteralError("invalid syntax");
      const v = Number.parseInt(digits, 8);
      if (v > 255) throw new LiteralError("invalid syntax");
      bytes.push(v);
      i += 2;
    } else throw new LiteralError("invalid syntax");
  }
  return Buffer.from(bytes).toString("utf8");
}

/** strconv.Unquote of a string or raw string token. */
export function unquoteString(token: string): string {
  if (token.length < 2) throw new LiteralError("invalid syntax");
  const q = token[0];
  if (q !== token[token.length - 1]) throw new LiteralError("invalid syntax");
  const body = token.slice(1, -1);
  if (q === "`") {
    if (body.includes("`")) throw new LiteralError("invalid syntax");
    return body.includes("\r") ? body.replaceAll("\r", "") : body;
  }
  if (q !== '"') throw new LiteralError("invalid syntax");
  if (!body.includes("\\") && !body.includes('"') && !body.includes("\n")) return body;
  return unescapeGo(body, '"');
}

/** A number literal as parse.NumberNode holds it: every reading of the text that succeeds. */
export interface NumberLiteral {
  text: string;
  isInt: boolean;
  isUint: boolean;
  isFloat: boolean;
  isComplex: boolean;
  int64: bigint;
  uint64: bigint;
  float64: number;
}

const INT64_MIN = -(1n << 63n);
const INT64_MAX = (1n << 63n) - 1n;
const UINT64_MAX = (1n << 64n) - 1n;

/** strconv.ParseInt/ParseUint with base 0: sign, 0x/0o/0b/legacy-octal prefixes, `_` separators. */
function parseGoInteger(text: string, signed: boolean): bigint | undefined {
  let s = text;
  let neg = false;
  if (s[0] === "+" || s[0] === "-") {
    if (!signed) return undefined;
    neg = s[0] === "-";
    s = s.slice(1);
  }
  let base = 10;
  let digits = s;
  let prefixed = false;
  if (/^0[xX]/.test(s)) [base, digits, prefixed] = [16, s.slice(2), true];
  else if (/^0[oO]/.test(s)) [base, digits, prefixed] = [8, s.slice(2), true];
  else if (/^0[bB]/.test(s)) [base, digits, prefixed] = [2, s.slice(2), true];
  else if (s.length > 1 && s[0] === "0") [base, digits] = [8, s.slice(1)];
  // Underscores only between digits, or right after a base prefix (Go's underscoreOK).
  if (digits.includes("_")) {
    const lead = prefixed || base === 8 ? "_?" : "";
    if (!new RegExp(`^${lead}[0-9a-zA-Z]+(_[0-9a-zA-Z]+)*$`).test(digits)) return undefined;
    digits = digits.replaceAll("_", "");
  }
  if (digits === "") return undefined;
  const valid =
    base === 16 ? /^[0-9a-fA-F]+$/ : base === 8 ? /^[0-7]+$/ : base === 2 ? /^[01]+$/ : /^[0-9]+$/;
  if (!valid.test(digits)) return undefined;
  const prefix = base === 16 ? "0x" : base === 8 ? "0o" : base === 2 ? "0b" : "";
  let v = BigInt(prefix + digits);
  if (neg) v = -v;
  if (signed ? v < INT64_MIN || v > INT64_MAX : v > UINT64_MAX) return undefined;
  return v;
}

/** strconv.ParseFloat(s, 64) for the forms the lexer lets through: decimal and hex floats. */
function parseGoFloat(text: string): number | undefined {
  let s = text;
  let sign = 1;
  if (s[0] === "+" || s[0] === "-") {
    sign = s[0] === "-" ? -1 : 1;
    s = s.slice(1);
  }
  if (s.includes("_")) {
    if (
      !/^(0[xX]_?)?[0-9a-fA-F]+(_[0-9a-fA-F]+)*(\.([0-9a-fA-F]+(_[0-9a-fA-F]+)*)?)?([eEpP][+-]?[0-9]+(_[0-9]+)*)?$/.test(
        s,
      )
    )
      return undefined;
    s = s.replaceAll("_", "");
  }
  const hexm = /^0[xX]([0-9a-fA-F]*)(?:\.([0-9a-fA-F]*))?[pP]([+-]?[0-9]+)$/.exec(s);
  if (hexm) {
    const int = hexm[1] ?? "";
    const frac = hexm[2] ?? "";
    if (int === "" && frac === "") return undefined;
    const mant = Number.parseInt(`${int}${frac}` || "0", 16);
    return sign * mant * 2 ** (Number(hexm[3]) - 4 * frac.length);
  }
  if (!/^([0-9]+\.?[0-9]*|\.[0-9]+)([eE][+-]?[0-9]+)?$/.test(s)) return undefined;
  return sign * Number(s);
}

/** parse.newNumber: what the text is as an integer, unsigned integer, float or imaginary number. */
export function parseNumber(text: string, kind: "number" | "charConstant" | "complex"): NumberLiteral {
  const n: NumberLiteral = {
    text,
    isInt: false,
    isUint: false,
    isFloat: false,
    isComplex: false,
    int64: 0n,
    uint64: 0n,
    float64: 0,
  };
  if (kind === "complex") {
    n.isComplex = true;
    return n;
  }
  if (kind === "charConstant") {
    const body = text.slice(1, -1);
    if (text[text.length - 1] !== "'" || body === "")
      throw new LiteralError(`malformed character constant: ${text}`);
    const s = unescapeGo(body, "'");
    const cps = Array.from(s);
    if (cps.length !== 1) throw new LiteralError(`malformed character constant: ${text}`);
    const r = BigInt(cps[0]?.codePointAt(0) ?? 0);
    Object.assign(n, { isInt: true, isUint: true, isFloat: true, int64: r, uint64: r, float64: Number(r) });
    return n;
  }
  if (text.endsWith("i")) {
    // Imaginary literals: kept as complex unless zero, as Go's simplifyComplex does.
    const f = parseGoFloat(text.slice(0, -1));
    if (f === undefined) throw new LiteralError(`illegal number syntax: ${quote(text)}`);
    if (f !== 0) {
      n.isComplex = true;
      return n;
    }
    return Object.assign(n, { isFloat: true, isInt: true, isUint: true, float64: 0, int64: 0n, uint64: 0n });
  }
  const u = parseGoInteger(text, false);
  if (u !== undefined) {
    n.isUint = true;
    n.uint64 = u;
  }
  const i = parseGoInteger(text, true);
  if (i !== undefined) {
    n.isInt = true;
    n.int64 = i;
    if (i === 0n) {
      n.isUint = true;
      n.uint64 = 0n;
    }
  }
  if (n.isInt) {
    n.isFloat = true;
    n.float64 = Number(n.int64);
  } else if (n.isUint) {
    n.isFloat = true;
    n.float64 = Number(n.uint64);
  } else {
    const f = parseGoFloat(text);
    if (f !== undefined && Number.isFinite(f)) {
      if (!/[.eEpP]/.test(text)) throw new LiteralError(`integer overflow: ${quote(text)}`);
      n.isFloat = true;
      n.float64 = f;
      if (Number.isInteger(f)) {
        const b = BigInt(f);
        if (b >= INT64_MIN && b <= INT64_MAX) [n.isInt, n.int64] = [true, b];
        if (b >= 0n && b <= UINT64_MAX) [n.isUint, n.uint64] = [true, b];
      }
    }
  }
  if (!n.isInt && !n.isUint && !n.isFloat) throw new LiteralError(`illegal number syntax: ${quote(text)}`);
  return n;
}
