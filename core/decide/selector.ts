import type { LabelSelector } from "../config/types.ts";
import { isObject } from "../json.ts";

/**
 * Kubernetes LabelSelector semantics: every matchLabels pair AND every matchExpression must hold.
 * Used for neverInjectSelector/alwaysInjectSelector and for the webhook registration's selectors.
 */
const OPERATORS = ["In", "NotIn", "Exists", "DoesNotExist"] as const;

/** Messages naming the bad field (`neverInjectSelector[1].matchExpressions[0].operator: ...`); empty if valid. */
export function validateSelector(sel: unknown, path: string): string[] {
  if (!isObject(sel)) return [`${path}: must be a label selector (matchLabels and/or matchExpressions)`];
  const errors: string[] = [];
  for (const key of Object.keys(sel)) {
    if (key !== "matchLabels" && key !== "matchExpressions") {
      errors.push(`${path}.${key}: unknown field; a label selector has matchLabels and matchExpressions`);
    }
  }
  if (sel.matchLabels !== undefined && sel.matchLabels !== null) {
    if (!isObject(sel.matchLabels) || !Object.values(sel.matchLabels).every((v) => typeof v === "string")) {
      errors.push(`${path}.matchLabels: must map label names to string values`);
    }
  }
  const exprs = sel.matchExpressions;
  if (exprs !== undefined && exprs !== null) {
    if (!Array.isArray(exprs)) errors.push(`${path}.matchExpressions: must be a list`);
    else {
      exprs.forEach((e, i) => {
        errors.push(...expressionErrors(e, `${path}.matchExpressions[${i}]`));
      });
    }
  }
  return errors;
}

function expressionErrors(e: unknown, path: string): string[] {
  if (!isObject(e)) return [`${path}: must have key, operator and (for In/NotIn) values`];
  const errors: string[] = [];
  if (typeof e.key !== "string" || e.key === "") errors.push(`${path}.key: must be a non-empty string`);
  const op = e.operator;
  if (!OPERATORS.includes(op as (typeof OPERATORS)[number])) {
    errors.push(`${path}.operator: must be one of ${OPERATORS.join(", ")}, got ${JSON.stringify(op)}`);
    return errors;
  }
  const values = e.values;
  if (
    values !== undefined &&
    values !== null &&
    (!Array.isArray(values) || !values.every((v) => typeof v === "string"))
  ) {
    errors.push(`${path}.values: must be a list of strings`);
  } else {
    const count = Array.isArray(values) ? values.length : 0;
    if ((op === "In" || op === "NotIn") && count === 0)
      errors.push(`${path}.values: must not be empty for ${op}`);
    if ((op === "Exists" || op === "DoesNotExist") && count > 0)
      errors.push(`${path}.values: must be empty for ${op}`);
  }
  return errors;
}

export type SelectorMatch = { ok: true; matches: boolean } | { ok: false; error: string };

/** Whether the labels satisfy the selector; an invalid selector is an error value, never a throw. */
export function matchSelector(sel: unknown, labels: Record<string, string>): SelectorMatch {
  const errors = validateSelector(sel, "selector");
  if (errors.length > 0) return { ok: false, error: errors.join("; ") };
  const s = sel as LabelSelector;
  for (const [k, v] of Object.entries(s.matchLabels ?? {})) {
    if (labels[k] !== v) return { ok: true, matches: false };
  }
  for (const e of s.matchExpressions ?? []) {
    const has = Object.hasOwn(labels, e.key);
    const values = e.values ?? [];
    const holds =
      e.operator === "In"
        ? has && values.includes(labels[e.key] as string)
        : e.operator === "NotIn"
          ? !has || !values.includes(labels[e.key] as string)
          : e.operator === "Exists"
            ? has
            : !has;
    if (!holds) return { ok: true, matches: false };
  }
  return { ok: true, matches: true };
}

/** A selector with nothing in it would match every pod; Istio skips such entries. */
export function isEmptySelector(sel: unknown): boolean {
  if (!isObject(sel)) return false;
  const labels = isObject(sel.matchLabels) ? Object.keys(sel.matchLabels).length : 0;
  const exprs = Array.isArray(sel.matchExpressions) ? sel.matchExpressions.length : 0;
  return labels === 0 && exprs === 0;
}

/** `app=web, sidecar/notinject exists` — for reason trails and the check verb. */
export function describeSelector(sel: unknown): string {
  if (!isObject(sel)) return "(not a selector)";
  const parts: string[] = [];
  if (isObject(sel.matchLabels))
    for (const [k, v] of Object.entries(sel.matchLabels)) parts.push(`${k}=${String(v)}`);
  if (Array.isArray(sel.matchExpressions)) {
    for (const e of sel.matchExpressions) {
      if (!isObject(e)) continue;
      const values = Array.isArray(e.values) ? e.values.join(",") : "";
      const op = String(e.operator);
      parts.push(
        op === "Exists"
          ? `${String(e.key)} exists`
          : op === "DoesNotExist"
            ? `${String(e.key)} does not exist`
            : `${String(e.key)} ${op.toLowerCase().replace("notin", "not in")} (${values})`,
      );
    }
  }
  return parts.length > 0 ? parts.join(", ") : "(empty)";
}
