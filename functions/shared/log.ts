import type { AdmissionLog } from "../../core/admission/admit.ts";

/**
 * One JSON line per event, in the shape Cloud Logging and CloudWatch both index (`severity`,
 * `message`, then fields). The fields are documented in the README ("Logs"). Nothing from the pod
 * beyond its namespace/name is logged, and never a token or the config.
 */
export type Severity = "DEBUG" | "INFO" | "WARNING" | "ERROR";

export type LogSink = (line: string) => void;

let sink: LogSink = (line) => process.stderr.write(`${line}\n`);

export function setLogSink(next: LogSink): void {
  sink = next;
}

export function log(severity: Severity, message: string, fields: Record<string, unknown> = {}): void {
  sink(JSON.stringify({ severity, message, time: new Date().toISOString(), ...fields }));
}

export function logAdmission(entry: AdmissionLog, extra: Record<string, unknown> = {}): void {
  const severity: Severity = entry.outcome === "denied" ? "WARNING" : "INFO";
  const { decision, ...rest } = entry;
  log(severity, `admission ${entry.outcome}`, {
    ...rest,
    ...(decision ? { rule: decision.rule, reasons: decision.reasons } : {}),
    ...extra,
  });
}
