/** JSON values as they arrive from the API server or a parsed template: nothing is trusted. */
export type Json = null | boolean | number | string | Json[] | JsonObject;
export interface JsonObject {
  [key: string]: Json;
}

export function isObject(v: unknown): v is JsonObject {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

export function isString(v: unknown): v is string {
  return typeof v === "string";
}

/** A map of string to string from an untrusted object: anything that is not a string value is dropped. */
export function stringMap(v: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (!isObject(v)) return out;
  for (const [k, val] of Object.entries(v)) if (typeof val === "string") out[k] = val;
  return out;
}

/**
 * A deep copy of a JSON value. Hand-written because it runs on every admission and is several times
 * faster than structuredClone for plain data; a `__proto__` key is copied as data, never as a prototype.
 */
export function clone<T>(v: T): T {
  if (typeof v !== "object" || v === null) return v;
  if (Array.isArray(v)) return v.map(clone) as T;
  const out: Record<string, unknown> = {};
  for (const key in v) {
    if (!Object.hasOwn(v, key)) continue;
    const value = clone((v as Record<string, unknown>)[key]);
    if (key === "__proto__")
      Object.defineProperty(out, key, { value, enumerable: true, writable: true, configurable: true });
    else out[key] = value;
  }
  return out as T;
}

/** Results carry errors as values; `message` is written for the person who has to fix the input. */
export type Result<T> = { ok: true; value: T } | { ok: false; error: string };
export const ok = <T>(value: T): Result<T> => ({ ok: true, value });
export const err = <T = never>(error: string): Result<T> => ({ ok: false, error });

/**
 * Nesting deeper than any Pod or config needs. Parsers accept far deeper documents, and the
 * recursive steps after them (merge, diff, clone) would then overflow the stack.
 */
export const MAX_DEPTH = 100;

/** Whether a parsed value nests deeper than `max`; iterative, so it is safe on any input. */
export function tooDeep(value: unknown, max = MAX_DEPTH): boolean {
  // Two parallel stacks rather than one of [value, depth] pairs: this walks every request body.
  const values: unknown[] = [value];
  const depths: number[] = [1];
  while (values.length > 0) {
    const v = values.pop();
    const depth = depths.pop() as number;
    if (typeof v !== "object" || v === null) continue;
    if (depth > max) return true;
    if (Array.isArray(v)) {
      for (const child of v) {
        if (typeof child === "object" && child !== null) {
          values.push(child);
          depths.push(depth + 1);
        }
      }
    } else {
      for (const key in v) {
        if (!Object.hasOwn(v, key)) continue;
        const child = (v as Record<string, unknown>)[key];
        if (typeof child === "object" && child !== null) {
          values.push(child);
          depths.push(depth + 1);
        }
      }
    }
  }
  return false;
}
