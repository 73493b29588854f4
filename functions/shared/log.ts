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
  const head =
    format === "aws"
      ? { timestamp: new Date().toISOString(), level: AWS_LEVELS[severity], message }
      : { severity, message, time: new Date().toISOString() };
  sink(JSON.stringify({ ...head, ...fields }));
}

/**
 * The one line per admission. On Lambda it doubles as a CloudWatch Embedded Metric Format record,
 * so Istio's injector metrics come out of the same line at no extra cost; on GCP, log-based
 * metrics are defined over its fields (README, "Metrics").
 */
export function logAdmission(
  entry: AdmissionLog,
  status: number,
  latencyMs: number,
  extra: Record<string, unknown> = {},
): void {
  const severity: Severity = status >= 400 || entry.outcome === "denied" ? "WARNING" : "INFO";
  // The entry's `message` (why a pod was denied) is the line's `detail`: `message` names the event.
  const { decision, pod, message: detail, ...rest } = entry;
  const namespace = pod?.slice(0, pod.indexOf("/")) ?? "";
  const fields: Record<string, unknown> = {
    ...rest,
    ...(detail ? { detail } : {}),
    ...(pod ? { pod, namespace } : {}),
    ...(decision ? { rule: decision.rule, reasons: decision.reasons } : {}),
    status,
    latencyMs,
    ...extra,
  };
  if (format === "aws") Object.assign(fields, metricsBlock(entry, status, latencyMs, namespace));
  log(severity, `admission ${entry.outcome}`, fields);
}
