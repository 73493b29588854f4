/**
 * Go's fmt (Sprint, Sprintln, Sprintf and %v) over the shared Go value model, ported from
 * src/fmt/print.go and format.go; the part of strconv it needs (FormatFloat, Quote) is in
 * strconv.ts. Templates print every value through these rules, so a float64 1000000 is `1e+06`, a
 * map is `map[a:1 b:2]` with sorted keys and a bad verb is `%!d(string=x)`, exactly as istiod
 * writes them.
 */
import { canBackquote, formatFloat, isPrint, quote, quoteRune, quoteToASCII } from "./strconv.ts";
import {
  deref,
  enumName,
  enumNumber,
  fromJSON,
  type GoType,
  type GoValue,
  isNilTyped,
  isPlainMap,
  kindOf,
  mapEntries,
  sliceElems,
  Typed,
  typed,
} from "./values.ts";

// Re-exported so fmt.ts keeps its exports (the lexer, parser and builtins import quote and isPrint).
export { canBackquote, formatFloat, isPrint, quote, quoteRune, quoteToASCII } from "./strconv.ts";

// ---------------------------------------------------------------------------------------------------
// Type names (%T and the error forms)

/** Go's reflect.Type.String() of a descriptor: what %T prints. */
export function typeName(t: GoType): string {
  switch (t.kind) {
    case "struct":
    case "enum":
      return t.name;
    case "ptr":
      return `*${typeName(t.elem)}`;
    case "slice":
      return `[]${typeName(t.elem)}`;
    case "map":
      return t.name ?? `map[string]${typeName(t.elem)}`;
    case "interface":
      return "interface {}";
    case "duration":
      return "*durationpb.Duration";
    default:
      return t.name ?? t.kind;
  }
}

/** Go's reflect type string of a value, as %T prints it (`<nil>` for nil and the invalid value). */
export function typeString(v: GoValue): string {
  if (v === undefined || v === null) return "<nil>";
  switch (typeof v) {
    case "string":
      return "string";
    case "boolean":
      return "bool";
    case "number":
      return "float64";
    case "bigint":
      return "int";
  }
  if (Array.isArray(v)) return "[]interface {}";
  if (v instanceof Typed) return v.type.kind === "interface" ? typeString(fromJSON(v.raw)) : typeName(v.type);
  return "map[string]interface {}";
}

// ---------------------------------------------------------------------------------------------------
// The printer

interface Flags {
  widPresent: boolean;
  precPresent: boolean;
  minus: boolean;
  plus: boolean;
  sharp: boolean;
  space: boolean;
  zero: boolean;
  plusV: boolean;
  sharpV: boolean;
  wid: number;
  prec: number;
}

const noFlags = (): Flags => ({
  widPresent: false,
  precPresent: false,
  minus: false,
  plus: false,
  sharp: false,
  space: false,
  zero: false,
  plusV: false,
  sharpV: false,
  wid: 0,
  prec: 0,
});

const LDIGITS = "0123456789abcdefx";
const UDIGITS = "0123456789ABCDEFX";
/** A stable stand-in for a non-nil pointer's address; real addresses are not reproducible anyway. */
const FAKE_ADDR = 0xc000010000n;
const runeCount = (s: string): number => {
  let n = 0;
  for (const _ of s) n++;
  return n;
};

class Printer {
  buf = "";
  f: Flags = noFlags();
  erroring = false;

  // -- padding (format.go)

  writePadding(n: number): void {
    if (n <= 0) return;
    this.buf += (this.f.zero && !this.f.minus ? "0" : " ").repeat(n);
  }

  pad(s: string): void {
    const f = this.f;
    if (!f.widPresent || f.wid === 0) {
      this.buf += s;
      return;
    }
    const width = f.wid - runeCount(s);
    if (!f.minus) {
      this.writePadding(width);
      this.buf += s;
    } else {
      this.buf += s;
      this.writePadding(width);
    }
  }

  truncate(s: string): string {
    if (!this.f.precPresent) return s;
    let n = this.f.prec;
    let i = 0;
    for (const ch of s) {
      if (--n < 0) return s.slice(0, i);
      i += ch.length;
    }
    return s;
  }

  fmtS(s: string): void {
    this.pad(this.truncate(s));
  }

  fmtSx(s: string, digits: string): void {
    const f = this.f;
    let bytes = Buffer.from(s, "utf8");
    if (f.precPresent && f.prec < bytes.length) bytes = bytes.subarray(0, f.prec);
    let width = 2 * bytes.length;
    if (width === 0) {
      if (f.widPresent) this.writePadding(f.wid);
      return;
    }
    if (f.space) {
      if (f.sharp) width *= 2;
      width += bytes.length - 1;
    } else if (f.sharp) width += 2;
    if (f.widPresent && f.wid > width && !f.minus) this.writePadding(f.wid - width);
    let out = f.sharp ? `0${digits[16]}` : "";
    bytes.forEach((c, i) => {
      if (f.space && i > 0) out += f.sharp ? ` 0${digits[16]}` : " ";
      out += (digits[c >> 4] ?? "") + (digits[c & 15] ?? "");
    });
    this.buf += out;
    if (f.widPresent && f.wid > width && f.minus) this.writePadding(f.wid - width);
  }

  fmtQ(s: string): void {
    s = this.truncate(s);
    if (this.f.sharp && canBackquote(s)) this.pad(`\`${s}\``);
    else this.pad(this.f.plus ? quoteToASCII(s) : quote(s));
  }

  fmtInteger(v: bigint, base: number, verb: string, digits: string): void {
    const f = this.f;
    const negative = v < 0n;
    const u = negative ? -v : v;
    let prec = 0;
    if (f.precPresent) {
      prec = f.prec;
      if (prec === 0 && u === 0n) {
        const oldZero = f.zero;
        f.zero = false;
        this.writePadding(f.wid);
        f.zero = oldZero;
        return;
      }
    } else if (f.zero && !f.minus && f.widPresent) {
      prec = f.wid;
      if (negative || f.plus || f.space) prec--;
    }
    let s = u.toString(base);
    if (digits === UDIGITS) s = s.toUpperCase();
    if (s.length < prec) s = "0".repeat(prec - s.length) + s;
    if (f.sharp) {
      if (base === 2) s = `0b${s}`;
      else if (base === 8 && s[0] !== "0") s = `0${s}`;
      else if (base === 16) s = `0${digits[16]}${s}`;
    }
    if (verb === "O") s = `0o${s}`;
    if (negative) s = `-${s}`;
    else if (f.plus) s = `+${s}`;
    else if (f.space) s = ` ${s}`;
    const oldZero = f.zero;
    f.zero = false;
    this.pad(s);
    f.zero = oldZero;
  }

  fmtUnicode(v: bigint): void {
    const f = this.f;
    const u = BigInt.asUintN(64, v);
    let s = u.toString(16).toUpperCase();
    const prec = f.precPresent && f.prec > 4 ? f.prec : 4;
    if (s.length < prec) s = "0".repeat(prec - s.length) + s;
    s = `U+${s}`;
    if (f.sharp && u <= 0x10ffffn && isPrint(Number(u))) s += ` '${String.fromCodePoint(Number(u))}'`;
    const oldZero = f.zero;
    f.zero = false;
    this.pad(s);
    f.zero = oldZero;
  }

  runeOf(v: bigint): number {
    const u = BigInt.asUintN(64, v);
    const r = u > 0x10ffffn ? 0xfffd : Number(u);
    return r >= 0xd800 && r <= 0xdfff ? 0xfffd : r;
  }

  fmtFloat(v: number, verb: string, prec: number): void {
    const f = this.f;
    if (f.precPresent) prec = f.prec;
    let num = formatFloat(v, verb, prec);
    num = num[0] === "-" || num[0] === "+" ? num : `+${num}`;
    if (f.space && num[0] === "+" && !f.plus) num = ` ${num.slice(1)}`;
    if (num[1] === "I" || num[1] === "N") {
      const oldZero = f.zero;
      f.zero = false;
      if (num[1] === "N" && !f.space && !f.plus) num = num.slice(1);
      this.pad(num);
      f.zero = oldZero;
      return;
    }
    if (f.sharp && verb !== "b") {
      let digits = 0;
      if (verb === "v" || verb === "g" || verb === "G" || verb === "x") digits = prec === -1 ? 6 : prec;
      let tail = "";
      let hasDot = false;
      let sawNonzero = false;
      let body = num[0] ?? "";
      for (let i = 1; i < num.length; i++) {
        const c = num[i] ?? "";
        if (c === ".") hasDot = true;
        else if (c === "p" || c === "P" || ((c === "e" || c === "E") && verb !== "x" && verb !== "X")) {
          tail = num.slice(i);
          break;
        } else {
          if (c !== "0") sawNonzero = true;
          if (sawNonzero) digits--;
        }
        body += c;
      }
      if (!hasDot) {
        if (body.length === 2 && body[1] === "0") digits--;
        body += ".";
      }
      if (digits > 0) body += "0".repeat(digits);
      num = body + tail;
    }
    if (f.plus || num[0] !== "+") {
      if (f.zero && !f.minus && f.widPresent && f.wid > num.length) {
        this.buf += num[0];
        this.writePadding(f.wid - num.length);
        this.buf += num.slice(1);
        return;
      }
      this.pad(num);
      return;
    }
    this.pad(num.slice(1));
  }

  // -- print.go

  badVerb(verb: string, v: GoValue): void {
    this.erroring = true;
    this.buf += `%!${verb}(`;
    if (v === null || v === undefined) this.buf += "<nil>";
    else {
      this.buf += `${typeString(v)}=`;
      this.printArg(v, "v");
    }
    this.buf += ")";
    this.erroring = false;
  }

  fmtBool(v: boolean, verb: string): void {
    if (verb === "t" || verb === "v") this.pad(v ? "true" : "false");
    else this.badVerb(verb, v);
  }

  fmt0x64(v: bigint, leading0x: boolean): void {
    const sharp = this.f.sharp;
    this.f.sharp = leading0x;
    this.fmtInteger(v, 16, "v", LDIGITS);
    this.f.sharp = sharp;
  }

  printInteger(v: bigint, verb: string, self: GoValue): void {
    switch (verb) {
      case "v":
      case "d":
        this.fmtInteger(v, 10, verb, LDIGITS);
        return;
      case "b":
        this.fmtInteger(v, 2, verb, LDIGITS);
        return;
      case "o":
      case "O":
        this.fmtInteger(v, 8, verb, LDIGITS);
        return;
      case "x":
        this.fmtInteger(v, 16, verb, LDIGITS);
        return;
      case "X":
        this.fmtInteger(v, 16, verb, UDIGITS);
        return;
      case "c":
        this.pad(String.fromCodePoint(this.runeOf(v)));
        return;
      case "q":
        this.pad(quoteRune(this.runeOf(v), this.f.plus));
        return;
      case "U":
        this.fmtUnicode(v);
        return;
      default:
        this.badVerb(verb, self);
        return;
    }
  }

  printFloat(v: number, verb: string): void {
    switch (verb) {
      case "v":
        this.fmtFloat(v, "g", -1);
        return;
      case "b":
      case "g":
      case "G":
      case "x":
      case "X":
        this.fmtFloat(v, verb, -1);
        return;
      case "f":
      case "e":
      case "E":
        this.fmtFloat(v, verb, 6);
        return;
      case "F":
        this.fmtFloat(v, "f", 6);
        return;
      default:
        this.badVerb(verb, v);
        return;
    }
  }

  fmtString(v: string, verb: string, self: GoValue): void {
    switch (verb) {
      case "v":
        if (this.f.sharpV) this.fmtQ(v);
        else this.fmtS(v);
        return;
      case "s":
        this.fmtS(v);
        return;
      case "x":
        this.fmtSx(v, LDIGITS);
        return;
      case "X":
        this.fmtSx(v, UDIGITS);
        return;
      case "q":
        this.fmtQ(v);
        return;
      default:
        this.badVerb(verb, self);
        return;
    }
  }

  fmtPointer(v: GoValue, verb: string): void {
    const nil = v instanceof Typed && isNilTyped(v);
    const u = nil ? 0n : FAKE_ADDR;
    const pointerLike =
      Array.isArray(v) ||
      isPlainMap(v) ||
      (v instanceof Typed && ["ptr", "slice", "map", "duration"].includes(v.type.kind));
    if (!pointerLike) {
      this.badVerb(verb, v);
      return;
    }
    switch (verb) {
      case "v":
        if (this.f.sharpV) {
          this.buf += `(${typeString(v)})(`;
          if (nil) this.buf += "nil";
          else this.fmt0x64(u, true);
          this.buf += ")";
        } else if (nil) this.pad("<nil>");
        else this.fmt0x64(u, !this.f.sharp);
        return;
      case "p":
        this.fmt0x64(u, !this.f.sharp);
        return;
      case "b":
      case "o":
      case "d":
      case "x":
      case "X":
        this.printInteger(u, verb, v);
        return;
      default:
        this.badVerb(verb, v);
        return;
    }
  }

  /** Stringer: enums, durations and declared types with a String method print their String(). */
  handleMethods(v: GoValue, verb: string): boolean {
    if (this.erroring || this.f.sharpV || !(v instanceof Typed)) return false;
    if (!["v", "s", "x", "X", "q"].includes(verb)) return false;
    let s: string | undefined;
    if (v.type.kind === "enum") s = enumName(v);
    else if (v.type.kind === "duration") s = isNilTyped(v) ? "<nil>" : durationText(v.raw);
    else {
      const t = v.type.kind === "ptr" ? v.type.elem : v.type;
      const method = t.kind === "struct" ? t.methods?.String : undefined;
      if (!method) return false;
      if (isNilTyped(v)) s = "<nil>";
      else {
        const out = method(v.type.kind === "ptr" ? (deref(v) as Typed) : v, []);
        s = typeof out === "string" ? out : formatV(out);
      }
    }
    this.fmtString(s, verb, v);
    return true;
  }

  printArg(arg: GoValue, verb: string): void {
    if (arg === null) {
      if (verb === "T" || verb === "v") this.pad("<nil>");
      else this.badVerb(verb, arg);
      return;
    }
    if (verb === "T") {
      this.fmtS(typeString(arg));
      return;
    }
    if (verb === "p") {
      this.fmtPointer(arg, "p");
      return;
    }
    switch (typeof arg) {
      case "boolean":
        this.fmtBool(arg, verb);
        return;
      case "number":
        this.printFloat(arg, verb);
        return;
      case "bigint":
        this.printInteger(arg, verb, arg);
        return;
      case "string":
        this.fmtString(arg, verb, arg);
        return;
    }
    if (!this.handleMethods(arg, verb)) this.printValue(arg, verb, 0);
  }

  printValue(v: GoValue, verb: string, depth: number): void {
    if (depth > 0 && v !== undefined && v !== null && this.handleMethods(v, verb)) return;
    const f = this.f;
    if (v === undefined || v === null) {
      // A nil interface inside a composite; the invalid value itself only at the top.
      if (depth === 0 && v === undefined) this.buf += "<invalid reflect.Value>";
      else if (f.sharpV) this.buf += "interface {}(nil)";
      else if (verb === "v" || v === null) this.buf += "<nil>";
      else this.badVerb(verb, v);
      return;
    }
    switch (typeof v) {
      case "boolean":
        this.fmtBool(v, verb);
        return;
      case "number":
        this.printFloat(v, verb);
        return;
      case "bigint":
        this.printInteger(v, verb, v);
        return;
      case "string":
        this.fmtString(v, verb, v);
        return;
    }
    if (v instanceof Typed) {
      this.printTyped(v, verb, depth);
      return;
    }
    if (Array.isArray(v)) {
      this.printList(v, verb, depth, v);
      return;
    }
    this.printMap(v, verb, depth);
    return;
  }

  printTyped(v: Typed, verb: string, depth: number): void {
    const t = v.type;
    switch (t.kind) {
      case "struct":
        this.printStruct(v, t, verb, depth);
        return;
      case "map":
        this.printMap(v, verb, depth);
        return;
      case "slice":
        this.printList(sliceElems(v) ?? [], verb, depth, v);
        return;
      case "enum":
        this.printInteger(BigInt(enumNumber(v)), verb, v);
        return;
      case "ptr":
        if (depth === 0 && !isNilTyped(v) && ["struct", "slice", "map"].includes(t.elem.kind)) {
          this.buf += "&";
          this.printValue(deref(v), verb, depth + 1);
          return;
        }
        this.fmtPointer(v, verb);
        return;
      case "duration":
        this.fmtPointer(v, verb);
        return;
      default:
        this.printValue(typed(t, v.raw), verb, depth);
        return;
    }
  }

  printMap(v: GoValue, verb: string, depth: number): void {
    const f = this.f;
    if (f.sharpV) {
      this.buf += typeString(v);
      if (v instanceof Typed && isNilTyped(v)) {
        this.buf += "(nil)";
        return;
      }
      this.buf += "{";
    } else this.buf += "map[";
    (mapEntries(v) ?? []).forEach(([k, x], i) => {
      if (i > 0) this.buf += f.sharpV ? ", " : " ";
      this.printValue(k, verb, depth + 1);
      this.buf += ":";
      this.printValue(x, verb, depth + 1);
    });
    this.buf += f.sharpV ? "}" : "]";
  }

  printList(elems: GoValue[], verb: string, depth: number, self: GoValue): void {
    if (this.f.sharpV) {
      this.buf += typeString(self);
      if (self instanceof Typed && isNilTyped(self)) {
        this.buf += "(nil)";
        return;
      }
      this.buf += "{";
    } else this.buf += "[";
    elems.forEach((x, i) => {
      if (i > 0) this.buf += this.f.sharpV ? ", " : " ";
      this.printValue(x === undefined ? null : x, verb, depth + 1);
    });
    this.buf += this.f.sharpV ? "}" : "]";
  }

  printStruct(v: Typed, t: GoType & { kind: "struct" }, verb: string, depth: number): void {
    const f = this.f;
    if (f.sharpV) this.buf += t.name;
    this.buf += "{";
    const raw = isPlainMap(v.raw) ? (v.raw as Record<string, unknown>) : {};
    t.fields.forEach((field, i) => {
      if (i > 0) this.buf += f.sharpV ? ", " : " ";
      if (f.plusV || f.sharpV) this.buf += `${field.go}:`;
      const x = field.embedded ? typed(field.type, v.raw) : typed(field.type, raw[field.json]);
      this.printValue(x, verb, depth + 1);
    });
    this.buf += "}";
  }

  // -- Printf

  doPrintf(format: string, a: GoValue[]): void {
    const end = format.length;
    let argNum = 0;
    let afterIndex = false;
    let reordered = false;
    let goodArgNum = true;
    const f = () => this.f;

    const parsenum = (start: number): [number, boolean, number] => {
      let num = 0;
      let isnum = false;
      let i = start;
      for (; i < end && format[i]! >= "0" && format[i]! <= "9"; i++) {
        if (num > 1e6 || num < -1e6) return [0, false, end];
        num = num * 10 + (format.charCodeAt(i) - 48);
        isnum = true;
      }
      return [num, isnum, i];
    };
    const argNumber = (i: number): [number, number, boolean] => {
      if (end <= i || format[i] !== "[") return [argNum, i, false];
      reordered = true;
      // parseArgNumber
      let index = 0;
      let wid = 1;
      let ok = false;
      if (end - i >= 3) {
        for (let j = i + 1; j < end; j++) {
          if (format[j] === "]") {
            const [n, isnum, newi] = parsenum(i + 1);
            if (!isnum || newi !== j) {
              wid = j - i + 1;
              break;
            }
            index = n - 1;
            wid = j - i + 1;
            ok = true;
            break;
          }
        }
      }
      if (ok && index >= 0 && index < a.length) return [index, i + wid, true];
      goodArgNum = false;
      return [argNum, i + wid, ok];
    };
    const intFromArg = (): [number, boolean] => {
      let num = 0;
      let isInt = false;
      if (argNum < a.length) {
        const x = a[argNum];
        if (
          typeof x === "bigint" &&
          x >= BigInt(Number.MIN_SAFE_INTEGER) &&
          x <= BigInt(Number.MAX_SAFE_INTEGER)
        ) {
          num = Number(x);
          isInt = true;
        }
        argNum++;
        if (num > 1e6 || num < -1e6) {
          num = 0;
          isInt = false;
        }
      }
      return [num, isInt];
    };

    let i = 0;
    formatLoop: while (i < end) {
      goodArgNum = true;
      const lasti = i;
      while (i < end && format[i] !== "%") i++;
      if (i > lasti) this.buf += format.slice(lasti, i);
      if (i >= end) break;
      i++;
      this.f = noFlags();
      simple: for (; i < end; i++) {
        const c = format[i] as string;
        switch (c) {
          case "#":
            f().sharp = true;
            break;
          case "0":
            f().zero = true;
            break;
          case "+":
            f().plus = true;
            break;
          case "-":
            f().minus = true;
            break;
          case " ":
            f().space = true;
            break;
          default:
            if (c >= "a" && c <= "z" && argNum < a.length) {
              if (c === "v") {
                f().sharpV = f().sharp;
                f().sharp = false;
                f().plusV = f().plus;
                f().plus = false;
              }
              this.printArg(a[argNum], c);
              argNum++;
              i++;
              continue formatLoop;
            }
            break simple;
        }
      }
      [argNum, i, afterIndex] = argNumber(i);
      if (i < end && format[i] === "*") {
        i++;
        [f().wid, f().widPresent] = intFromArg();
        if (!f().widPresent) this.buf += "%!(BADWIDTH)";
        if (f().wid < 0) {
          f().wid = -f().wid;
          f().minus = true;
          f().zero = false;
        }
        afterIndex = false;
      } else {
        [f().wid, f().widPresent, i] = parsenum(i);
        if (afterIndex && f().widPresent) goodArgNum = false;
      }
      if (i + 1 < end && format[i] === ".") {
        i++;
        if (afterIndex) goodArgNum = false;
        [argNum, i, afterIndex] = argNumber(i);
        if (i < end && format[i] === "*") {
          i++;
          [f().prec, f().precPresent] = intFromArg();
          if (f().prec < 0) {
            f().prec = 0;
            f().precPresent = false;
          }
          if (!f().precPresent) this.buf += "%!(BADPREC)";
          afterIndex = false;
        } else {
          [f().prec, f().precPresent, i] = parsenum(i);
          if (!f().precPresent) {
            f().prec = 0;
            f().precPresent = true;
          }
        }
      }
      if (!afterIndex) [argNum, i, afterIndex] = argNumber(i);
      if (i >= end) {
        this.buf += "%!(NOVERB)";
        break;
      }
      const verb = String.fromCodePoint(format.codePointAt(i) ?? 0);
      i += verb.length;
      if (verb === "%") this.buf += "%";
      else if (!goodArgNum) this.buf += `%!${verb}(BADINDEX)`;
      else if (argNum >= a.length) this.buf += `%!${verb}(MISSING)`;
      else {
        if (verb === "v") {
          f().sharpV = f().sharp;
          f().sharp = false;
          f().plusV = f().plus;
          f().plus = false;
        }
        this.printArg(a[argNum], verb);
        argNum++;
      }
    }
    if (!reordered && argNum < a.length) {
      this.f = noFlags();
      this.buf += "%!(EXTRA ";
      a.slice(argNum).forEach((arg, k) => {
        if (k > 0) this.buf += ", ";
        if (arg === null || arg === undefined) this.buf += "<nil>";
        else {
          this.buf += `${typeString(arg)}=`;
          this.printArg(arg, "v");
        }
      });
      this.buf += ")";
    }
  }
}

/** protobuf text of a google.protobuf.Duration from its JSON form ("1.5s"). */
function durationText(raw: unknown): string {
  const m = typeof raw === "string" ? /^(-)?(\d+)(?:\.(\d{1,9}))?s$/.exec(raw) : null;
  if (!m) return "";
  const sign = m[1] ? "-" : "";
  const seconds = BigInt(m[2] ?? "0");
  const nanos = Number((m[3] ?? "").padEnd(9, "0") || "0");
  const parts: string[] = [];
  if (seconds !== 0n) parts.push(`seconds:${sign}${seconds}`);
  if (nanos !== 0) parts.push(`nanos:${sign}${nanos}`);
  return parts.join(" ");
}

// ---------------------------------------------------------------------------------------------------
// Entry points

/** %v with no flags of a string, a bool, a number or a proto enum (its String()), without a printer. */
function quickV(v: GoValue): string | undefined {
  if (typeof v === "string") return v;
  if (typeof v === "boolean") return v ? "true" : "false";
  if (typeof v === "bigint") return v.toString();
  // fmtFloat adds nothing to a finite number's 'g' form when there are no flags.
  if (typeof v === "number" && Number.isFinite(v)) return formatFloat(v, "g", -1);
  if (v instanceof Typed && v.type.kind === "enum") return enumName(v);
  return undefined;
}

/** fmt's %v of one value (fmt.Sprint(v)). */
export function formatV(v: GoValue): string {
  const quick = quickV(v);
  if (quick !== undefined) return quick;
  const p = new Printer();
  p.printArg(v, "v");
  return p.buf;
}

/** fmt.Sprint: a space between operands when neither is a string. */
export function sprint(args: GoValue[]): string {
  // One string, bool or enum (Istio's `annotation` default, mostly) needs no printer.
  if (args.length === 1) {
    const a = args[0];
    const quick = quickV(a);
    if (quick !== undefined) return quick;
  }
  const p = new Printer();
  let prevString = false;
  args.forEach((arg, i) => {
    const isString = arg !== undefined && arg !== null && kindOf(arg) === "string";
    if (i > 0 && !isString && !prevString) p.buf += " ";
    p.f = noFlags();
    p.printArg(arg, "v");
    prevString = isString;
  });
  return p.buf;
}

/** fmt.Sprintln: spaces between all operands and a final newline. */
export function sprintln(args: GoValue[]): string {
  const p = new Printer();
  args.forEach((arg, i) => {
    if (i > 0) p.buf += " ";
    p.f = noFlags();
    p.printArg(arg, "v");
  });
  return `${p.buf}\n`;
}

/** fmt.Sprintf. */
export function sprintf(format: string, args: GoValue[]): string {
  const p = new Printer();
  p.doPrintf(format, args);
  return p.buf;
}
