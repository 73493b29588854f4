import type { AdmissionLog } from "../../core/admission/admit.ts";
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

export function log(severity: Severity, message: string, fields: Record<string, unknown> = {}): void {
  const line = head(severity, message);
  assign(line, fields);
  sink(JSON.stringify(line));
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
function assign(line: Record<string, unknown>, fields: Record<string, unknown>): void {
  const keys = Object.keys(fields);
  for (let i = 0; i < keys.length; i++) put(line, keys[i] as string, fields[keys[i] as string]);
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
  const line = head(severity, `admission ${entry.outcome}`);
  const keys = Object.keys(entry);
  for (let i = 0; i < keys.length; i++) {
    const key = keys[i] as keyof AdmissionLog;
    if (key !== "decision" && key !== "pod" && key !== "message") put(line, key, entry[key]);
  }
  if (detail) put(line, "detail", detail);
  if (pod) {
    put(line, "pod", pod);
    put(line, "namespace", namespace);
  }
  if (decision) {
    put(line, "rule", decision.rule);
    put(line, "reasons", decision.reasons);
  }
  put(line, "status", status);
  put(line, "latencyMs", latencyMs);
  assign(line, extra);
  if (format === "aws") assign(line, metricsBlock(entry, status, latencyMs, namespace));
  sink(JSON.stringify(line));
}
