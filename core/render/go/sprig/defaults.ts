/**
 * Sprig v3.3.0's defaults.go functions: default, empty, coalesce, all, any, ternary, and fail.
 * `empty` is Sprig's zero test (not text/template's truth): a struct is never empty, a non-nil
 * pointer is never empty (it is not followed), 0, "", false, nil and empty maps and slices are.
 */
import { argBool, argString } from "../args.ts";
import { isEmptyValue } from "../gojson.ts";
import { GoError, type GoFunc, type GoValue } from "../values.ts";
import { arity } from "./misc.ts";

/** Sprig's empty is Go's zero-value test, the same one encoding/json's omitempty applies. */
export const empty = isEmptyValue;

export const defaultFuncs: Record<string, GoFunc> = {
  default: (...args) => {
    arity("default", args, 1, Number.POSITIVE_INFINITY);
    const d = args[0] === undefined ? null : args[0];
    const given = args[1];
    return args.length < 2 || empty(given) ? d : (given as GoValue);
  },
  empty: (...args) => {
    arity("empty", args, 1);
    return empty(args[0]);
  },
  coalesce: (...args) => args.find((v) => !empty(v)) ?? null,
  all: (...args) => args.every((v) => !empty(v)),
  any: (...args) => args.some((v) => !empty(v)),
  ternary: (...args) => {
    arity("ternary", args, 3);
    const vt = args[0] === undefined ? null : args[0];
    const vf = args[1] === undefined ? null : args[1];
    return argBool(args[2], "ternary") ? vt : vf;
  },
  fail: (...args) => {
    arity("fail", args, 1);
    throw new GoError(argString(args[0], "fail"));
  },
};
