/**
 * Sprig v3.3.0's list functions (list.go). They take `interface{}` and use reflection, so any slice
 * works (`[]interface{}` from `list`, `[]string` from `splitList`, a declared slice from the pod) and
 * they return new `[]interface{}` slices: the input is never changed. The non-must forms panic with
 * the must form's error, which text/template turns into the same execution error.
 */
import { argInt, nilIfMissing, stringSlice, toInt64, toStringSlice } from "../args.ts";
import { ANY, byteOrder, GoError, type GoFunc, type GoValue, sliceElems, Typed } from "../values.ts";
import { empty } from "./defaults.ts";
import { arity, deepEqual, reflectKind } from "./misc.ts";

const NIL_SLICE: GoValue = new Typed({ kind: "slice", elem: ANY }, null);

/** reflect.TypeOf(nil).Kind() dereferences a nil Type: Go's runtime error, not Sprig's message. */
const NIL_DEREF = "runtime error: invalid memory address or nil pointer dereference";

/** The elements of a slice argument, or Sprig's "Cannot <what> on type <kind>" error. */
function elems(v: GoValue, message: (kind: string) => string): GoValue[] {
  if (v === undefined || v === null) throw new GoError(NIL_DEREF);
  const xs = v instanceof Typed && v.type.kind === "interface" ? sliceElems(v.raw as GoValue) : sliceElems(v);
  if (xs === undefined) throw new GoError(message(reflectKind(v)));
  return xs.map(nilIfMissing);
}

type Impl = (...args: GoValue[]) => GoValue;

/** The same implementation under each of its names (`append`/`push`): Go's messages name the call. */
function named(name: string, min: number, max: number, f: Impl): GoFunc {
  return (...args) => {
    arity(name, args, min, max);
    return f(...args);
  };
}

const push: Impl = (list, v) => [...elems(list, (k) => `Cannot push on type ${k}`), nilIfMissing(v)];
const prepend: Impl = (list, v) => [nilIfMissing(v), ...elems(list, (k) => `Cannot prepend on type ${k}`)];
const first: Impl = (list) => {
  const xs = elems(list, (k) => `Cannot find first on type ${k}`);
  return xs.length === 0 ? null : (xs[0] ?? null);
};
const last: Impl = (list) => {
  const xs = elems(list, (k) => `Cannot find last on type ${k}`);
  return xs.length === 0 ? null : (xs[xs.length - 1] ?? null);
};
const rest: Impl = (list) => {
  const xs = elems(list, (k) => `Cannot find rest on type ${k}`);
  return xs.length === 0 ? NIL_SLICE : xs.slice(1);
};
const initial: Impl = (list) => {
  const xs = elems(list, (k) => `Cannot find initial on type ${k}`);
  return xs.length === 0 ? NIL_SLICE : xs.slice(0, -1);
};
const reverse: Impl = (list) => elems(list, (k) => `Cannot find reverse on type ${k}`).reverse();
const compact: Impl = (list) => elems(list, (k) => `Cannot compact on type ${k}`).filter((x) => !empty(x));
const uniq: Impl = (list) => {
  const out: GoValue[] = [];
  for (const x of elems(list, (k) => `Cannot find uniq on type ${k}`))
    if (!out.some((y) => deepEqual(x, y))) out.push(x);
  return out;
};

function without(...args: GoValue[]): GoValue {
  const omit = args.slice(1).map(nilIfMissing);
  return elems(args[0], (k) => `Cannot find without on type ${k}`).filter(
    (x) => !omit.some((y) => deepEqual(x, y)),
  );
}

function has(...args: GoValue[]): GoValue {
  const needle = nilIfMissing(args[0]);
  const haystack = args[1];
  if (haystack === undefined || haystack === null) return false;
  return elems(haystack, (k) => `Cannot find has on type ${k}`).some((x) => deepEqual(needle, x));
}

/** cast.ToInt of an index, within Go's int range. */
const index = (v: GoValue): number => Number(toInt64(nilIfMissing(v)));

function slice(...args: GoValue[]): GoValue {
  const list = args[0];
  const xs = elems(list, (k) => `list should be type of slice or array but ${k}`);
  if (xs.length === 0) return null;
  const start = args.length > 1 ? index(args[1]) : 0;
  const end = args.length > 2 ? index(args[2]) : xs.length;
  if (start < 0 || end < start || end > xs.length)
    throw new GoError("reflect.Value.Slice: slice index out of range");
  const out = xs.slice(start, end);
  // reflect's Slice keeps the slice's own type: a []string stays a []string.
  return list instanceof Typed && list.type.kind === "slice" ? new Typed(list.type, out.map(rawOf)) : out;
}

const rawOf = (v: GoValue): unknown => (v instanceof Typed ? v.raw : typeof v === "bigint" ? Number(v) : v);

function concat(...lists: GoValue[]): GoValue {
  const out: GoValue[] = [];
  for (const list of lists) {
    if (list === undefined || list === null) throw new GoError(NIL_DEREF);
    const xs = sliceElems(list);
    if (xs === undefined) throw new GoError(`Cannot concat type ${reflectKind(list)} as list`);
    out.push(...xs.map(nilIfMissing));
  }
  return out.length === 0 ? NIL_SLICE : out;
}

const MAKESLICE = "runtime error: makeslice: len out of range";

function chunk(...args: GoValue[]): GoValue {
  const size = argInt(args[0], "chunk");
  const xs = elems(args[1], (k) => `Cannot chunk type ${k}`);
  const l = xs.length;
  const cs = Math.floor((l - 1) / size) + 1;
  if (!Number.isFinite(cs) || cs < 0) throw new GoError(MAKESLICE);
  const out: GoValue[] = [];
  for (let i = 0; i < cs; i++) {
    let clen = size;
    if (i === cs - 1) {
      clen = Math.floor(l % size);
      if (clen === 0) clen = size;
    }
    if (clen < 0) throw new GoError(MAKESLICE);
    const row: GoValue[] = [];
    for (let j = 0; j < clen; j++) {
      const x = xs[i * size + j];
      if (x === undefined) throw new GoError(`reflect: slice index out of range`);
      row.push(x);
    }
    out.push(row);
  }
  return out;
}

/** sortAlpha: a slice's strval'd elements in byte order; anything else becomes a one-element list. */
function sortAlpha(...args: GoValue[]): GoValue {
  const v = nilIfMissing(args[0]);
  const xs = v === null ? undefined : sliceElems(v instanceof Typed && v.type.kind === "ptr" ? v : v);
  if (xs === undefined) return stringSlice(toStringSlice(v === null ? "<nil>" : v));
  return stringSlice(toStringSlice(v).sort(byteOrder));
}

const INF = Number.POSITIVE_INFINITY;

export const listFuncs: Record<string, GoFunc> = {
  list: (...args) => args.map(nilIfMissing),
  tuple: (...args) => args.map(nilIfMissing),
  append: named("append", 2, 2, push),
  push: named("push", 2, 2, push),
  mustAppend: named("mustAppend", 2, 2, push),
  mustPush: named("mustPush", 2, 2, push),
  prepend: named("prepend", 2, 2, prepend),
  mustPrepend: named("mustPrepend", 2, 2, prepend),
  first: named("first", 1, 1, first),
  mustFirst: named("mustFirst", 1, 1, first),
  rest: named("rest", 1, 1, rest),
  mustRest: named("mustRest", 1, 1, rest),
  last: named("last", 1, 1, last),
  mustLast: named("mustLast", 1, 1, last),
  initial: named("initial", 1, 1, initial),
  mustInitial: named("mustInitial", 1, 1, initial),
  reverse: named("reverse", 1, 1, reverse),
  mustReverse: named("mustReverse", 1, 1, reverse),
  uniq: named("uniq", 1, 1, uniq),
  mustUniq: named("mustUniq", 1, 1, uniq),
  without: named("without", 1, INF, without),
  mustWithout: named("mustWithout", 1, INF, without),
  has: named("has", 2, 2, has),
  mustHas: named("mustHas", 2, 2, has),
  compact: named("compact", 1, 1, compact),
  mustCompact: named("mustCompact", 1, 1, compact),
  slice: named("slice", 1, INF, slice),
  mustSlice: named("mustSlice", 1, INF, slice),
  concat,
  chunk: named("chunk", 2, 2, chunk),
  mustChunk: named("mustChunk", 2, 2, chunk),
  sortAlpha: named("sortAlpha", 1, 1, sortAlpha),
};
