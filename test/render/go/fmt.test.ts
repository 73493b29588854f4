/**
 * Go's fmt semantics, as tables ported from golang/go src/fmt/fmt_test.go (fmtTests, reorderTests,
 * startests, TestBlank, TestStructPrinter...). Go's int is a bigint here, float64 a number, nil null,
 * []interface{} an array and map[string]interface{} a plain object; declared types are Typed.
 */
import { describe, expect, it } from "vitest";
import { formatV, sprint, sprintf, sprintln, typeString } from "../../../core/render/go/fmt.ts";
import { type GoType, type GoValue, STRING, Typed } from "../../../core/render/go/values.ts";

type Row = [string, GoValue, string];

const NaN_ = Number.NaN;
const posInf = Infinity;
const negInf = -Infinity;
const zeroFill = (prefix: string, width: number, suffix: string) =>
  prefix + "0".repeat(width - suffix.length) + suffix;

const fmtTests: Row[] = [
  ["%d", 12345n, "12345"],
  ["%v", 12345n, "12345"],
  ["%t", true, "true"],
  // basic string
  ["%s", "abc", "abc"],
  ["%q", "abc", `"abc"`],
  ["%x", "abc", "616263"],
  ["%x", "\u00ff\u00f0", "c3bfc3b0"],
  ["%x", "", ""],
  ["% x", "", ""],
  ["%#x", "", ""],
  ["%# x", "", ""],
  ["%x", "xyz", "78797a"],
  ["%X", "xyz", "78797A"],
  ["% x", "xyz", "78 79 7a"],
  ["% X", "xyz", "78 79 7A"],
  ["%#x", "xyz", "0x78797a"],
  ["%#X", "xyz", "0X78797A"],
  ["%# x", "xyz", "0x78 0x79 0x7a"],
  ["%# X", "xyz", "0X78 0X79 0X7A"],
  // escaped strings
  ["%q", "", `""`],
  ["%#q", "", "``"],
  ["%q", '"', `"\\""`],
  ["%#q", '"', '`"`'],
  ["%q", "`", '"`"'],
  ["%#q", "`", '"`"'],
  ["%q", "\n", `"\\n"`],
  ["%#q", "\n", `"\\n"`],
  ["%q", "\\n", `"\\\\n"`],
  ["%#q", "\\n", "`\\n`"],
  ["%q", "abc", `"abc"`],
  ["%#q", "abc", "`abc`"],
  ["%q", "日本語", `"日本語"`],
  ["%+q", "日本語", `"\\u65e5\\u672c\\u8a9e"`],
  ["%#q", "日本語", "`日本語`"],
  ["%#+q", "日本語", "`日本語`"],
  ["%q", '\x07\b\f\n\r\t\v"\\', `"\\a\\b\\f\\n\\r\\t\\v\\"\\\\"`],
  ["%+q", '\x07\b\f\n\r\t\v"\\', `"\\a\\b\\f\\n\\r\\t\\v\\"\\\\"`],
  ["%#q", '\x07\b\f\n\r\t\v"\\', `"\\a\\b\\f\\n\\r\\t\\v\\"\\\\"`],
  ["%q", "☺", `"☺"`],
  ["% q", "☺", `"☺"`],
  ["%+q", "☺", `"\\u263a"`],
  ["%#q", "☺", "`☺`"],
  ["%#+q", "☺", "`☺`"],
  ["%10q", "⌘", `       "⌘"`],
  ["%+10q", "⌘", `  "\\u2318"`],
  ["%-10q", "⌘", `"⌘"       `],
  ["%+-10q", "⌘", `"\\u2318"  `],
  ["%010q", "⌘", `0000000"⌘"`],
  ["%+010q", "⌘", `00"\\u2318"`],
  ["%-010q", "⌘", `"⌘"       `],
  ["%+-010q", "⌘", `"\\u2318"  `],
  ["%#8q", "\n", `    "\\n"`],
  ["%#+8q", "\r", `    "\\r"`],
  ["%#-8q", "\t", "`\t`     "],
  ["%#+-8q", "\b", `"\\b"    `],
  ["%q", "\u{10ffff}", `"\\U0010ffff"`],
  ["%+q", "\u{10ffff}", `"\\U0010ffff"`],
  ["%#q", "\u{10ffff}", "`\u{10ffff}`"],
  ["%q", "\u0001\u007f\u0085", `"\\x01\\x7f\\u0085"`],
  // characters
  ["%c", 120n, "x"],
  ["%c", 0xe4n, "ä"],
  ["%c", 0x672cn, "本"],
  ["%c", 0x65e5n, "日"],
  ["%.0c", 0x2318n, "⌘"],
  ["%3c", 0x2318n, "  ⌘"],
  ["%-3c", 0x2318n, "⌘  "],
  ["%c", 0xe00n, "\u0e00"],
  ["%c", 0x10ffffn, "\u{10ffff}"],
  ["%c", -1n, "\ufffd"],
  ["%c", 0xdc80n, "\ufffd"],
  ["%c", 0x110000n, "\ufffd"],
  ["%c", 0xfffffffffn, "\ufffd"],
  // escaped characters
  ["%q", 0n, `'\\x00'`],
  ["%+q", 0n, `'\\x00'`],
  ["%q", 34n, `'"'`],
  ["%q", 39n, `'\\''`],
  ["%q", 96n, "'`'"],
  ["%q", 120n, `'x'`],
  ["%q", 0xffn, `'ÿ'`],
  ["%+q", 0xffn, `'\\u00ff'`],
  ["%q", 10n, `'\\n'`],
  ["%q", 0x263an, `'☺'`],
  ["%+q", 0x263an, `'\\u263a'`],
  ["% q", 0x263an, `'☺'`],
  ["%.0q", 0x263an, `'☺'`],
  ["%10q", 0x2318n, `       '⌘'`],
  ["%+10q", 0x2318n, `  '\\u2318'`],
  ["%-10q", 0x2318n, `'⌘'       `],
  ["%010q", 0x2318n, `0000000'⌘'`],
  ["%+010q", 0x2318n, `00'\\u2318'`],
  ["%-010q", 0x2318n, `'⌘'       `],
  ["%q", 0xe00n, `'\\u0e00'`],
  ["%q", 0x10ffffn, `'\\U0010ffff'`],
  ["%q", -1n, `'�'`],
  ["%q", 0xdc80n, `'�'`],
  ["%q", 0x110000n, `'�'`],
  // width
  ["%5s", "abc", "  abc"],
  ["%2s", "\u263a", " ☺"],
  ["%-5s", "abc", "abc  "],
  ["%05s", "abc", "00abc"],
  ["%5s", "abcdefghijklmnopqrstuvwxyz", "abcdefghijklmnopqrstuvwxyz"],
  ["%.5s", "abcdefghijklmnopqrstuvwxyz", "abcde"],
  ["%.0s", "日本語日本語", ""],
  ["%.5s", "日本語日本語", "日本語日本"],
  ["%.10s", "日本語日本語", "日本語日本語"],
  ["%08q", "abc", `000"abc"`],
  ["%-8q", "abc", `"abc"   `],
  ["%.5q", "abcdefghijklmnopqrstuvwxyz", `"abcde"`],
  ["%.5x", "abcdefghijklmnopqrstuvwxyz", "6162636465"],
  ["%.3q", "日本語日本語", `"日本語"`],
  ["%.1q", "日本語", `"日"`],
  ["%.1x", "日本語", "e6"],
  ["%10.1q", "日本語日本語", `       "日"`],
  ["%10v", null, "     <nil>"],
  ["%-10v", null, "<nil>     "],
  // integers
  ["%d", 12345n, "12345"],
  ["%d", -12345n, "-12345"],
  ["%d", -(1n << 63n), "-9223372036854775808"],
  ["%.d", 0n, ""],
  ["%.0d", 0n, ""],
  ["%6.0d", 0n, "      "],
  ["%06.0d", 0n, "      "],
  ["% d", 12345n, " 12345"],
  ["%+d", 12345n, "+12345"],
  ["%+d", -12345n, "-12345"],
  ["%b", 7n, "111"],
  ["%b", -6n, "-110"],
  ["%#b", 7n, "0b111"],
  ["%#b", -6n, "-0b110"],
  ["%b", -(1n << 63n), zeroFill("-1", 63, "")],
  ["%o", 0o1234n, "1234"],
  ["%o", -0o1234n, "-1234"],
  ["%#o", 0o1234n, "01234"],
  ["%#o", -0o1234n, "-01234"],
  ["%O", 0o1234n, "0o1234"],
  ["%O", -0o1234n, "-0o1234"],
  ["%#X", 0n, "0X0"],
  ["%x", 0x12abcdefn, "12abcdef"],
  ["%X", 0x12abcdefn, "12ABCDEF"],
  ["%.20b", 7n, "00000000000000000111"],
  ["%10d", 12345n, "     12345"],
  ["%10d", -12345n, "    -12345"],
  ["%+10d", 12345n, "    +12345"],
  ["%010d", 12345n, "0000012345"],
  ["%010d", -12345n, "-000012345"],
  ["%20.8d", 1234n, "            00001234"],
  ["%20.8d", -1234n, "           -00001234"],
  ["%020.8d", 1234n, "            00001234"],
  ["%020.8d", -1234n, "           -00001234"],
  ["%-20.8d", 1234n, "00001234            "],
  ["%-20.8d", -1234n, "-00001234           "],
  ["%-#20.8x", 0x1234abcn, "0x01234abc          "],
  ["%-#20.8X", 0x1234abcn, "0X01234ABC          "],
  ["%-#20.8o", 0o1234n, "00001234            "],
  ["%068d", 1n, zeroFill("", 68, "1")],
  ["%068d", -1n, zeroFill("-", 67, "1")],
  ["%#.68x", 42n, zeroFill("0x", 68, "2a")],
  ["%.68d", -42n, zeroFill("-", 68, "42")],
  ["%+.68d", 42n, zeroFill("+", 68, "42")],
  ["% .68d", 42n, zeroFill(" ", 68, "42")],
  ["% +.68d", 42n, zeroFill("+", 68, "42")],
  // unicode format
  ["%U", 0n, "U+0000"],
  ["%U", -1n, "U+FFFFFFFFFFFFFFFF"],
  ["%U", 10n, "U+000A"],
  ["%#U", 10n, "U+000A"],
  ["%+U", 120n, "U+0078"],
  ["%# U", 120n, "U+0078 'x'"],
  ["%#.2U", 120n, "U+0078 'x'"],
  ["%U", 0x263an, "U+263A"],
  ["%#U", 0x263an, "U+263A '☺'"],
  ["%U", 0x1d6c2n, "U+1D6C2"],
  ["%#U", 0x1d6c2n, "U+1D6C2 '𝛂'"],
  ["%#14.6U", 0x2318n, "  U+002318 '⌘'"],
  ["%#-14.6U", 0x2318n, "U+002318 '⌘'  "],
  ["%#014.6U", 0x2318n, "  U+002318 '⌘'"],
  ["%#-014.6U", 0x2318n, "U+002318 '⌘'  "],
  ["%.68U", 42n, zeroFill("U+", 68, "2A")],
  ["%#.68U", 0x65e5n, `${zeroFill("U+", 68, "65E5")} '日'`],
  // floats
  ["%+.3e", 0.0, "+0.000e+00"],
  ["%+.3e", 1.0, "+1.000e+00"],
  ["%+.3x", 0.0, "+0x0.000p+00"],
  ["%+.3x", 1.0, "+0x1.000p+00"],
  ["%+.3f", -1.0, "-1.000"],
  ["%+.3F", -1.0, "-1.000"],
  ["%+07.2f", 1.0, "+001.00"],
  ["%+07.2f", -1.0, "-001.00"],
  ["%-07.2f", 1.0, "1.00   "],
  ["%-07.2f", -1.0, "-1.00  "],
  ["%+-07.2f", 1.0, "+1.00  "],
  ["%+-07.2f", -1.0, "-1.00  "],
  ["%-+07.2f", 1.0, "+1.00  "],
  ["%+10.2f", +1.0, "     +1.00"],
  ["%+10.2f", -1.0, "     -1.00"],
  ["% .3E", -1.0, "-1.000E+00"],
  ["% .3e", 1.0, " 1.000e+00"],
  ["% .3X", -1.0, "-0X1.000P+00"],
  ["% .3x", 1.0, " 0x1.000p+00"],
  ["%+.3g", 0.0, "+0"],
  ["%+.3g", 1.0, "+1"],
  ["%+.3g", -1.0, "-1"],
  ["% .3g", -1.0, "-1"],
  ["% .3g", 1.0, " 1"],
  ["%b", 1.0, "4503599627370496p-52"],
  ["%#g", 1e-323, "1.00000e-323"],
  ["%#g", -1.0, "-1.00000"],
  ["%#g", 1.1, "1.10000"],
  ["%#g", 123456.0, "123456."],
  ["%#g", 1234567.0, "1.234567e+06"],
  ["%#g", 1230000.0, "1.23000e+06"],
  ["%#g", 1000000.0, "1.00000e+06"],
  ["%#.0f", 1.0, "1."],
  ["%#.0e", 1.0, "1.e+00"],
  ["%#.0x", 1.0, "0x1.p+00"],
  ["%#.0g", 1.0, "1."],
  ["%#.0g", 1100000.0, "1.e+06"],
  ["%#.4f", 1.0, "1.0000"],
  ["%#.4e", 1.0, "1.0000e+00"],
  ["%#.4x", 1.0, "0x1.0000p+00"],
  ["%#.4g", 1.0, "1.000"],
  ["%#.4g", 100000.0, "1.000e+05"],
  ["%#.4g", 1.234, "1.234"],
  ["%#.4g", 0.1234, "0.1234"],
  ["%#.4g", 1.23, "1.230"],
  ["%#.4g", 0.123, "0.1230"],
  ["%#.4g", 1.2, "1.200"],
  ["%#.4g", 0.12, "0.1200"],
  ["%#.4g", 10.2, "10.20"],
  ["%#.4g", 0.0, "0.000"],
  ["%#.4g", 0.012, "0.01200"],
  ["%#.0f", 123.0, "123."],
  ["%#.0e", 123.0, "1.e+02"],
  ["%#.0x", 123.0, "0x1.p+07"],
  ["%#.0g", 123.0, "1.e+02"],
  ["%#.4f", 123.0, "123.0000"],
  ["%#.4e", 123.0, "1.2300e+02"],
  ["%#.4x", 123.0, "0x1.ec00p+06"],
  ["%#.4g", 123.0, "123.0"],
  ["%#.4g", 123000.0, "1.230e+05"],
  ["%#9.4g", 1.0, "    1.000"],
  ["%#b", 1.0, "4503599627370496p-52"],
  ["%.4b", -1.0, "-4503599627370496p-52"],
  ["%.68f", 1.0, zeroFill("1.", 68, "")],
  ["%.68f", -1.0, zeroFill("-1.", 68, "")],
  ["%f", posInf, "+Inf"],
  ["%.1f", negInf, "-Inf"],
  ["% f", NaN_, " NaN"],
  ["%20f", posInf, "                +Inf"],
  ["% 20F", posInf, "                 Inf"],
  ["% 20e", negInf, "                -Inf"],
  ["% 20x", negInf, "                -Inf"],
  ["%+20E", negInf, "                -Inf"],
  ["% +20g", negInf, "                -Inf"],
  ["%+-20G", posInf, "+Inf                "],
  ["%20e", NaN_, "                 NaN"],
  ["% +20E", NaN_, "                +NaN"],
  ["% -20g", NaN_, " NaN                "],
  ["%+-20G", NaN_, "+NaN                "],
  ["%+020e", posInf, "                +Inf"],
  ["%-020f", negInf, "-Inf                "],
  ["%-020E", NaN_, "NaN                 "],
  // old test/fmt_test.go
  ["%e", 1.0, "1.000000e+00"],
  ["%e", 1234.5678e3, "1.234568e+06"],
  ["%e", 1234.5678e-8, "1.234568e-05"],
  ["%e", -7.0, "-7.000000e+00"],
  ["%e", -1e-9, "-1.000000e-09"],
  ["%f", 1234.5678e3, "1234567.800000"],
  ["%f", 1234.5678e-8, "0.000012"],
  ["%f", -7.0, "-7.000000"],
  ["%f", -1e-9, "-0.000000"],
  ["%g", 1234.5678e3, "1.2345678e+06"],
  ["%g", 1234.5678e-8, "1.2345678e-05"],
  ["%g", -7.0, "-7"],
  ["%g", -1e-9, "-1e-09"],
  ["%E", 1.0, "1.000000E+00"],
  ["%E", 1234.5678e3, "1.234568E+06"],
  ["%E", 1234.5678e-8, "1.234568E-05"],
  ["%E", -7.0, "-7.000000E+00"],
  ["%E", -1e-9, "-1.000000E-09"],
  ["%G", 1234.5678e3, "1.2345678E+06"],
  ["%G", 1234.5678e-8, "1.2345678E-05"],
  ["%G", -7.0, "-7"],
  ["%G", -1e-9, "-1E-09"],
  ["%20.5s", "qwertyuiop", "               qwert"],
  ["%.5s", "qwertyuiop", "qwert"],
  ["%-20.5s", "qwertyuiop", "qwert               "],
  ["%20c", 120n, "                   x"],
  ["%-20c", 120n, "x                   "],
  ["%20.6e", 1.2345e3, "        1.234500e+03"],
  ["%20.6e", 1.2345e-3, "        1.234500e-03"],
  ["%20e", 1.2345e3, "        1.234500e+03"],
  ["%20e", 1.2345e-3, "        1.234500e-03"],
  ["%20.8e", 1.2345e3, "      1.23450000e+03"],
  ["%20f", 1.23456789e3, "         1234.567890"],
  ["%20f", 1.23456789e-3, "            0.001235"],
  ["%20f", 12345678901.234568, "  12345678901.234568"],
  ["%-20f", 1.23456789e3, "1234.567890         "],
  ["%20.8f", 1.23456789e3, "       1234.56789000"],
  ["%20.8f", 1.23456789e-3, "          0.00123457"],
  ["%g", 1.23456789e3, "1234.56789"],
  ["%g", 1.23456789e-3, "0.00123456789"],
  ["%g", 1.23456789e20, "1.23456789e+20"],
  // slices
  ["%v", [1n, 2n, 3n, 4n, 5n], "[1 2 3 4 5]"],
  ["%v", [1n, "hello", 2.5, null], "[1 hello 2.5 <nil>]"],
  ["%v", 1.2345678, "1.2345678"],
  ["%#v", [1n, "hello", 2.5, null], `[]interface {}{1, "hello", 2.5, interface {}(nil)}`],
  ["%#v", 1000000000n, "1000000000"],
  ["%#v", "foo", `"foo"`],
  ["%#v", 1.2345678, "1.2345678"],
  ["%#v", 1.0, "1"],
  ["%#v", 1000000.0, "1e+06"],
  ["%#x", [1n, 2n, 15n], "[0x1 0x2 0xf]"],
  ["%x", [1n, 2n, 15n], "[1 2 f]"],
  ["%d", [1n, 2n, 15n], "[1 2 15]"],
  ["%q", ["a", "b"], `["a" "b"]`],
  // %T
  ["%T", 1n, "int"],
  ["%T", 1.5, "float64"],
  ["%T", "x", "string"],
  ["%T", true, "bool"],
  ["%T", [], "[]interface {}"],
  ["%T", {}, "map[string]interface {}"],
  ["%10T", null, "     <nil>"],
  ["%-10T", null, "<nil>     "],
  // %p
  ["%p", 27n, "%!p(int=27)"],
  ["%p", null, "%!p(<nil>)"],
  ["%#p", null, "%!p(<nil>)"],
  // %v on nil
  ["%v", null, "<nil>"],
  ["%#v", null, "<nil>"],
  // erroneous things
  ["", null, "%!(EXTRA <nil>)"],
  ["", 2n, "%!(EXTRA int=2)"],
  ["no args", "hello", "no args%!(EXTRA string=hello)"],
  ["%s %", "hello", "hello %!(NOVERB)"],
  ["%s %.2", "hello", "hello %!(NOVERB)"],
  ["%017091901790959340919092959340919017929593813360", 0n, "%!(NOVERB)%!(EXTRA int=0)"],
  ["%184467440737095516170v", 0n, "%!(NOVERB)%!(EXTRA int=0)"],
  ["%010.2", "12345", "%!(NOVERB)%!(EXTRA string=12345)"],
  // padding rules compared with C printf
  ["%.2f", 1.0, "1.00"],
  ["%.2f", -1.0, "-1.00"],
  ["% .2f", 1.0, " 1.00"],
  ["% .2f", -1.0, "-1.00"],
  ["%+.2f", 1.0, "+1.00"],
  ["%+.2f", -1.0, "-1.00"],
  ["%7.2f", 1.0, "   1.00"],
  ["%7.2f", -1.0, "  -1.00"],
  ["% 7.2f", 1.0, "   1.00"],
  ["% 7.2f", -1.0, "  -1.00"],
  ["%+7.2f", 1.0, "  +1.00"],
  ["%+7.2f", -1.0, "  -1.00"],
  ["% +7.2f", 1.0, "  +1.00"],
  ["% +7.2f", -1.0, "  -1.00"],
  ["%07.2f", 1.0, "0001.00"],
  ["%07.2f", -1.0, "-001.00"],
  ["% 07.2f", 1.0, " 001.00"],
  ["% 07.2f", -1.0, "-001.00"],
  ["%+07.2f", 1.0, "+001.00"],
  ["%+07.2f", -1.0, "-001.00"],
  ["% +07.2f", 1.0, "+001.00"],
  ["% +07.2f", -1.0, "-001.00"],
  ["%0-5s", "abc", "abc  "],
  ["%-05.1f", 1.0, "1.0  "],
  ["%06v", [10.0, 10n], "[000010 000010]"],
  ["%06v", [-10.0, 10n], "[-00010 000010]"],
  ["%03.6v", [1n, 2.0, "x"], "[000001 002 00x]"],
  ["%03.0v", [0n, 2.0, "x"], "[    002 000]"],
  ["%.", 3n, "%!.(int=3)"],
  // bad verbs
  ["%d", "hello", "%!d(string=hello)"],
  ["%s", 5n, "%!s(int=5)"],
  ["%s", 1.5, "%!s(float64=1.5)"],
  ["%d", 1.5, "%!d(float64=1.5)"],
  ["%t", "x", "%!t(string=x)"],
  ["%z", true, "%!z(bool=true)"],
  ["%s", null, "%!s(<nil>)"],
  ["%d", [1n, "a"], "[1 %!d(string=a)]"],
];

const reorderTests: [string, GoValue[], string][] = [
  ["%[1]d", [1n], "1"],
  ["%[2]d", [2n, 1n], "1"],
  ["%[2]d %[1]d", [1n, 2n], "2 1"],
  ["%[2]*[1]d", [2n, 5n], "    2"],
  ["%6.2f", [12.0], " 12.00"],
  ["%[3]*.[2]*[1]f", [12.0, 2n, 6n], " 12.00"],
  ["%[1]*.[2]*[3]f", [6n, 2n, 12.0], " 12.00"],
  ["%10f", [12.0], " 12.000000"],
  ["%[1]*[3]f", [10n, 99n, 12.0], " 12.000000"],
  ["%.6f", [12.0], "12.000000"],
  ["%.[1]*[3]f", [6n, 99n, 12.0], "12.000000"],
  ["%6.f", [12.0], "    12"],
  ["%[1]*.[3]f", [6n, 3n, 12.0], "    12"],
  ["%d %d %d %#[1]o %#o %#o", [11n, 12n, 13n], "11 12 13 013 014 015"],
  ["%[d", [2n, 1n], "%!d(BADINDEX)"],
  ["%]d", [2n, 1n], "%!](int=2)d%!(EXTRA int=1)"],
  ["%[]d", [2n, 1n], "%!d(BADINDEX)"],
  ["%[-3]d", [2n, 1n], "%!d(BADINDEX)"],
  ["%[99]d", [2n, 1n], "%!d(BADINDEX)"],
  ["%[3]", [2n, 1n], "%!(NOVERB)"],
  ["%[1].2d", [5n, 6n], "%!d(BADINDEX)"],
  ["%[1]2d", [2n, 1n], "%!d(BADINDEX)"],
  ["%3.[2]d", [7n], "%!d(BADINDEX)"],
  ["%.[2]d", [7n], "%!d(BADINDEX)"],
  ["%d %d %d %#[1]o %#o %#o %#o", [11n, 12n, 13n], "11 12 13 013 014 015 %!o(MISSING)"],
  ["%[5]d %[2]d %d", [1n, 2n, 3n], "%!d(BADINDEX) 2 3"],
  ["%d %[3]d %d", [1n, 2n], "1 %!d(BADINDEX) 2"],
  ["%.[]", [], "%!](BADINDEX)"],
  ["%.-3d", [42n], "%!-(int=42)3d"],
  ["%2147483648d", [42n], "%!(NOVERB)%!(EXTRA int=42)"],
  ["%-2147483648d", [42n], "%!(NOVERB)%!(EXTRA int=42)"],
  ["%.2147483648d", [42n], "%!(NOVERB)%!(EXTRA int=42)"],
];

const starTests: [string, GoValue[], string][] = [
  ["%*d", [4n, 42n], "  42"],
  ["%-*d", [4n, 42n], "42  "],
  ["%*d", [-4n, 42n], "42  "],
  ["%-*d", [-4n, 42n], "42  "],
  ["%.*d", [4n, 42n], "0042"],
  ["%*.*d", [8n, 4n, 42n], "    0042"],
  ["%0*d", [4n, 42n], "0042"],
  ["%*d", [null, 42n], "%!(BADWIDTH)42"],
  ["%*d", [10000000n, 42n], "%!(BADWIDTH)42"],
  ["%*d", [-10000000n, 42n], "%!(BADWIDTH)42"],
  ["%*d", [4.0, 42n], "%!(BADWIDTH)42"],
  ["%.*d", [null, 42n], "%!(BADPREC)42"],
  ["%.*d", [-1n, 42n], "%!(BADPREC)42"],
  ["%.*d", [10000000n, 42n], "%!(BADPREC)42"],
  ["%*d", [5n, "foo"], "%!d(string=  foo)"],
  ["%*% %d", [20n, 5n], "% 5"],
  ["%*", [4n], "%!(NOVERB)"],
  ["%s %d", ["a"], "a %!d(MISSING)"],
];

describe("Sprintf (Go fmt_test tables)", () => {
  it.each(fmtTests)("Sprintf(%j, …)", (format, arg, want) => {
    expect(sprintf(format, [arg])).toBe(want);
  });
  it.each(reorderTests)("reorder %j", (format, args, want) => {
    expect(sprintf(format, args)).toBe(want);
  });
  it.each(starTests)("width/precision %j", (format, args, want) => {
    expect(sprintf(format, args)).toBe(want);
  });
});

describe("%v of floats: strconv 'g' shortest with Go's exponent threshold", () => {
  const cases: [number, string][] = [
    [1000000, "1e+06"],
    [100000, "100000"],
    [123456, "123456"],
    [1234567, "1.234567e+06"],
    [0.0001, "0.0001"],
    [0.00001, "1e-05"],
    [1.5e-5, "1.5e-05"],
    [15020, "15020"],
    [0.5, "0.5"],
    [-0, "-0"],
    [0, "0"],
    [1e21, "1e+21"],
    [1e100, "1e+100"],
    [5e-324, "5e-324"],
    [1.7976931348623157e308, "1.7976931348623157e+308"],
    [0.1 + 0.2, "0.30000000000000004"],
    [Infinity, "+Inf"],
    [-Infinity, "-Inf"],
    [Number.NaN, "NaN"],
  ];
  it.each(cases)("%v of %d", (v, want) => expect(formatV(v)).toBe(want));
});

describe("fixed precisions round half to even on the exact value, as strconv does", () => {
  const cases: [string, number, string][] = [
    ["%.2f", 0.125, "0.12"],
    ["%.2f", 0.375, "0.38"],
    ["%.0f", 0.5, "0"],
    ["%.0f", 1.5, "2"],
    ["%.0f", 2.5, "2"],
    ["%.1f", 0.05, "0.1"],
    ["%.1f", 0.25, "0.2"],
    ["%.1f", 0.35, "0.3"],
    ["%.3e", 1.0005, "1.000e+00"],
    ["%.0e", 2.5, "2e+00"],
    ["%.1g", 0.25, "0.2"],
    ["%.3g", 99.95, "100"],
    ["%.3g", 99.25, "99.2"],
    ["%.2f", 9.999, "10.00"],
    ["%.1f", 0.96, "1.0"],
    ["%.1f", 0.006, "0.0"],
    ["%5.1f", 1e21, "1000000000000000000000.0"],
  ];
  it.each(cases)("Sprintf(%j, %d)", (format, v, want) => expect(sprintf(format, [v])).toBe(want));
});

describe("Sprint and Sprintln", () => {
  it("puts spaces only between operands when neither is a string (TestBlank)", () => {
    expect(sprint(["<", 1n, ">:", 1n, 2n, 3n, "!"])).toBe("<1>:1 2 3!");
  });
  it("puts spaces between all operands and a newline (TestBlankln)", () => {
    expect(sprintln(["<", 1n, ">:", 1n, 2n, 3n, "!"])).toBe("< 1 >: 1 2 3 !\n");
  });
  it("prints the invalid value and nil", () => {
    expect(sprint([undefined])).toBe("<invalid reflect.Value>");
    expect(sprint([null, null])).toBe("<nil> <nil>");
    expect(sprint([])).toBe("");
  });
  it("prints maps with sorted keys and slices", () => {
    expect(formatV({ z: 1, a: "q", M: [1n, "two", null] })).toBe("map[M:[1 two <nil>] a:q z:1]");
    expect(formatV({})).toBe("map[]");
    expect(formatV([])).toBe("[]");
    expect(sprintf("%+v", [{ a: { b: true } }])).toBe("map[a:map[b:true]]");
    expect(sprintf("%#v", [{ b: 1, a: "x" }])).toBe('map[string]interface {}{"a":"x", "b":1}');
  });
});

describe("declared types", () => {
  const inner: GoType = {
    kind: "struct",
    name: "v1.Inner",
    fields: [{ go: "X", json: "x", type: { kind: "int32" } }],
  };
  const outer: GoType = {
    kind: "struct",
    name: "v1.Outer",
    fields: [
      { go: "Name", json: "name", type: STRING },
      { go: "Count", json: "count", type: { kind: "int64" } },
      { go: "Tags", json: "tags", type: { kind: "slice", elem: STRING } },
      { go: "Labels", json: "labels", type: { kind: "map", elem: STRING } },
      { go: "Ptr", json: "ptr", type: { kind: "ptr", elem: inner } },
      { go: "Val", json: "val", type: inner },
      { go: "Any", json: "any", type: { kind: "interface" } },
    ],
  };
  const mode: GoType = { kind: "enum", name: "v1alpha1.Mode", names: ["REDIRECT", "TPROXY", "NONE"] };

  it("prints a struct in declared field order, %+v with names", () => {
    const v = new Typed(outer, { name: "a", tags: ["x", "y"], labels: { b: "2", a: "1" }, val: { x: 3 } });
    expect(formatV(v)).toBe("{a 0 [x y] map[a:1 b:2] <nil> {3} <nil>}");
    expect(sprintf("%+v", [v])).toBe(
      "{Name:a Count:0 Tags:[x y] Labels:map[a:1 b:2] Ptr:<nil> Val:{X:3} Any:<nil>}",
    );
    expect(sprintf("%#v", [new Typed(inner, { x: 1 })])).toBe("v1.Inner{X:1}");
    expect(sprintf("%T", [v])).toBe("v1.Outer");
  });
  it("prints a pointer to a struct as &{…} at the top and as an address when nested", () => {
    const p = new Typed({ kind: "ptr", elem: outer }, { name: "n", ptr: { x: 1 } });
    expect(formatV(p)).toMatch(/^&\{n 0 \[\] map\[\] 0x[0-9a-f]+ \{0\} <nil>\}$/);
    expect(sprintf("%T", [p])).toBe("*v1.Outer");
    expect(formatV(new Typed({ kind: "ptr", elem: outer }, null))).toBe("<nil>");
    expect(sprintf("%s", [new Typed({ kind: "ptr", elem: inner }, null)])).toBe("%!s(*v1.Inner=<nil>)");
  });
  it("prints nil maps and slices as empty", () => {
    expect(formatV(new Typed({ kind: "map", elem: STRING }, null))).toBe("map[]");
    expect(formatV(new Typed({ kind: "slice", elem: STRING }, null))).toBe("[]");
    expect(sprintf("%#v", [new Typed({ kind: "slice", elem: STRING }, null)])).toBe("[]string(nil)");
    expect(sprintf("%#v", [new Typed({ kind: "slice", elem: STRING }, ["a", "b"])])).toBe(
      '[]string{"a", "b"}',
    );
  });
  it("prints an enum by its String() name, and %d by its number", () => {
    const v = new Typed(mode, "TPROXY");
    expect(formatV(v)).toBe("TPROXY");
    expect(sprintf("%s|%q|%d|%T", [v, v, v, v])).toBe('TPROXY|"TPROXY"|1|v1alpha1.Mode');
    expect(formatV(new Typed(mode, undefined))).toBe("REDIRECT");
  });
  it("uses a declared String method (Stringer)", () => {
    const qty: GoType = {
      kind: "struct",
      name: "resource.Quantity",
      fields: [],
      methods: { String: (r) => String(r.raw) },
    };
    expect(formatV(new Typed(qty, "100m"))).toBe("100m");
    expect(sprintf("%q", [new Typed({ kind: "ptr", elem: qty }, "2Gi")])).toBe('"2Gi"');
  });
  it("names types for %T", () => {
    expect(typeString(new Typed({ kind: "map", elem: STRING }, {}))).toBe("map[string]string");
    expect(typeString(null)).toBe("<nil>");
    expect(typeString(new Typed({ kind: "duration" }, "1s"))).toBe("*durationpb.Duration");
  });
});
