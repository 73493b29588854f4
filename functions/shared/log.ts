import type { AdmissionLog } from "../../core/admission/admit.ts";
import { cutText } from "../../core/admission/response.ts";
import { metricsBlock } from "./metrics.ts";

/**
 * One JSON object per line, for the platform's log index. Cloud Logging reads `severity`; Lambda's
 * JSON log format reads `level` (and `timestamp`). The fields are documented in the README ("Logs").
 * Nothing from the pod beyond its namespace and name is logged, and never a token or the config.
 */
export type Severity = "DEBUG" | "INFO" | "WARNING" | "ERROR";
export type LogFormat = "gcp" | "aws";

const AWS_LEVELS: Record<Severity, string> = {
  DEBUG: "DEBUG",
  INFO: "INFO",
  WARNING: "WARN",
  ERROR: "ERROR",
};

let format: LogFormat = "gcp";
let sink: (line: string) => void = (line) => process.stderr.write(`${line}\n`);

export function configureLogs(options: { format?: LogFormat; sink?: (line: string) => void }): void {
  if (options.format) format = options.format;
  if (options.sink) sink = options.sink;
}

/**
 * Cloud Logging and CloudWatch drop entries over 256 KB (and CloudWatch's metric extraction with
 * them); values from a request (a pod's name, a denial quoting an annotation) can be any size. So
 * every line stays under MAX_LINE_BYTES: strings and lists are cut with a marker, first generously,
 * then, if the line is still too long, tightly.
 */
export const MAX_LINE_BYTES = 16 * 1024;

interface Limits {
  chars: number;
  entries: number;
}
const LOOSE: Limits = { chars: 2048, entries: 20 };
const TIGHT: Limits = { chars: 200, entries: 5 };
/** Deeper than any line this module writes (the EMF block is four levels); below it, values are cut. */
const MAX_FIELD_DEPTH = 6;

export function log(severity: Severity, message: string, fields: Record<string, unknown> = {}): void {
  emit(severity, message, (limits) => {
    const line = head(severity, cutText(message, limits.chars));
    assign(line, fields, limits);
    return line;
  });
}

/** Writes the line built under loose limits, or, when that is too long, under tight ones. */
function emit(severity: Severity, message: string, build: (limits: Limits) => Record<string, unknown>): void {
  let text = JSON.stringify(build(LOOSE));
  if (text.length * 3 > MAX_LINE_BYTES && Buffer.byteLength(text) > MAX_LINE_BYTES) {
    text = JSON.stringify(build(TIGHT));
    // Only a caller's own fields, by the hundred, get here; the line says so instead of being lost.
    if (Buffer.byteLength(text) > MAX_LINE_BYTES) {
      const line = head(severity, cutText(message, TIGHT.chars));
      line.cut = `a ${Buffer.byteLength(text)}-byte log line, over ${MAX_LINE_BYTES}`;
      text = JSON.stringify(line);
    }
  }
  sink(text);
}

/** A field's value with its strings and lists cut to the limits; the value itself when nothing is cut. */
function bounded(value: unknown, limits: Limits, depth = 0): unknown {
  if (typeof value === "string") return cutText(value, limits.chars);
  if (typeof value !== "object" || value === null) return value;
  if (depth >= MAX_FIELD_DEPTH) return "[nested too deep to log]";
  if (Array.isArray(value)) {
    const kept = value.length > limits.entries ? value.slice(0, limits.entries) : value;
    let changed = kept !== value;
    const out = kept.map((v) => {
      const b = bounded(v, limits, depth + 1);
      if (b !== v) changed = true;
      return b;
    });
    if (kept !== value) out.push(`...[cut ${value.length - kept.length} entries]`);
    return changed ? out : value;
  }
  let out: Record<string, unknown> | undefined;
  const keys = Object.keys(value);
  for (let i = 0; i < keys.length; i++) {
    const key = keys[i] as string;
    const v = (value as Record<string, unknown>)[key];
    const b = i < limits.entries * 5 ? bounded(v, limits, depth + 1) : undefined;
    if (b !== v && out === undefined) {
      out = {};
      for (let j = 0; j < i; j++)
        put(out, keys[j] as string, (value as Record<string, unknown>)[keys[j] as string]);
    }
    if (out !== undefined && b !== undefined) put(out, key, b);
  }
  return out ?? value;
}

/** The line's first fields; the rest are added in place (one object, no spreads: this runs per request). */
function head(severity: Severity, message: string): Record<string, unknown> {
  return format === "aws"
    ? { timestamp: new Date().toISOString(), level: AWS_LEVELS[severity], message }
    : { severity, message, time: new Date().toISOString() };
}

/**
 * Copies own enumerable fields as object spread would: a key already present keeps its place and
 * takes the new value, a `__proto__` key is data.
 */
function assign(line: Record<string, unknown>, fields: Record<string, unknown>, limits?: Limits): void {
  const keys = Object.keys(fields);
  for (let i = 0; i < keys.length; i++) {
    const value = fields[keys[i] as string];
    put(line, keys[i] as string, limits ? bounded(value, limits) : value);
  }
}

function put(line: Record<string, unknown>, key: string, value: unknown): void {
  if (key === "__proto__")
    Object.defineProperty(line, key, { value, enumerable: true, writable: true, configurable: true });
  else line[key] = value;
}

/**
 * The one line per admission. On Lambda it doubles as a CloudWatch Embedded Metric Format record,
 * so Istio's injector metrics come out of the same line at no extra cost; on GCP, log-based
 * metrics are defined over its fields (README, "Metrics").
 *
 * Fields, in order: the head, the entry's own fields but `decision`, `pod` and `message`, then
 * `detail` (the entry's `message`, why a pod was denied: `message` names the event), `pod` and
 * `namespace`, `rule` and `reasons`, `status`, `latencyMs`, the caller's extras, and on Lambda the
 * metrics block.
 */
export function logAdmission(
  entry: AdmissionLog,
  status: number,
  latencyMs: number,
  extra: Record<string, unknown> = {},
): void {
  const severity: Severity = status >= 400 || entry.outcome === "denied" ? "WARNING" : "INFO";
  const { decision, pod, message: detail } = entry;
  const namespace = pod?.slice(0, pod.indexOf("/")) ?? "";
  emit(severity, `admission ${entry.outcome}`, (limits) => {
    const line = head(severity, `admission ${entry.outcome}`);
    const keys = Object.keys(entry);
    for (let i = 0; i < keys.length; i++) {
      const key = keys[i] as keyof AdmissionLog;
      if (key !== "decision" && key !== "pod" && key !== "message")
        put(line, key, bounded(entry[key], limits));
    }
    if (detail) put(line, "detail", bounded(detail, limits));
    if (pod) {
      put(line, "pod", bounded(pod, limits));
      put(line, "namespace", bounded(namespace, limits));
    }
    if (decision) {
      put(line, "rule", decision.rule);
      put(line, "reasons", bounded(decision.reasons, limits));
    }
    put(line, "status", status);
    put(line, "latencyMs", latencyMs);
    assign(line, extra, limits);
    if (format === "aws") assign(line, metricsBlock(entry, status, latencyMs, namespace), limits);
    return line;
  });
}
