import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { formatV } from "../../../core/render/go/fmt.ts";
import { cryptoFuncs } from "../../../core/render/go/sprig/crypto.ts";
import { dateFuncs, GoTime, LOCAL, parseTime } from "../../../core/render/go/sprig/dates.ts";
import { sprigFuncs, sprigParts } from "../../../core/render/go/sprig/index.ts";
import { miscFuncs } from "../../../core/render/go/sprig/misc.ts";
import { REGEX_LIMITS, regexFuncs } from "../../../core/render/go/sprig/regex.ts";
import { semverFuncs } from "../../../core/render/go/sprig/semver.ts";
import { GoError, type GoFunc, type GoValue } from "../../../core/render/go/values.ts";

/** Masterminds/sprig v3.3.0 functions.go genericMap, in source order (211 names). */
const GENERIC_MAP =
  `hello ago date date_in_zone date_modify dateInZone dateModify duration durationRound htmlDate
htmlDateInZone must_date_modify mustDateModify mustToDate now toDate unixEpoch abbrev abbrevboth trunc trim upper lower
title untitle substr repeat trimall trimAll trimSuffix trimPrefix nospace initials randAlphaNum randAlpha randAscii
randNumeric swapcase shuffle snakecase camelcase kebabcase wrap wrapWith contains hasPrefix hasSuffix quote squote cat
indent nindent replace plural sha1sum sha256sum sha512sum adler32sum toString atoi int64 int float64 seq toDecimal split
splitList splitn toStrings until untilStep add1 add sub div mod mul randInt add1f addf subf divf mulf biggest max min
maxf minf ceil floor round join sortAlpha default empty coalesce all any compact mustCompact fromJson toJson
toPrettyJson toRawJson mustFromJson mustToJson mustToPrettyJson mustToRawJson ternary deepCopy mustDeepCopy typeOf
typeIs typeIsLike kindOf kindIs deepEqual env expandenv getHostByName base dir clean ext isAbs osBase osClean osDir
osExt osIsAbs b64enc b64dec b32enc b32dec tuple list dict get set unset hasKey pluck keys pick omit merge
mergeOverwrite mustMerge mustMergeOverwrite values append push mustAppend mustPush prepend mustPrepend first mustFirst
rest mustRest last mustLast initial mustInitial reverse mustReverse uniq mustUniq without mustWithout has mustHas slice
mustSlice concat dig chunk mustChunk bcrypt htpasswd genPrivateKey derivePassword buildCustomCert genCA genCAWithKey
genSelfSignedCert genSelfSignedCertWithKey genSignedCert genSignedCertWithKey encryptAES decryptAES randBytes uuidv4
semver semverCompare fail regexMatch mustRegexMatch regexFindAll mustRegexFindAll regexFind mustRegexFind
regexReplaceAll mustRegexReplaceAll regexReplaceAllLiteral mustRegexReplaceAllLiteral regexSplit mustRegexSplit
regexQuoteMeta urlParse urlJoin`.split(/\s+/);

const call = (fns: Record<string, GoFunc>, name: string, ...args: GoValue[]): GoValue =>
  (fns[name] as GoFunc)(...args);
const show = (v: GoValue): string => (typeof v === "string" ? v : formatV(v));
const goErr = (f: () => unknown): string => {
  try {
    f();
  } catch (e) {
    if (e instanceof GoError) return e.message;
    throw e;
  }
  throw new Error("expected a GoError");
};

describe("the assembled Sprig map", () => {
  it("has exactly the 211 names of Sprig v3.3.0's genericMap", () => {
    expect(GENERIC_MAP).toHaveLength(211);
    expect([...sprigFuncs().keys()].sort()).toEqual([...GENERIC_MAP].sort());
  });

  it("defines every name in one module only", () => {
    const seen = new Map<string, string>();
    const dup: string[] = [];
    for (const [mod, r] of sprigParts()) {
      for (const k of Object.keys(r)) {
        if (seen.has(k)) dup.push(`${k} (${seen.get(k)}, ${mod})`);
        seen.set(k, mod);
      }
    }
    expect(dup).toEqual([]);
  });

  // Functions whose valid inputs are slow by nature (RSA key generation, scrypt) are left out of the
  // random calls; their argument checks are still exercised by the fixed hostile set below.
  const SLOW = new Set(["genPrivateKey", "derivePassword"]);
  const hostile: GoValue[] = [undefined, null, "", "x", 0n, -1n, 1.5, true, [], {}, ["a", null], { a: null }];

  it("throws nothing but GoError for missing, nil and wrong-typed arguments", () => {
    for (const [name, f] of sprigFuncs()) {
      for (let n = 0; n <= 3; n++) {
        for (const a of hostile) {
          const args = Array.from({ length: n }, () => a);
          try {
            f(...args);
          } catch (e) {
            if (!(e instanceof GoError)) throw new Error(`${name}(${n} × ${String(a)}) threw ${String(e)}`);
          }
        }
      }
    }
  });

  it("throws nothing but GoError, and returns promptly, on random arguments", () => {
    const value = fc.oneof(
      fc.constant(undefined),
      fc.constant(null),
      fc.string({ maxLength: 40 }).filter((s) => s !== "rsa"),
      fc.bigInt({ min: -1000n, max: 1000n }),
      fc.double(),
      fc.boolean(),
      fc.array(fc.string({ maxLength: 5 }), { maxLength: 3 }),
      fc.dictionary(fc.string({ maxLength: 5 }), fc.string({ maxLength: 5 }), { maxKeys: 3 }),
    );
    const names = [...sprigFuncs().keys()].filter((n) => !SLOW.has(n));
    fc.assert(
      fc.property(fc.constantFrom(...names), fc.array(value, { maxLength: 4 }), (name, args) => {
        const start = Date.now();
        try {
          sprigFuncs().get(name)?.(...(args as GoValue[]));
        } catch (e) {
          if (!(e instanceof GoError)) throw new Error(`${name} threw ${String(e)}`);
        }
        return Date.now() - start < 2000;
      }),
      { numRuns: 1500 },
    );
  });
});

describe("regex (Sprig regex_test.go)", () => {
  const email = "[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\\.[A-Za-z]{2,}";
  it.each([
    ["test@acme.com", true],
    ["Test@Acme.Com", true],
    ["test", false],
    ["test.com", false],
    ["test@acme", false],
  ])("regexMatch %s", (s, want) => {
    expect(call(regexFuncs, "regexMatch", email, s)).toBe(want);
    expect(call(regexFuncs, "mustRegexMatch", email, s)).toBe(want);
  });

  it.each([
    ["a{2}", "aa", -1n, 1],
    ["a{2}", "aaaaaaaa", 1n, 1],
    ["a{2}", "aaaa", -1n, 2],
    ["a{2}", "none", -1n, 0],
    ["a", "banana", -1n, 3],
  ])("regexFindAll %s %s %d", (re, s, n, len) => {
    for (const f of ["regexFindAll", "mustRegexFindAll"])
      expect((call(regexFuncs, f, re, s, n) as { raw: string[] }).raw).toHaveLength(len);
  });

  it.each([
    ["fo.?", "foorbar", "foo"],
    ["fo.?", "foo foe fome", "foo"],
    ["fo.?", "none", ""],
  ])("regexFind %s %s", (re, s, want) => expect(call(regexFuncs, "regexFind", re, s)).toBe(want));

  it.each([
    ["T", "-T-T-", "-T-T-"],
    ["$1", "--xx-", "-$1-$1-"],
    ["$1W", "---", "-$1W-$1W-"],
    ["${1}W", "-W-xxW-", "-${1}W-${1}W-"],
  ])("regexReplaceAll a(x*)b with %s", (repl, want, literal) => {
    expect(call(regexFuncs, "regexReplaceAll", "a(x*)b", "-ab-axxb-", repl)).toBe(want);
    expect(call(regexFuncs, "mustRegexReplaceAllLiteral", "a(x*)b", "-ab-axxb-", repl)).toBe(literal);
  });

  it.each([
    ["a", "banana", -1n, 4],
    ["a", "banana", 0n, 0],
    ["a", "banana", 1n, 1],
    ["a", "banana", 2n, 2],
    ["z+", "pizza", -1n, 2],
    ["z+", "pizza", 0n, 0],
    ["z+", "pizza", 1n, 1],
    ["z+", "pizza", 2n, 2],
  ])("regexSplit %s %s %d", (re, s, n, len) => {
    const out = call(regexFuncs, "regexSplit", re, s, n);
    expect((out as { raw: string[] }).raw).toHaveLength(len);
  });

  it("follows Go, not JavaScript, where the two differ", () => {
    // Empty matches right after a match are dropped (JS would give ["", "aaa", "", ""]).
    expect((call(regexFuncs, "regexFindAll", "a*", "baaac", -1n) as { raw: string[] }).raw).toEqual([
      "",
      "aaa",
      "",
    ]);
    expect(call(regexFuncs, "regexReplaceAll", "a*", "baaac", "X")).toBe("XbXcX");
    // `$1W` names group "1W"; `${last}`/`$first` expand named groups; `$$` is a dollar.
    expect(
      call(
        regexFuncs,
        "regexReplaceAll",
        "(?P<first>\\w+) (?P<last>\\w+)",
        "John Smith",
        "${last}, $first $$",
      ),
    ).toBe("Smith, John $");
    // \s is ASCII only; `.` stops only at \n; `$` is end of text without (?m).
    expect(call(regexFuncs, "regexMatch", "^\\s$", "\u00a0")).toBe(false);
    expect(call(regexFuncs, "regexFind", "a.b", "a\rb")).toBe("a\rb");
    expect(call(regexFuncs, "regexMatch", "a$", "a\n")).toBe(false);
    expect(
      (call(regexFuncs, "regexFindAll", "(?m)^\\w+$", "foo\nbar", -1n) as { raw: string[] }).raw,
    ).toEqual(["foo", "bar"]);
    expect(call(regexFuncs, "regexFind", "(?i)HELLO", "say hello")).toBe("hello");
    expect(call(regexFuncs, "regexFind", "[[:digit:]]+\\z", "ab12")).toBe("12");
    expect(call(regexFuncs, "regexFind", "\\p{Greek}+", "abc αβγ")).toBe("αβγ");
    expect(call(regexFuncs, "regexQuoteMeta", "1.2.3")).toBe("1\\.2\\.3");
  });

  it("reports Go's parse errors; regexMatch alone swallows them", () => {
    expect(goErr(() => call(regexFuncs, "mustRegexFind", "(", "x"))).toBe(
      "error parsing regexp: missing closing ): `(`",
    );
    expect(goErr(() => call(regexFuncs, "regexFind", "(", "x"))).toBe(
      "regexp: Compile(`(`): error parsing regexp: missing closing ): `(`",
    );
    expect(goErr(() => call(regexFuncs, "mustRegexMatch", "a**", "x"))).toBe(
      "error parsing regexp: invalid nested repetition operator: `**`",
    );
    expect(goErr(() => call(regexFuncs, "mustRegexMatch", "(?=a)", "x"))).toContain(
      "invalid or unsupported Perl syntax",
    );
    expect(goErr(() => call(regexFuncs, "mustRegexMatch", "(a)\\1", "x"))).toContain(
      "invalid escape sequence: `\\1`",
    );
    expect(goErr(() => call(regexFuncs, "mustRegexMatch", "a{1001}", "x"))).toContain("invalid repeat count");
    expect(call(regexFuncs, "regexMatch", "(", "x")).toBe(false);
  });

  it("is linear on patterns that make backtracking engines explode, and bounded beyond", () => {
    const start = Date.now();
    expect(call(regexFuncs, "regexMatch", "(a+)+$", `${"a".repeat(5000)}b`)).toBe(false);
    expect(call(regexFuncs, "regexMatch", "(x+x+)+y", "x".repeat(5000))).toBe(false);
    expect(Date.now() - start).toBeLessThan(3000);
    expect(
      goErr(() => call(regexFuncs, "regexMatch", "a", "a".repeat(REGEX_LIMITS.inputLength + 1))),
    ).toContain("limit");
    expect(
      goErr(() => call(regexFuncs, "regexMatch", "a".repeat(REGEX_LIMITS.patternLength + 1), "a")),
    ).toContain("limit");
    expect(goErr(() => call(regexFuncs, "regexMatch", "((a{100}){100}){100}", "a"))).toContain(
      "expression too large",
    );
  });
});

describe("semver (Sprig semver_test.go and Masterminds constraints)", () => {
  it.each([
    ["1.2.3", "1.2.3", true],
    ["^1.2.0", "1.2.3", true],
    ["^1.2.0", "2.2.3", false],
    [">=1.2, <2.0 || 3.x", "3.1.0", true],
    [">=1.2, <2.0 || 3.x", "2.1.0", false],
    ["1.1 - 1.3", "1.3.0", true],
    ["1.1 - 1.3", "1.4.0", false],
    ["~1.2", "1.2.9", true],
    ["~1.2", "1.3.0", false],
    ["^0.2.3", "0.2.9", true],
    ["^0.2.3", "0.3.0", false],
    [">1.2.3-alpha", "1.2.3-beta", true],
    [">1.2", "1.2.3-beta", false],
    ["!=1.2.3", "1.2.4", true],
    ["*", "4.5.6", true],
  ])("semverCompare %s %s", (c, v, want) => expect(call(semverFuncs, "semverCompare", c, v)).toBe(want));

  it("parses versions into *semver.Version with Go's methods", () => {
    const v = call(semverFuncs, "semver", "v1.2.3-beta.1+c0ff33");
    expect(formatV(v)).toBe("1.2.3-beta.1+c0ff33");
    const t = v as unknown as { type: { methods: Record<string, (r: unknown, a: GoValue[]) => GoValue> } };
    expect(t.type.methods.Prerelease?.(v, [])).toBe("beta.1");
    expect(t.type.methods.Major?.(v, [])).toBe(1n);
    const older = call(semverFuncs, "semver", "1.2.3");
    expect(t.type.methods.Compare?.(older, [v])).toBe(1n);
    expect(goErr(() => call(semverFuncs, "semver", "1.2.x"))).toBe("Invalid Semantic Version");
    expect(goErr(() => call(semverFuncs, "semverCompare", "! 1", "1.0.0"))).toBe("improper constraint: ! 1");
  });
});

describe("dates (Sprig date_test.go)", () => {
  const t = (layout: string, value: string) => parseTime(layout, value, LOCAL);
  it("formats and parses Go layouts", () => {
    expect(call(dateFuncs, "htmlDate", 0n)).toBe("1970-01-01");
    expect(call(dateFuncs, "date", "02/01/2006", call(dateFuncs, "toDate", "2006-01-02", "2017-12-31"))).toBe(
      "31/12/2017",
    );
    const tm = t("02 Jan 06 15:04:05 MST", "13 Jun 19 20:39:39 GMT");
    expect(call(dateFuncs, "unixEpoch", tm)).toBe("1560458379");
    for (const v of [tm, 1560458379n])
      expect(call(dateFuncs, "date_in_zone", "02 Jan 06 15:04 -0700", v, "UTC")).toBe(
        "13 Jun 19 20:39 +0000",
      );
    expect(call(dateFuncs, "dateInZone", "02 Jan 06 15:04 -0700", tm, "foobar")).toBe(
      "13 Jun 19 20:39 +0000",
    );
    expect(
      call(dateFuncs, "dateInZone", "2006-01-02T15:04:05Z07:00 MST", 1700000000n, "America/Los_Angeles"),
    ).toBe("2023-11-14T14:13:20-08:00 PST");
    expect(call(dateFuncs, "date", "Mon Monday Jan January _2 __2 002 3PM 03pm .000 ,999", 1700000000n)).toBe(
      "Tue Tuesday Nov November 14 318 318 10PM 10pm .000 ",
    );
    expect(show(t("2006-01-02T15:04:05.999Z07:00", "2017-12-31T10:00:00.5-07:00"))).toBe(
      "2017-12-31 10:00:00.5 -0700 -0700",
    );
  });

  it("reports Go's parse errors and returns the zero time from toDate", () => {
    expect(goErr(() => call(dateFuncs, "mustToDate", "2006-01-02", "2017-12-3x"))).toBe(
      'parsing time "2017-12-3x" as "2006-01-02": cannot parse "3x" as "02"',
    );
    expect(goErr(() => call(dateFuncs, "mustToDate", "2006-01-02", "2017-13-01"))).toBe(
      'parsing time "2017-13-01": month out of range',
    );
    expect(show(call(dateFuncs, "toDate", "2006-01-02", "nope"))).toBe("0001-01-01 00:00:00 +0000 UTC");
  });

  it("computes durations as Sprig does", () => {
    expect(call(dateFuncs, "duration", "61")).toBe("1m1s");
    expect(call(dateFuncs, "duration", "3600")).toBe("1h0m0s");
    expect(call(dateFuncs, "duration", "93784")).toBe("26h3m4s");
    expect(call(dateFuncs, "durationRound", "2h5s")).toBe("2h");
    expect(call(dateFuncs, "durationRound", "24h5s")).toBe("1d");
    expect(call(dateFuncs, "durationRound", "2400h5s")).toBe("3mo");
    const base = call(dateFuncs, "now") as GoTime;
    expect(call(dateFuncs, "ago", base.add(-125_000_000_000n))).toBe("2m5s");
    expect(call(dateFuncs, "ago", base.add(5_000_000_000n))).toBe("-5s");
    const m = call(dateFuncs, "dateModify", "-1.5h", t("2006-01-02", "2017-12-31"));
    expect(show(m)).toBe("2017-12-30 22:30:00 +0000 UTC");
    expect(goErr(() => call(dateFuncs, "mustDateModify", "1x", m))).toBe(
      'time: unknown unit "x" in duration "1x"',
    );
    expect(show(call(dateFuncs, "now"))).toMatch(
      /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d(\.\d+)? \+0000 UTC m=\+\d+\.\d{9}$/,
    );
  });
});

describe("crypto and encodings (Sprig crypto_test.go, strings_test.go)", () => {
  it("hashes", () => {
    expect(call(cryptoFuncs, "sha512sum", "abc")).toBe(
      "ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a2192992a274fc1a836ba3c23a3feebbd454d4423643ce80e2a9ac94fa54ca49f",
    );
    expect(call(cryptoFuncs, "sha256sum", "abc")).toBe(
      "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad",
    );
    expect(call(cryptoFuncs, "sha1sum", "abc")).toBe("a9993e364706816aba3e25717850c26c9cd0d89d");
    expect(call(cryptoFuncs, "adler32sum", "abc")).toBe("38600999");
  });

  it.each([
    [1n, "long", "ZedaFaxcZaso9*"],
    [2n, "long", "Fovi2@JifpTupx"],
    [1n, "maximum", "pf4zS1LjCg&LjhsZ7T2~"],
    [1n, "medium", "ZedJuz8$"],
    [1n, "basic", "pIS54PLs"],
    [1n, "short", "Zed5"],
    [1n, "pin", "6685"],
  ])("derivePassword %d %s", (n, type, want) => {
    expect(call(cryptoFuncs, "derivePassword", n, type, "password", "user", "example.com")).toBe(want);
  });

  it("encodes and decodes, returning Go's decode error text as the value", () => {
    expect(call(cryptoFuncs, "b64dec", call(cryptoFuncs, "b64enc", "coffee"))).toBe("coffee");
    expect(call(cryptoFuncs, "b32dec", call(cryptoFuncs, "b32enc", "coffee"))).toBe("coffee");
    expect(call(cryptoFuncs, "b32enc", "hello")).toBe("NBSWY3DP");
    expect(call(cryptoFuncs, "b64dec", "aGVsbG8")).toBe("illegal base64 data at input byte 4");
    expect(call(cryptoFuncs, "b64dec", "a$")).toBe("illegal base64 data at input byte 1");
    expect(call(cryptoFuncs, "b64dec", "aGVs\nbG8=")).toBe("hello");
    expect(call(cryptoFuncs, "b32dec", "NBSWY3D!")).toBe("illegal base32 data at input byte 7");
  });

  it("round-trips AES and refuses to build certificates", () => {
    const enc = call(cryptoFuncs, "encryptAES", "secretkey", "plaintext");
    expect(call(cryptoFuncs, "decryptAES", "secretkey", enc)).toBe("plaintext");
    expect(call(cryptoFuncs, "encryptAES", "k", "")).toBe("");
    expect(goErr(() => call(cryptoFuncs, "decryptAES", "k", "YWJj"))).toContain("slice bounds out of range");
    expect(goErr(() => call(cryptoFuncs, "genCA", "foo", 365n))).toContain("does not generate certificates");
    expect(goErr(() => call(cryptoFuncs, "bcrypt", "abc"))).toContain("bcrypt");
    expect(String(call(cryptoFuncs, "genPrivateKey", "ecdsa"))).toMatch(/^-----BEGIN EC PRIVATE KEY-----\n/);
    expect(call(cryptoFuncs, "genPrivateKey", "foo")).toBe("Unknown type foo");
    expect(Buffer.from(String(call(cryptoFuncs, "randBytes", 12n)), "base64")).toHaveLength(12);
  });
});

describe("misc (Sprig functions_test.go, url_test.go, reflect_test.go)", () => {
  it("handles paths as Go's path package", () => {
    expect(call(miscFuncs, "base", "foo/bar")).toBe("bar");
    expect(call(miscFuncs, "dir", "foo/bar/baz")).toBe("foo/bar");
    expect(call(miscFuncs, "isAbs", "/foo")).toBe(true);
    expect(call(miscFuncs, "isAbs", "foo")).toBe(false);
    expect(call(miscFuncs, "clean", "/foo/../foo/../bar")).toBe("/bar");
    expect(call(miscFuncs, "ext", "/foo/bar/baz.txt")).toBe(".txt");
    expect(call(miscFuncs, "osClean", "a/../../b//c/.")).toBe("../b/c");
    expect([
      call(miscFuncs, "base", ""),
      call(miscFuncs, "base", "///"),
      call(miscFuncs, "dir", "x"),
    ]).toEqual([".", "/", "."]);
  });

  it("sees an empty environment and no DNS", () => {
    expect(call(miscFuncs, "env", "HOME")).toBe("");
    expect(call(miscFuncs, "expandenv", "Hello $HOME ${PATH} $$ $ end")).toBe("Hello    $ end");
    expect(call(miscFuncs, "getHostByName", "localhost")).toBe("");
  });

  it("parses and joins URLs as net/url does", () => {
    const cases: [string, Record<string, string>][] = [
      [
        "proto://auth@host:80/path?query#fragment",
        {
          fragment: "fragment",
          host: "host:80",
          hostname: "host",
          opaque: "",
          path: "/path",
          query: "query",
          scheme: "proto",
          userinfo: "auth",
        },
      ],
      [
        "something",
        {
          fragment: "",
          host: "",
          hostname: "",
          opaque: "",
          path: "something",
          query: "",
          scheme: "",
          userinfo: "",
        },
      ],
      [
        "proto://user:passwor%20d@host:80/path",
        {
          fragment: "",
          host: "host:80",
          hostname: "host",
          opaque: "",
          path: "/path",
          query: "",
          scheme: "proto",
          userinfo: "user:passwor%20d",
        },
      ],
      [
        "proto://host:80/pa%20th?key=val%20ue",
        {
          fragment: "",
          host: "host:80",
          hostname: "host",
          opaque: "",
          path: "/pa th",
          query: "key=val%20ue",
          scheme: "proto",
          userinfo: "",
        },
      ],
    ];
    for (const [u, want] of cases) {
      const got = call(miscFuncs, "urlParse", u) as Record<string, string>;
      expect(got).toEqual(want);
      expect(call(miscFuncs, "urlJoin", got)).toBe(u);
    }
    expect(goErr(() => call(miscFuncs, "urlParse", "::"))).toBe(
      'unable to parse url: parse "::": missing protocol scheme',
    );
  });

  it("reflects Go kinds and types", () => {
    expect(["x", 1n, 1.5, [], {}, null, true].map((v) => call(miscFuncs, "kindOf", v))).toEqual([
      "string",
      "int",
      "float64",
      "slice",
      "map",
      "invalid",
      "bool",
    ]);
    expect(call(miscFuncs, "typeOf", [])).toBe("[]interface {}");
    expect(call(miscFuncs, "typeIsLike", "int", 1n)).toBe(true);
    expect(call(miscFuncs, "kindIs", "map", { a: 1.5 })).toBe(true);
    expect(call(miscFuncs, "deepEqual", 1n, 1)).toBe(false);
    expect(call(miscFuncs, "deepEqual", { a: ["x"] }, { a: ["x"] })).toBe(true);
    expect(call(miscFuncs, "typeOf", call(dateFuncs, "now"))).toBe("time.Time");
  });

  it("generates random strings of the asked length and alphabet", () => {
    expect(call(miscFuncs, "randAlphaNum", 5n)).toMatch(/^[A-Za-z0-9]{5}$/);
    expect(call(miscFuncs, "randAlpha", 7n)).toMatch(/^[A-Za-z]{7}$/);
    expect(call(miscFuncs, "randNumeric", 3n)).toMatch(/^[0-9]{3}$/);
    expect(call(miscFuncs, "randAscii", 9n)).toMatch(/^[ -~]{9}$/);
    expect(call(miscFuncs, "uuidv4")).toMatch(
      /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/,
    );
    expect([...String(call(miscFuncs, "shuffle", "Hello World"))].sort()).toEqual([..."Hello World"].sort());
    const r = Number(call(miscFuncs, "randInt", 3n, 5n));
    expect(r >= 3 && r < 5).toBe(true);
    expect(goErr(() => call(miscFuncs, "randInt", 5n, 5n))).toBe("invalid argument to Intn");
    expect(goErr(() => call(miscFuncs, "randAlpha", 10n ** 9n))).toContain("limit");
  });
});

it("GoTime prints like Go's time.Time and serializes as RFC 3339", () => {
  const tm = new GoTime(1560458379, 120_000_000, LOCAL);
  expect(formatV(tm)).toBe("2019-06-13 20:39:39.12 +0000 UTC");
  expect(tm.raw).toBe("2019-06-13T20:39:39.12Z");
});
