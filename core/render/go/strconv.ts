/**
 * The part of Go's strconv that fmt and cast need, ported from src/strconv: FormatFloat (shortest and
 * fixed precisions, 'e'/'f'/'g'/'b'/'x'), Quote/QuoteToASCII/QuoteRune/CanBackquote, and ParseInt/
 * ParseFloat. Kept apart from fmt.ts so that the verb engine reads on its own.
 */

// ---------------------------------------------------------------------------------------------------
// strconv: FormatFloat rounds half to even on the exact binary value, as Go does; JavaScript's
// toFixed/toPrecision round ties away from zero, so fixed precisions use the exact decimal expansion.

interface Decimal {
  d: string;
  dp: number;
}

function shortestDecimal(abs: number): Decimal {
  if (abs === 0) return { d: "", dp: 0 };
  // toExponential() without an argument gives the shortest round-trip digits, as Go's shortest does.
  const s = abs.toExponential();
  const e = s.indexOf("e");
  const d = s.slice(0, e).replace(".", "").replace(/0+$/, "");
  return { d, dp: Number(s.slice(e + 1)) + 1 };
}

/** The mantissa and binary exponent of a finite double: abs = mant * 2^exp. */
function frexp(abs: number): { mant: bigint; exp: number; rawExp: number; rawMant: bigint } {
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, abs);
  const bits = view.getBigUint64(0);
  const rawExp = Number((bits >> 52n) & 0x7ffn);
  const rawMant = bits & ((1n << 52n) - 1n);
  if (rawExp === 0) return { mant: rawMant, exp: -1074, rawExp, rawMant };
  return { mant: rawMant | (1n << 52n), exp: rawExp - 1075, rawExp, rawMant };
}

function exactDecimal(abs: number): Decimal {
  if (abs === 0) return { d: "", dp: 0 };
  const { mant, exp } = frexp(abs);
  let digits: string;
  let dp: number;
  if (exp >= 0) {
    digits = (mant << BigInt(exp)).toString();
    dp = digits.length;
  } else {
    digits = (mant * 5n ** BigInt(-exp)).toString();
    dp = digits.length + exp;
  }
  return { d: digits.replace(/0+$/, ""), dp };
}

/** Go's decimal.Round(nd): half to even when exactly halfway, otherwise to nearest. */
function roundDecimal(x: Decimal, nd: number): Decimal {
  if (nd < 0 || nd >= x.d.length) return x;
  const c = x.d.charCodeAt(nd) - 48;
  let up: boolean;
  if (c === 5 && nd + 1 === x.d.length) up = nd > 0 && (x.d.charCodeAt(nd - 1) - 48) % 2 === 1;
  else up = c >= 5;
  if (!up) {
    const d = x.d.slice(0, nd).replace(/0+$/, "");
    return { d, dp: d === "" ? 0 : x.dp };
  }
  let i = nd - 1;
  while (i >= 0 && x.d[i] === "9") i--;
  if (i < 0) return { d: "1", dp: x.dp + 1 };
  return { d: x.d.slice(0, i) + String.fromCharCode(x.d.charCodeAt(i) + 1), dp: x.dp };
}

function fmtE(neg: boolean, x: Decimal, prec: number, ch: string): string {
  let out = neg ? "-" : "";
  out += x.d.length ? x.d[0] : "0";
  if (prec > 0) {
    out += ".";
    const frac = x.d.slice(1, prec + 1);
    out += frac + "0".repeat(prec - frac.length);
  }
  let exp = x.d.length === 0 ? 0 : x.dp - 1;
  out += ch;
  if (exp < 0) {
    out += "-";
    exp = -exp;
  } else out += "+";
  return out + (exp < 10 ? `0${exp}` : String(exp));
}

function fmtF(neg: boolean, x: Decimal, prec: number): string {
  let out = neg ? "-" : "";
  if (x.dp > 0) {
    const m = Math.min(x.d.length, x.dp);
    out += x.d.slice(0, m) + "0".repeat(x.dp - m);
  } else out += "0";
  if (prec > 0) {
    out += ".";
    for (let i = 1; i <= prec; i++) {
      const j = x.dp + i - 1;
      out += j >= 0 && j < x.d.length ? x.d[j] : "0";
    }
  }
  return out;
}

function fmtB(neg: boolean, abs: number): string {
  const { mant, exp, rawExp } = frexp(abs);
  // Go prints the mantissa with the implicit bit and the exponent of its lowest bit.
  const e = abs === 0 ? -1074 : rawExp === 0 ? -1074 : exp;
  return `${neg ? "-" : ""}${mant}p${e < 0 ? "" : "+"}${e}`;
}

const MASK64 = (1n << 64n) - 1n;

function fmtX(neg: boolean, abs: number, prec: number, verb: "x" | "X"): string {
  const { rawExp, rawMant } = frexp(abs);
  let mant = rawMant;
  let exp = rawExp;
  if (exp === 0) exp++;
  else mant |= 1n << 52n;
  exp -= 1023;
  if (mant === 0n) exp = 0;
  mant = (mant << 8n) & MASK64; // leading 1 at bit 60
  while (mant !== 0n && (mant & (1n << 60n)) === 0n) {
    mant = (mant << 1n) & MASK64;
    exp--;
  }
  if (prec >= 0 && prec < 15) {
    const shift = BigInt(prec * 4);
    const extra = (mant << shift) & ((1n << 60n) - 1n);
    mant >>= 60n - shift;
    if ((extra | (mant & 1n)) > 1n << 59n) mant++;
    mant <<= 60n - shift;
    if ((mant & (1n << 61n)) !== 0n) {
      mant >>= 1n;
      exp++;
    }
  }
  const hex = verb === "X" ? "0123456789ABCDEF" : "0123456789abcdef";
  let out = `${neg ? "-" : ""}0${verb}${(mant >> 60n) & 1n}`;
  mant = (mant << 4n) & MASK64;
  if (prec < 0 && mant !== 0n) {
    out += ".";
    while (mant !== 0n) {
      out += hex[Number((mant >> 60n) & 15n)];
      mant = (mant << 4n) & MASK64;
    }
  } else if (prec > 0) {
    out += ".";
    for (let i = 0; i < prec; i++) {
      out += hex[Number((mant >> 60n) & 15n)];
      mant = (mant << 4n) & MASK64;
    }
  }
  out += verb === "X" ? "P" : "p";
  if (exp < 0) {
    out += "-";
    exp = -exp;
  } else out += "+";
  return out + (exp < 10 ? `0${exp}` : String(exp));
}

/** strconv.FormatFloat(v, fmt, prec, 64). */
export function formatFloat(v: number, fmt: string, prec: number): string {
  if (Number.isNaN(v)) return "NaN";
  if (v === Infinity) return "+Inf";
  if (v === -Infinity) return "-Inf";
  const neg = v < 0 || Object.is(v, -0);
  const abs = Math.abs(v);
  if (fmt === "b") return fmtB(neg, abs);
  if (fmt === "x" || fmt === "X") return fmtX(neg, abs, prec, fmt);
  const shortest = prec < 0;
  // %v of a whole number below a million (ports, counts): 'g' writes its digits as they are.
  if (shortest && (fmt === "g" || fmt === "G") && abs >= 1 && abs < 1e6 && Number.isInteger(abs))
    return neg ? `-${abs}` : String(abs);
  let x: Decimal;
  if (shortest) {
    x = shortestDecimal(abs);
    if (fmt === "e" || fmt === "E") prec = Math.max(x.d.length - 1, 0);
    else if (fmt === "f") prec = Math.max(x.d.length - x.dp, 0);
    else prec = x.d.length;
  } else {
    x = exactDecimal(abs);
    if (fmt === "f") x = roundDecimal(x, x.dp + prec);
    else {
      if ((fmt === "g" || fmt === "G") && prec === 0) prec = 1;
      x = roundDecimal(x, fmt === "e" || fmt === "E" ? prec + 1 : prec);
    }
  }
  switch (fmt) {
    case "e":
    case "E":
      return fmtE(neg, x, prec, fmt);
    case "f":
      return fmtF(neg, x, prec);
    case "g":
    case "G": {
      let eprec = prec;
      if (eprec > x.d.length && x.d.length >= x.dp) eprec = x.d.length;
      if (shortest) eprec = 6;
      const exp = x.dp - 1;
      if (exp < -4 || exp >= eprec) {
        if (prec > x.d.length) prec = x.d.length;
        return fmtE(neg, x, prec - 1, fmt === "g" ? "e" : "E");
      }
      if (prec > x.dp) prec = x.d.length;
      return fmtF(neg, x, Math.max(prec - x.dp, 0));
    }
  }
  return `%${fmt}`;
}

// ---------------------------------------------------------------------------------------------------
// Quoting

const PRINTABLE = /^[\p{L}\p{M}\p{N}\p{P}\p{S}]$/u;

/** unicode.IsPrint as strconv uses it: letters, marks, numbers, punctuation, symbols and ASCII space. */
export function isPrint(r: number): boolean {
  if (r < 0x20 || r === 0x7f) return false;
  if (r < 0x7f) return true;
  if (r >= 0xd800 && r <= 0xdfff) return false;
  return PRINTABLE.test(String.fromCodePoint(r));
}

function hex(n: number, width: number): string {
  return n.toString(16).padStart(width, "0");
}

function escapeRune(r: number, quote: number, ascii: boolean): string {
  if (r === quote || r === 0x5c) return `\\${String.fromCodePoint(r)}`;
  if (ascii ? r < 0x80 && isPrint(r) : isPrint(r)) return String.fromCodePoint(r);
  switch (r) {
    case 7:
      return "\\a";
    case 8:
      return "\\b";
    case 12:
      return "\\f";
    case 10:
      return "\\n";
    case 13:
      return "\\r";
    case 9:
      return "\\t";
    case 11:
      return "\\v";
  }
  if (r < 0x20 || r === 0x7f) return `\\x${hex(r, 2)}`;
  if (r > 0x10ffff || (r >= 0xd800 && r <= 0xdfff)) return "\\ufffd";
  if (r < 0x10000) return `\\u${hex(r, 4)}`;
  return `\\U${hex(r, 8)}`;
}

function quoteWith(s: string, quote: number, ascii: boolean): string {
  let out = String.fromCharCode(quote);
  for (const ch of s) out += escapeRune(ch.codePointAt(0) ?? 0, quote, ascii);
  return out + String.fromCharCode(quote);
}

/** strconv.Quote: Go escapes, printable Unicode kept. */
export const quote = (s: string): string => quoteWith(s, 0x22, false);
/** strconv.QuoteToASCII. */
export const quoteToASCII = (s: string): string => quoteWith(s, 0x22, true);

/** strconv.QuoteRune (invalid runes become U+FFFD). */
export function quoteRune(r: number, ascii = false): string {
  const valid = r >= 0 && r <= 0x10ffff && !(r >= 0xd800 && r <= 0xdfff);
  return `'${escapeRune(valid ? r : 0xfffd, 0x27, ascii)}'`;
}

/** strconv.CanBackquote: no control characters but tab, no backquote, no U+FEFF, valid UTF-8. */
export function canBackquote(s: string): boolean {
  for (const ch of s) {
    const r = ch.codePointAt(0) ?? 0;
    if (r === 0x60 || r === 0xfeff || r === 0x7f || (r < 0x20 && r !== 9)) return false;
    if (r >= 0xd800 && r <= 0xdfff) return false;
  }
  return true;
}

// ---------------------------------------------------------------------------------------------------
// strconv.ParseInt and ParseFloat, which cast uses for strings

const INT64_MAX = (1n << 63n) - 1n;
export const INT64_MIN = -(1n << 63n);

/** Go's underscoreOK: `_` only between digits (or after a base prefix). */
function underscoreOK(s: string): boolean {
  let saw = "^";
  let i = 0;
  if (s[0] === "-" || s[0] === "+") s = s.slice(1);
  let hex = false;
  if (s.length >= 2 && s[0] === "0" && "bBoOxX".includes(s[1] ?? "")) {
    i = 2;
    saw = "0";
    hex = s[1] === "x" || s[1] === "X";
  }
  for (; i < s.length; i++) {
    const c = s[i] ?? "";
    if ((c >= "0" && c <= "9") || (hex && /[a-fA-F]/.test(c))) {
      saw = "0";
      continue;
    }
    if (c === "_") {
      if (saw !== "0") return false;
      saw = "_";
      continue;
    }
    if (saw === "_") return false;
    saw = "!";
  }
  return saw !== "_";
}

/**
 * strconv.ParseInt(s, base, 64). Returns the value, or an error kind: "syntax", or "range" together
 * with the clamped value Go returns alongside the range error.
 */
export function parseGoInt(s: string, base: number): { value: bigint; err?: "syntax" | "range" } {
  const s0 = s;
  if (s === "") return { value: 0n, err: "syntax" };
  let neg = false;
  if (s[0] === "+" || s[0] === "-") {
    neg = s[0] === "-";
    s = s.slice(1);
  }
  let b = base;
  if (base === 0) {
    b = 10;
    if (s[0] === "0") {
      const p = (s[1] ?? "").toLowerCase();
      if (s.length >= 3 && p === "b") [b, s] = [2, s.slice(2)];
      else if (s.length >= 3 && p === "o") [b, s] = [8, s.slice(2)];
      else if (s.length >= 3 && p === "x") [b, s] = [16, s.slice(2)];
      else [b, s] = [8, s.slice(1)];
    }
  }
  if (s === "" && !(base === 0 && b === 8 && /^[+-]?0$/.test(s0))) return { value: 0n, err: "syntax" };
  let n = 0n;
  let underscores = false;
  for (const c of s) {
    if (c === "_" && base === 0) {
      underscores = true;
      continue;
    }
    const d = Number.parseInt(c, 36);
    if (Number.isNaN(d) || d >= b) return { value: 0n, err: "syntax" };
    n = n * BigInt(b) + BigInt(d);
  }
  if (underscores && !underscoreOK(s0)) return { value: 0n, err: "syntax" };
  if (neg) n = -n;
  if (n > INT64_MAX) return { value: INT64_MAX, err: "range" };
  if (n < INT64_MIN) return { value: INT64_MIN, err: "range" };
  return { value: n };
}

/** strconv.ParseFloat(s, 64); undefined on any error (cast turns errors into 0). */
export function parseGoFloat(s: string): number | undefined {
  const special = /^([+-]?)(inf|infinity|nan)$/i.exec(s);
  if (special) {
    if (special[2]?.toLowerCase() === "nan") return special[1] ? undefined : Number.NaN;
    return special[1] === "-" ? -Infinity : Infinity;
  }
  if (s.includes("_") && !underscoreOK(s)) return undefined;
  const t = s.replaceAll("_", "");
  let v: number;
  if (/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(t)) v = Number(t);
  else {
    const m = /^([+-]?)0[xX]([0-9a-fA-F]*)\.?([0-9a-fA-F]*)[pP]([+-]?\d+)$/.exec(t);
    if (!m || (m[2] === "" && m[3] === "")) return undefined;
    const mant = BigInt(`0x${m[2] || "0"}${m[3] ?? ""}`);
    v = Number(mant) * 2 ** (Number(m[4]) - 4 * (m[3] ?? "").length);
    if (m[1] === "-") v = -v;
  }
  return Number.isFinite(v) ? v : undefined;
}
