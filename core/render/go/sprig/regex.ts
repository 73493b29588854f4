import { argInt, argString } from "../args.ts";
import { GoError, type GoFunc, type GoValue } from "../values.ts";
import { arity, stringSlice } from "./misc.ts";
import {
  all,
  type Budget,
  compileRegexp,
  execRegexp,
  expand,
  quoteMeta,
  REGEX_LIMITS,
  type Regexp,
  replaceAll,
  split,
} from "./regex-engine.ts";
import { quoteExpr } from "./regex-parse.ts";

/** Sprig's regex functions, on the RE2 engine of regex-engine.ts. */

// Re-exported: the tests read the limits here, and semver.ts compiles its expressions through here.
export { compileRegexp, execRegexp, REGEX_LIMITS, type Regexp } from "./regex-engine.ts";

// ---------------------------------------------------------------------------------------------------
// The template functions

function input(v: GoValue, fn: string): string {
  const s = argString(v, fn);
  if (s.length > REGEX_LIMITS.inputLength)
    throw new GoError(`${fn}: input longer than Outrigger's limit of ${REGEX_LIMITS.inputLength} characters`);
  return s;
}

/** MustCompile's panic message, which text/template reports for the non-must variants. */
function mustCompile(expr: string): Regexp {
  try {
    return compileRegexp(expr);
  } catch (e) {
    throw new GoError(`regexp: Compile(${quoteExpr(expr)}): ${(e as Error).message}`);
  }
}

const budget = (): Budget => ({ steps: REGEX_LIMITS.steps });

function pair(
  name: string,
  strict: boolean,
  body: (re: Regexp, args: GoValue[]) => GoValue,
  n: number,
): GoFunc {
  return (...args) => {
    arity(name, args, n);
    const expr = argString(args[0], name);
    return body(strict ? compileRegexp(expr) : mustCompile(expr), args);
  };
}

function family(
  name: string,
  n: number,
  body: (re: Regexp, args: GoValue[], fn: string) => GoValue,
): Record<string, GoFunc> {
  const must = `must${name[0]?.toUpperCase()}${name.slice(1)}`;
  return {
    [name]: pair(name, false, (re, a) => body(re, a, name), n),
    [must]: pair(must, true, (re, a) => body(re, a, must), n),
  };
}

export const regexFuncs: Record<string, GoFunc> = {
  ...family("regexFindAll", 3, (re, a, fn) => {
    const s = input(a[1], fn);
    return stringSlice(all(re, s, argInt(a[2], fn), budget()).map((m) => s.slice(m[0], m[1])));
  }),
  ...family("regexFind", 2, (re, a, fn) => {
    const s = input(a[1], fn);
    const m = execRegexp(re, s, 0, budget());
    return m ? s.slice(m[0], m[1]) : "";
  }),
  ...family("regexReplaceAll", 3, (re, a, fn) => {
    const s = input(a[1], fn);
    const t = argString(a[2], fn);
    return replaceAll(re, s, (m) => expand(re, t, s, m), budget());
  }),
  ...family("regexReplaceAllLiteral", 3, (re, a, fn) => {
    const t = argString(a[2], fn);
    return replaceAll(re, input(a[1], fn), () => t, budget());
  }),
  ...family("regexSplit", 3, (re, a, fn) =>
    stringSlice(split(re, input(a[1], fn), argInt(a[2], fn), budget())),
  ),
  ...family("regexMatch", 2, (re, a, fn) => execRegexp(re, input(a[1], fn), 0, budget()) !== undefined),
  regexQuoteMeta: (...args) => {
    arity("regexQuoteMeta", args, 1);
    return quoteMeta(argString(args[0], "regexQuoteMeta"));
  },
};

// regexMatch ignores a compile error (Go's `match, _ := regexp.MatchString`): false, not an error.
regexFuncs.regexMatch = (...args) => {
  arity("regexMatch", args, 2);
  const expr = argString(args[0], "regexMatch");
  const s = input(args[1], "regexMatch");
  let re: Regexp;
  try {
    re = compileRegexp(expr);
  } catch (e) {
    // Outrigger's own limits are not Go errors: they surface, so a pattern never silently stops matching.
    if (
      e instanceof GoError &&
      e.message.startsWith("error parsing regexp") &&
      !e.message.includes("too large")
    )
      return false;
    throw e;
  }
  return execRegexp(re, s, 0, budget()) !== undefined;
};
