import { formatV } from "../../../core/render/go/fmt.ts";
import { type ExecLimits, executeGoTemplate, parseGoTemplate } from "../../../core/render/go/template.ts";
import {
  ANY,
  BOOL,
  FLOAT64,
  type GoError,
  type GoFunc,
  type GoType,
  type GoValue,
  INT,
  STRING,
  Typed,
  typed,
} from "../../../core/render/go/values.ts";

/**
 * Shared harness for the engine tests: a port of the data of Go's exec_test.go (`tVal`) onto the
 * value model, a few test functions, and `run`, which parses and executes like Go's test loop.
 */

const field = (go: string, type: GoType) => ({ go, json: go, type });
const slice = (elem: GoType): GoType => ({ kind: "slice", elem });
const map = (elem: GoType): GoType => ({ kind: "map", elem });
const ptr = (elem: GoType): GoType => ({ kind: "ptr", elem });

export const U_TYPE: GoType = {
  kind: "struct",
  name: "template.U",
  fields: [field("V", STRING)],
  methods: { TrueFalse: (_r, [b]) => (b === true ? "true" : "") },
};

const rawOf = (r: Typed) => (r.raw ?? {}) as Record<string, unknown>;

export const T_TYPE: GoType & { kind: "struct" } = {
  kind: "struct",
  name: "template.T",
  fields: [
    field("True", BOOL),
    field("I", INT),
    field("U16", { kind: "uint32", name: "uint16" }),
    field("X", STRING),
    field("S", STRING),
    field("FloatZero", FLOAT64),
    field("U", ptr(U_TYPE)),
    field("NilU", ptr(U_TYPE)),
    field("SI", slice(INT)),
    field("SIEmpty", slice(INT)),
    field("AI", slice(INT)),
    field("SB", slice(BOOL)),
    field("MSI", map(INT)),
    field("MSIone", map(INT)),
    field("MSIEmpty", map(INT)),
    field("SMSI", slice(map(INT))),
    field("Empty0", ANY),
    field("Empty1", ANY),
    field("Empty2", ANY),
    field("Empty3", ANY),
    field("Empty4", ANY),
    field("PI", ptr(INT)),
    field("PS", ptr(STRING)),
    field("PSI", ptr(slice(INT))),
    field("NIL", ptr(INT)),
  ],
  methods: {
    Method0: () => "M0",
    Method1: (_r, [a]) => a,
    Method2: (_r, [a, b]) => `Method2: ${formatV(a)} ${b}`,
    Method3: (_r, [a]) => `Method3: ${formatV(a ?? null)}`,
    MAdd: (_r, [a, b]) => {
      const xs = b instanceof Typed ? (b.raw as number[]) : (b as GoValue[]);
      return xs.map((x) => BigInt(x as number) + (a as bigint));
    },
    GetU: (r) => typed(ptr(U_TYPE), rawOf(r).U),
    Copy: (r) => r,
    MyError: (_r, [fail]) => {
      if (fail === true) throw new Error("my error");
      return false;
    },
  },
};

export const T_RAW = {
  True: true,
  I: 17,
  U16: 16,
  X: "x",
  S: "xyz",
  U: { V: "v" },
  SI: [3, 4, 5],
  SIEmpty: [],
  AI: [3, 4, 5],
  SB: [true, false],
  MSI: { one: 1, two: 2, three: 3 },
  MSIone: { one: 1 },
  MSIEmpty: {},
  SMSI: [
    { one: 1, two: 2 },
    { eleven: 11, twelve: 12 },
  ],
  Empty1: 3,
  Empty2: "empty2",
  Empty3: [7, 8],
  Empty4: { V: "UinEmpty" },
  PI: 23,
  PS: "a string",
  PSI: [21, 22, 23],
};

/** `&T{…}`, as Go's tests pass it. */
export const tVal = (): GoValue => new Typed(ptr(T_TYPE), T_RAW);

export const FUNCS = new Map<string, GoFunc>([
  ["add", (a, b) => (a as bigint) + (b as bigint)],
  ["echo", (a) => a],
  [
    "makemap",
    (...a) => Object.fromEntries(Array.from({ length: a.length / 2 }, (_, i) => [a[2 * i], a[2 * i + 1]])),
  ],
  ["mapOfThree", () => ({ three: 3n })],
  ["oneArg", (a) => `oneArg=${a}`],
  ["twoArgs", (a, b) => `${a}${b}`],
  [
    "die",
    () => {
      throw new Error("die");
    },
  ],
  ["zeroArgs", () => "zeroArgs"],
  ["count", (n) => Array.from({ length: Number(n) }, (_, i) => "abcdefghijklmnop"[i] ?? "")],
]);

export type Case = [name: string, template: string, output: string | Error, data?: GoValue];

/** Parse and execute as `t`; a parse or execution error comes back as an Error. */
export function run(
  text: string,
  data: GoValue,
  limits?: ExecLimits,
  funcs: ReadonlyMap<string, GoFunc> = FUNCS,
): string | Error {
  const p = parseGoTemplate("t", text, funcs);
  if (!p.ok) return new Error(p.error);
  const r = executeGoTemplate(p.value, data, limits);
  return r.ok ? r.value : new Error(r.error);
}

export const fails = (message = ""): Error => new Error(message);

/** Checks a table row: exact output, or an error whose message contains the given text. */
export function check(got: string | Error, want: string | Error): void {
  if (want instanceof Error) {
    if (!(got instanceof Error))
      throw new Error(
        `expected an error containing ${JSON.stringify(want.message)}, got ${JSON.stringify(got)}`,
      );
    if (!got.message.includes(want.message))
      throw new Error(`error ${JSON.stringify(got.message)} lacks ${JSON.stringify(want.message)}`);
    return;
  }
  if (got instanceof Error) throw new Error(`unexpected error: ${got.message}`);
  if (got !== want) throw new Error(`got ${JSON.stringify(got)}, want ${JSON.stringify(want)}`);
}

export type { GoError };
