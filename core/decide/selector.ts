import type { LabelSelector } from "../config/types.ts";
import { isObject } from "../json.ts";

/**
 * Kubernetes LabelSelector semantics: every matchLabels pair AND every matchExpression must hold.
 * Used for neverInjectSelector/alwaysInjectSelector, and for a MutatingWebhookConfiguration's
 * namespaceSelector/objectSelector (registration, `outrigger check`), so nothing here is Istio-specific.
 *
 * Validity follows apimachinery's LabelSelectorAsSelector/NewRequirement: an unknown operator, In/NotIn
 * without values, Exists/DoesNotExist with values, a key that is not a qualified name, or a value that
 * is not a label value all make the selector unusable. Istio then skips the selector with a warning,
 * and the API server refuses a webhook configuration carrying one.
 */

export const OPERATORS = ["In", "NotIn", "Exists", "DoesNotExist"] as const;
export type Operator = (typeof OPERATORS)[number];

export type SelectorMatch = { ok: true; matches: boolean } | { ok: false; error: string };

/**
 * Messages naming the bad field (`neverInjectSelector[1].matchExpressions[0].operator: ...`); empty if
 * valid. Stricter than matching: a field other than matchLabels/matchExpressions is reported too,
 * because in a config it is almost always a typo that silently empties the selector.
 */
export function validateSelector(sel: unknown, path: string): string[] {
  const errors = semanticErrors(sel, path);
  if (isObject(sel)) {
    for (const key of Object.keys(sel)) {
      if (key !== "matchLabels" && key !== "matchExpressions") {
        errors.push(`${path}.${key}: unknown field; a label selector has matchLabels and matchExpressions`);
      }
    }
  }
  return errors;
}

/**
 * Whether the labels satisfy the selector; an unusable selector is an error value, never a throw.
 * `path` prefixes the error (`alwaysInjectSelector[0]`). An empty selector matches everything, as in
 * Kubernetes; callers with Istio's "skip empty selectors" rule check isEmptySelector first. Unknown
 * fields are ignored here, as a Go client decoding the object would.
 */
export function matchSelector(
  sel: unknown,
  labels: Record<string, string>,
  path = "selector",
): SelectorMatch {
  const errors = semanticErrors(sel, path);
  if (errors.length > 0) return { ok: false, error: errors.join("; ") };
  const s = sel as LabelSelector;
  for (const [k, v] of Object.entries(s.matchLabels ?? {})) {
    if (!Object.hasOwn(labels, k) || labels[k] !== v) return { ok: true, matches: false };
  }
  for (const e of s.matchExpressions ?? []) {
    if (
      !requirementHolds(e.operator, Object.hasOwn(labels, e.key) ? labels[e.key] : undefined, e.values ?? [])
    ) {
      return { ok: true, matches: false };
    }
  }
  return { ok: true, matches: true };
}

function requirementHolds(op: Operator, value: string | undefined, values: readonly string[]): boolean {
  switch (op) {
    case "In":
      return value !== undefined && values.includes(value);
    case "NotIn":
      // Kubernetes: a pod without the key is "not in" any set.
      return value === undefined || !values.includes(value);
    case "Exists":
      return value !== undefined;
    case "DoesNotExist":
      return value === undefined;
  }
}

/** A selector with nothing in it would match every pod; Istio skips such entries. */
export function isEmptySelector(sel: unknown): boolean {
  if (!isObject(sel)) return false;
  const labels = isObject(sel.matchLabels) ? Object.keys(sel.matchLabels).length : 0;
  const exprs = Array.isArray(sel.matchExpressions) ? sel.matchExpressions.length : 0;
  return labels === 0 && exprs === 0;
}

/** `app=web, sidecar/notinject exists, tier not in (a,b)`: for reason trails and the check verb. */
export function describeSelector(sel: unknown): string {
  if (!isObject(sel)) return "(not a selector)";
  const parts: string[] = [];
  if (isObject(sel.matchLabels)) {
    for (const [k, v] of Object.entries(sel.matchLabels)) parts.push(`${k}=${show(v)}`);
  }
  if (Array.isArray(sel.matchExpressions)) {
    for (const e of sel.matchExpressions) {
      if (!isObject(e)) continue;
      const key = show(e.key);
      const values = Array.isArray(e.values) ? e.values.map(show).join(",") : "";
      switch (e.operator) {
        case "Exists":
          parts.push(`${key} exists`);
          break;
        case "DoesNotExist":
          parts.push(`${key} does not exist`);
          break;
        case "In":
          parts.push(`${key} in (${values})`);
          break;
        case "NotIn":
          parts.push(`${key} not in (${values})`);
          break;
        default:
          parts.push(`${key} ${show(e.operator)} (${values})`);
      }
    }
  }
  return parts.length > 0 ? parts.join(", ") : "(empty)";
}

/** Text for any value: `String()` throws on `{"toString": 1}`, which JSON can carry. */
function show(v: unknown): string {
  if (typeof v === "string") return v;
  try {
    return JSON.stringify(v) ?? String(v);
  } catch {
    return "?";
  }
}

/** Everything that makes apimachinery refuse the selector (unknown fields are not its concern). */
function semanticErrors(sel: unknown, path: string): string[] {
  if (!isObject(sel)) return [`${path}: must be a label selector (matchLabels and/or matchExpressions)`];
  const errors: string[] = [];
  const ml = sel.matchLabels;
  if (ml !== undefined && ml !== null) {
    if (!isObject(ml)) errors.push(`${path}.matchLabels: must map label names to string values`);
    else {
      for (const [k, v] of Object.entries(ml)) {
        const at = `${path}.matchLabels[${JSON.stringify(k)}]`;
        const keyError = labelKeyError(k);
        if (keyError) errors.push(`${at}: ${keyError}`);
        if (typeof v !== "string") errors.push(`${at}: must be a string`);
        else {
          const valueError = labelValueError(v);
          if (valueError) errors.push(`${at}: ${valueError}`);
        }
      }
    }
  }
  const exprs = sel.matchExpressions;
  if (exprs !== undefined && exprs !== null) {
    if (!Array.isArray(exprs)) errors.push(`${path}.matchExpressions: must be a list`);
    else
      for (const [i, e] of exprs.entries())
        errors.push(...expressionErrors(e, `${path}.matchExpressions[${i}]`));
  }
  return errors;
}

function expressionErrors(e: unknown, path: string): string[] {
  if (!isObject(e)) return [`${path}: must have key, operator and (for In/NotIn) values`];
  const errors: string[] = [];
  if (typeof e.key !== "string") errors.push(`${path}.key: must be a string`);
  else {
    const keyError = labelKeyError(e.key);
    if (keyError) errors.push(`${path}.key: ${keyError}`);
  }
  const op = e.operator;
  const known = typeof op === "string" && (OPERATORS as readonly string[]).includes(op);
  if (!known)
    errors.push(`${path}.operator: must be one of ${OPERATORS.join(", ")}, got ${JSON.stringify(op)}`);
  const values = e.values;
  if (values !== undefined && values !== null && !Array.isArray(values)) {
    errors.push(`${path}.values: must be a list of strings`);
    return errors;
  }
  const list = Array.isArray(values) ? values : [];
  if ((op === "In" || op === "NotIn") && list.length === 0)
    errors.push(`${path}.values: must not be empty for ${op}`);
  if ((op === "Exists" || op === "DoesNotExist") && list.length > 0)
    errors.push(`${path}.values: must be empty for ${op}`);
  list.forEach((v, i) => {
    if (typeof v !== "string") errors.push(`${path}.values[${i}]: must be a string`);
    else {
      const valueError = labelValueError(v);
      if (valueError) errors.push(`${path}.values[${i}]: ${valueError}`);
    }
  });
  return errors;
}

// Kubernetes' qualified-name and label-value syntax (apimachinery util/validation).
const NAME = /^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/;
const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

/** Why `key` is not a label key (`[prefix/]name`), or undefined if it is one. */
export function labelKeyError(key: string): string | undefined {
  const slash = key.indexOf("/");
  const prefix = slash < 0 ? undefined : key.slice(0, slash);
  const name = slash < 0 ? key : key.slice(slash + 1);
  if (prefix !== undefined) {
    if (prefix === "") return `label key ${JSON.stringify(key)}: the prefix before "/" must not be empty`;
    if (prefix.length > 253 || !DNS_SUBDOMAIN.test(prefix)) {
      return `label key ${JSON.stringify(key)}: the prefix must be a lower-case DNS subdomain of at most 253 characters`;
    }
  }
  if (name === "" || name.length > 63 || !NAME.test(name)) {
    return `label key ${JSON.stringify(key)}: the name must be 1-63 characters of letters, digits, "-", "_" or ".", starting and ending with a letter or digit`;
  }
  return undefined;
}

/** Why `value` is not a label value, or undefined if it is one (the empty string is). */
export function labelValueError(value: string): string | undefined {
  if (value === "" || (value.length <= 63 && NAME.test(value))) return undefined;
  return `label value ${JSON.stringify(value)}: must be at most 63 characters of letters, digits, "-", "_" or ".", starting and ending with a letter or digit`;
}
