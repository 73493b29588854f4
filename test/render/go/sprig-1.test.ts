/**
 * Sprig v3.3.0 part 1 (strings, lists, dicts, defaults, numbers), with expected outputs taken from
 * Sprig's own strings_test.go, list_test.go, dict_test.go, defaults_test.go and numeric_test.go, plus
 * the Go behaviours those functions inherit (byte-based trunc, int64 wrapping, mergo, encoding/json).
 */
import { describe, expect, it } from "vitest";
import {
  argInt,
  argString,
  strval,
  toFloat64,
  toInt64,
  toStringSlice,
} from "../../../core/render/go/args.ts";
import { formatV } from "../../../core/render/go/fmt.ts";
import { defaultFuncs } from "../../../core/render/go/sprig/defaults.ts";
import { dictFuncs } from "../../../core/render/go/sprig/dicts.ts";
import { listFuncs } from "../../../core/render/go/sprig/lists.ts";
import { numberFuncs } from "../../../core/render/go/sprig/numbers.ts";
import { stringFuncs } from "../../../core/render/go/sprig/strings.ts";
import { GoError, type GoValue, STRING, Typed } from "../../../core/render/go/values.ts";

const all = { ...stringFuncs, ...listFuncs, ...dictFuncs, ...defaultFuncs, ...numberFuncs };
const call = (name: string, ...args: GoValue[]): GoValue => {
  const f = all[name];
  if (!f) throw new Error(`no function ${name}`);
  return f(...args);
};
/** What `{{ name args }}` prints. */
const out = (name: string, ...args: GoValue[]): string => formatV(call(name, ...args));

type Case = [string, GoValue[], string];

describe("strings (strings_test.go)", () => {
  const cases: Case[] = [
    ["substr", [0n, 3n, "fooo"], "foo"],
    ["substr", [0n, 10n, "foo"], "foo"],
    ["trunc", [3n, "foooooo"], "foo"],
    ["trunc", [-3n, "baaaaaar"], "aar"],
    ["trunc", [-999n, "baaaaaar"], "baaaaaar"],
    ["trunc", [0n, "baaaaaz"], ""],
    ["trunc", [2n, "héllo"], "h\ufffd"],
    ["quote", ["a", "b", "c"], `"a" "b" "c"`],
    ["quote", ['"a"', "b", "c"], `"\\"a\\"" "b" "c"`],
    ["quote", [1n, 2n, 3n], `"1" "2" "3"`],
    ["quote", [null], ""],
    ["quote", [1000000], `"1e+06"`],
    ["quote", ["tab\there ☺"], `"tab\\there ☺"`],
    ["squote", ["a", "b", "c"], "'a' 'b' 'c'"],
    ["squote", [1n, 2n, 3n], "'1' '2' '3'"],
    ["squote", [null], ""],
    ["contains", ["cat", "fair catch"], "true"],
    ["hasPrefix", ["cat", "catch"], "true"],
    ["hasSuffix", ["cat", "ducat"], "true"],
    ["trim", ["   5.00   "], "5.00"],
    ["trimAll", ["$", "$5.00$"], "5.00"],
    ["trimAll", ["-_.", "-a.b_"], "a.b"],
    ["trimPrefix", ["$", "$5.00"], "5.00"],
    ["trimSuffix", ["$", "5.00$"], "5.00"],
    ["trimSuffix", ["-", "name--"], "name-"],
    ["abbrev", [5n, "hello world"], "he..."],
    ["abbrevboth", [5n, 10n, "1234 5678 9123"], "...5678..."],
    ["nospace", ["h e l l o "], "hello"],
    ["untitle", ["First Try"], "first try"],
    ["initials", ["First Try"], "FT"],
    ["wrap", [5n, "Hello World"], "Hello\nWorld"],
    ["wrapWith", [5n, "\t", "Hello World"], "Hello\tWorld"],
    ["title", ["hello world-wide_web"], "Hello World-Wide_web"],
    ["upper", ["straße"], "STRAßE"],
    ["lower", ["HELLO"], "hello"],
    ["swapcase", ["Hello World"], "hELLO wORLD"],
    ["snakecase", ["FirstName"], "first_name"],
    ["snakecase", ["HTTPServer"], "http_server"],
    ["snakecase", ["NoHTTPS"], "no_https"],
    ["snakecase", ["GO_PATH"], "go_path"],
    ["snakecase", ["GO PATH"], "go_path"],
    ["snakecase", ["GO-PATH"], "go_path"],
    ["kebabcase", ["FirstName"], "first-name"],
    ["kebabcase", ["HTTPServer"], "http-server"],
    ["camelcase", ["http_server"], "HttpServer"],
    ["camelcase", ["_complex__case_"], "_Complex_Case_"],
    ["camelcase", ["all"], "All"],
    ["repeat", [3n, "ab"], "ababab"],
    ["replace", ["a", "b", "banana"], "bbnbnb"],
    ["plural", ["one anchovy", "many anchovies", 1n], "one anchovy"],
    ["plural", ["one anchovy", "many anchovies", 2n], "many anchovies"],
    ["cat", ["a", null, 1n, 2.5], "a 1 2.5"],
    ["indent", [2n, "a\nb"], "  a\n  b"],
    ["nindent", [2n, "a\nb"], "\n  a\n  b"],
    ["toString", [1n], "1"],
    ["toString", [null], "<nil>"],
    ["join", ["-", ["a", "b", "c"]], "a-b-c"],
    ["join", ["-", [1n, 2n, 3n]], "1-2-3"],
    ["join", ["-", "abc"], "abc"],
    ["join", ["-", ["1", null, "2"]], "1-2"],
    ["splitList", ["$", "foo$bar$baz"], "[foo bar baz]"],
    ["split", ["$", "foo$bar$baz"], "map[_0:foo _1:bar _2:baz]"],
    ["splitn", ["$", 2n, "foo$bar$baz"], "map[_0:foo _1:bar$baz]"],
    ["toStrings", [[1n, null, 2n]], "[1 2]"],
    ["hello", [], "Hello!"],
  ];
  it.each(cases)("%s (case %#)", (name, args, want) => expect(out(name, ...args)).toBe(want));

  it("returns Go's declared result types", () => {
    expect(call("splitList", ",", "a,b")).toEqual(new Typed({ kind: "slice", elem: STRING }, ["a", "b"]));
    expect(formatV(call("toString", 1n))).toBe("1");
  });
  it("refuses arguments of the wrong type as Go's reflect call does", () => {
    expect(() => call("trunc", 63n, undefined)).toThrow("invalid value; expected string");
    expect(() => call("trunc", 63.0, "x")).toThrow("wrong type for value; expected int; got float64");
    expect(() => call("upper", 1n)).toThrow("wrong type for value; expected string; got int");
    expect(() => call("trunc", 1n)).toThrow("wrong number of args for trunc: want 2 got 1");
    expect(() => call("substr", 0n, 10n, "abc")).not.toThrow();
    expect(() => call("substr", -1n, 10n, "abc")).toThrow(GoError);
  });
});

describe("lists (list_test.go)", () => {
  const cases: Case[] = [
    ["list", [1n, 2n, 3n], "[1 2 3]"],
    ["tuple", [1n, undefined], "[1 <nil>]"],
    ["push", [[1n, 2n, 3n], 4n], "[1 2 3 4]"],
    ["append", [["a"], "b"], "[a b]"],
    ["prepend", [[1n, 2n, 3n], 0n], "[0 1 2 3]"],
    ["first", [[1n, 2n, 3n, 4n, 5n]], "1"],
    ["first", [[]], "<nil>"],
    ["last", [[1n, 2n, 3n, 4n, 5n]], "5"],
    ["last", [[]], "<nil>"],
    ["rest", [[1n, 2n, 3n, 4n, 5n]], "[2 3 4 5]"],
    ["rest", [[]], "[]"],
    ["initial", [[1n, 2n, 3n, 4n, 5n]], "[1 2 3 4]"],
    ["initial", [[]], "[]"],
    ["reverse", [[1n, 2n, 3n, 4n]], "[4 3 2 1]"],
    ["reverse", [[]], "[]"],
    ["uniq", [[1n, 2n, 1n, 3n, 2n, 1.0]], "[1 2 3 1]"],
    ["compact", [[1n, 0n, "", "hello", null, false]], "[1 hello]"],
    ["without", [[1n, 2n, 3n, 4n], 2n, 4n], "[1 3]"],
    ["has", [4n, [1n, 2n, 3n, 4n]], "true"],
    ["has", ["x", [1n, 2n]], "false"],
    ["has", [1n, null], "false"],
    ["slice", [[1n, 2n, 3n, 4n, 5n], 1n, 3n], "[2 3]"],
    ["slice", [[1n, 2n, 3n, 4n, 5n], 2n], "[3 4 5]"],
    ["slice", [[1n, 2n, 3n]], "[1 2 3]"],
    ["slice", [[]], "<nil>"],
    ["concat", [[1n, 2n], [3n], ["a"]], "[1 2 3 a]"],
    ["chunk", [2n, [1n, 2n, 3n, 4n, 5n]], "[[1 2] [3 4] [5]]"],
    ["chunk", [2n, [1n, 2n, 3n, 4n]], "[[1 2] [3 4]]"],
    ["chunk", [2n, []], "[]"],
    ["sortAlpha", [["c", "a", "b"]], "[a b c]"],
    ["sortAlpha", [[2n, 1n, 4n, 3n]], "[1 2 3 4]"],
    ["sortAlpha", ["x"], "[x]"],
  ];
  it.each(cases)("%s (case %#)", (name, args, want) => expect(out(name, ...args)).toBe(want));

  it("does not change the list it is given", () => {
    const l: GoValue[] = [1n, 2n];
    call("push", l, 3n);
    call("reverse", l);
    expect(l).toEqual([1n, 2n]);
  });
  it("fails on non-lists with Sprig's messages", () => {
    expect(() => call("first", "abc")).toThrow("Cannot find first on type string");
    expect(() => call("push", 1.5, 2n)).toThrow("Cannot push on type float64");
    expect(() => call("first", undefined)).toThrow("nil pointer dereference");
    expect(() => call("slice", [1n, 2n], 1n, 5n)).toThrow("slice index out of range");
  });
});

describe("dicts (dict_test.go)", () => {
  it("dict, get, set, unset, hasKey", () => {
    const d = call("dict", "a", 1n, "b", "two", "c") as Record<string, GoValue>;
    expect(formatV(d)).toBe("map[a:1 b:two c:]");
    expect(out("get", d, "b")).toBe("two");
    expect(out("get", d, "zz")).toBe("");
    expect(call("set", d, "z", "new")).toBe(d);
    expect(d.z).toBe("new");
    expect(out("hasKey", d, "z")).toBe("true");
    call("unset", d, "z");
    expect(out("hasKey", d, "z")).toBe("false");
    expect(formatV(call("dict", 1n, 2n))).toBe("map[1:2]");
  });
  it("pluck, keys, values, pick, omit", () => {
    const a = { name: "one", x: 1n };
    const b = { name: "two" };
    expect(out("pluck", "name", a, b)).toBe("[one two]");
    expect(out("keys", { b: 1n, a: 2n }, { c: 3n })).toBe("[a b c]");
    expect(out("values", { b: 1n, a: 2n })).toBe("[2 1]");
    expect(out("pick", { one: 1n, two: 2n, three: 3n }, "one", "two", "missing")).toBe("map[one:1 two:2]");
    expect(out("omit", { one: 1n, two: 2n, three: 3n }, "one", "two")).toBe("map[three:3]");
  });
  it("merge fills what dst lacks; mergeOverwrite lets src win (Sprig's examples)", () => {
    const dst = { default: "default", overwrite: "me", key: true, nested: { a: 1n } };
    const src = { overwrite: "overwritten", key: false, nested: { a: 2n, b: 3n }, extra: "x" };
    const merged = call("merge", dst, src);
    expect(merged).toBe(dst);
    expect(formatV(merged)).toBe("map[default:default extra:x key:true nested:map[a:1 b:3] overwrite:me]");
    const dst2 = { default: "default", overwrite: "me", key: true, nested: { a: 1n } };
    expect(formatV(call("mergeOverwrite", dst2, src))).toBe(
      "map[default:default extra:x key:false nested:map[a:2 b:3] overwrite:overwritten]",
    );
    expect(formatV(call("merge", { a: "" }, { a: "filled" }))).toBe("map[a:filled]");
  });
  it("deepCopy and dig", () => {
    const src = { a: { b: [1n] } };
    const copy = call("deepCopy", src) as typeof src;
    expect(copy).toEqual(src);
    expect(copy.a).not.toBe(src.a);
    const d = { a: { b: { c: "x" } } };
    expect(out("dig", "a", "b", "c", "def", d)).toBe("x");
    expect(out("dig", "a", "z", "c", "def", d)).toBe("def");
    expect(() => call("dig", "a", d)).toThrow("dig needs at least three arguments");
  });
  it("set on a missing dict fails as Go's nil map does; map[string]string is not a dict", () => {
    expect(() => call("set", undefined, "k", "v")).toThrow("assignment to entry in nil map");
    expect(() => call("get", new Typed({ kind: "map", elem: STRING }, {}), "k")).toThrow(
      "wrong type for value; expected map[string]interface {}; got map[string]string",
    );
  });
  it("JSON functions (encoding/json)", () => {
    const v = { b: "<x & y>", a: [1n, 1000000, null] };
    expect(out("toJson", v)).toBe('{"a":[1,1000000,null],"b":"\\u003cx \\u0026 y\\u003e"}');
    expect(out("toRawJson", v)).toBe('{"a":[1,1000000,null],"b":"<x & y>"}');
    expect(out("toPrettyJson", { a: 1n, b: [], c: {} })).toBe('{\n  "a": 1,\n  "b": [],\n  "c": {}\n}');
    expect(out("toJson", "foo")).toBe('"foo"');
    expect(out("fromJson", '{"foo": 55}')).toBe("map[foo:55]");
    expect(out("fromJson", "bad")).toBe("<nil>");
    expect(() => call("mustFromJson", "bad")).toThrow("invalid character 'b' looking for beginning of value");
    expect(() => call("mustToJson", Number.NaN)).toThrow("json: unsupported value: NaN");
    expect(out("toJson", Number.NaN)).toBe("");
  });
});

describe("defaults (defaults_test.go)", () => {
  const cases: Case[] = [
    ["default", ["foo", undefined], "foo"],
    ["default", ["foo", ""], "foo"],
    ["default", ["foo", "bar"], "bar"],
    ["default", ["foo", 0n], "foo"],
    ["default", ["foo", false], "foo"],
    ["default", ["foo", []], "foo"],
    ["default", ["foo", {}], "foo"],
    ["default", ["foo"], "foo"],
    ["default", ["15001", 0n], "15001"],
    ["default", ["1337", 1337n], "1337"],
    ["empty", [undefined], "true"],
    ["empty", [""], "true"],
    ["empty", [0n], "true"],
    ["empty", [0.0], "true"],
    ["empty", [1n], "false"],
    ["empty", [{}], "true"],
    ["empty", [{ a: 1n }], "false"],
    ["empty", [new Typed({ kind: "struct", name: "T", fields: [] }, undefined)], "false"],
    ["coalesce", ["", 0n, "foo"], "foo"],
    ["coalesce", ["", 0n], "<nil>"],
    ["all", [1n, "a", true], "true"],
    ["all", [1n, "", true], "false"],
    ["all", [], "true"],
    ["any", ["", 0n, "a"], "true"],
    ["any", ["", 0n], "false"],
    ["any", [], "false"],
    ["ternary", ["foo", "bar", true], "foo"],
    ["ternary", ["foo", "bar", false], "bar"],
  ];
  it.each(cases)("%s (case %#)", (name, args, want) => expect(out(name, ...args)).toBe(want));
  it("fail stops the template with its message", () => {
    expect(() => call("fail", "This is an error")).toThrow("This is an error");
  });
});

describe("numbers (numeric_test.go)", () => {
  const cases: Case[] = [
    ["add1", [3n], "4"],
    ["add", [1n, 2n, 3n], "6"],
    ["add", [1.5, "2", true], "4"],
    ["sub", [3n, 2n], "1"],
    ["div", [6n, 3n], "2"],
    ["div", [-7n, 2n], "-3"],
    ["mod", [10n, 3n], "1"],
    ["mul", [1n, 2n, 3n], "6"],
    ["add", [9223372036854775807n, 1n], "-9223372036854775808"],
    ["max", [1n, 5n, 3n], "5"],
    ["biggest", [1n, 5n, 3n], "5"],
    ["min", [4n, 2n, 3n], "2"],
    ["maxf", [1n, 2.5, 3n], "3"],
    ["minf", [1n, -2.5, 3n], "-2.5"],
    ["addf", [1.5, 2n, 2n], "5.5"],
    ["addf", [0.1, 0.2], "0.3"],
    ["add1f", [-1.0], "0"],
    ["subf", [1.5, 2n, 2n], "-2.5"],
    ["mulf", [1.5, 2n, 2n], "6"],
    ["divf", [100n, 3n], "33.333333333333336"],
    ["divf", [2n, 3n], "0.6666666666666667"],
    ["floor", ["3.5"], "3"],
    ["ceil", [3.1], "4"],
    ["round", [3.746, 2n], "3.75"],
    ["round", [3.746, 2n, 0.7], "3.74"],
    ["round", [-1.5, 0n], "-2"],
    ["round", [123.5555, 3n], "123.556"],
    ["int", ["1.0"], "1"],
    ["int", ["0x10"], "16"],
    ["int", ["010"], "8"],
    ["int", ["08"], "0"],
    ["int", [4.9], "4"],
    ["int64", ["-12"], "-12"],
    ["int64", ["1_000"], "1000"],
    ["int64", ["1.5"], "0"],
    ["float64", ["1.5e3"], "1500"],
    ["float64", [1n], "1"],
    ["float64", ["x"], "0"],
    ["atoi", ["42"], "42"],
    ["atoi", ["+7"], "7"],
    ["atoi", ["x"], "0"],
    ["atoi", ["99999999999999999999"], "9223372036854775807"],
    ["toDecimal", ["0777"], "511"],
    ["toDecimal", [777n], "511"],
    ["toDecimal", ["9"], "0"],
    ["seq", [3n], "1 2 3"],
    ["seq", [0n], "1 0"],
    ["seq", [2n, 5n], "2 3 4 5"],
    ["seq", [5n, 2n], "5 4 3 2"],
    ["seq", [0n, 2n, 10n], "0 2 4 6 8 10"],
    ["seq", [10n, -2n, 0n], "10 8 6 4 2 0"],
    ["seq", [10n, 2n, 0n], ""],
    ["seq", [], ""],
    ["until", [5n], "[0 1 2 3 4]"],
    ["until", [-3n], "[0 -1 -2]"],
    ["untilStep", [0n, 10n, 3n], "[0 3 6 9]"],
    ["untilStep", [3n, 0n, -1n], "[3 2 1]"],
    ["untilStep", [0n, 10n, 0n], "[]"],
  ];
  it.each(cases)("%s (case %#)", (name, args, want) => expect(out(name, ...args)).toBe(want));
  it("fails as Go does on division by zero", () => {
    expect(() => call("div", 1n, 0n)).toThrow("integer divide by zero");
    expect(() => call("divf", 1n, 0n)).toThrow("decimal division by zero");
  });
});

describe("argument conversion (args.ts)", () => {
  it("argString/argInt follow reflect's rules", () => {
    expect(argString("x", "f")).toBe("x");
    expect(() => argString(undefined, "f")).toThrow("invalid value; expected string");
    expect(() => argString(1.5, "f")).toThrow("wrong type for value; expected string; got float64");
    expect(argInt(5n, "f")).toBe(5);
    expect(() => argInt(5, "f")).toThrow("wrong type for value; expected int; got float64");
  });
  it("strval, toStringSlice, toInt64, toFloat64 follow Sprig and spf13/cast", () => {
    const mode = new Typed({ kind: "enum", name: "Mode", names: ["REDIRECT", "TPROXY"] }, "TPROXY");
    expect(strval(mode)).toBe("TPROXY");
    expect(strval(1000000)).toBe("1e+06");
    expect(strval({ b: 1n, a: "x" })).toBe("map[a:x b:1]");
    expect(toStringSlice([1n, null, "a"])).toEqual(["1", "a"]);
    expect(toStringSlice(undefined)).toEqual([]);
    expect(toStringSlice("x")).toEqual(["x"]);
    expect(toInt64("0b101")).toBe(5n);
    expect(toInt64("0o17")).toBe(15n);
    expect(toInt64(true)).toBe(1n);
    expect(toInt64(null)).toBe(0n);
    expect(toInt64(mode)).toBe(0n);
    expect(toInt64(-2.7)).toBe(-2n);
    expect(toFloat64("Inf")).toBe(Infinity);
    expect(toFloat64("0x1p-2")).toBe(0.25);
    expect(toFloat64(false)).toBe(0);
  });
});
