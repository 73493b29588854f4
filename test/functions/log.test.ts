import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { AdmissionLog } from "../../core/admission/admit.ts";
import {
  configureLogs,
  type LogFormat,
  log,
  logAdmission,
  type Severity,
} from "../../functions/shared/log.ts";
import { metricsBlock } from "../../functions/shared/metrics.ts";

// The log line is built without object spreads now (it is written once per request); its text must
// be exactly what the spread-based version wrote, kept below as the reference.

function referenceLog(
  format: LogFormat,
  severity: Severity,
  message: string,
  fields: Record<string, unknown> = {},
): string {
  const levels: Record<Severity, string> = { DEBUG: "DEBUG", INFO: "INFO", WARNING: "WARN", ERROR: "ERROR" };
  const head =
    format === "aws"
      ? { timestamp: new Date().toISOString(), level: levels[severity], message }
      : { severity, message, time: new Date().toISOString() };
  return JSON.stringify({ ...head, ...fields });
}

function referenceLogAdmission(
  format: LogFormat,
  entry: AdmissionLog,
  status: number,
  latencyMs: number,
  extra: Record<string, unknown> = {},
): string {
  const severity: Severity = status >= 400 || entry.outcome === "denied" ? "WARNING" : "INFO";
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
  return referenceLog(format, severity, `admission ${entry.outcome}`, fields);
}

const ENTRIES: AdmissionLog[] = [
  {
    uid: "u1",
    pod: "shop/web-*****",
    outcome: "injected",
    warnings: [],
    decision: { rule: "policy", reasons: ["no label", 'policy "enabled"'] },
    templates: ["sidecar"],
    patchOps: 23,
  },
  {
    uid: "u2",
    pod: "kube-system/dns",
    outcome: "skipped",
    warnings: ["w"],
    decision: { rule: "ignoredNamespace", reasons: [] },
  },
  { uid: "", outcome: "denied", message: "could not decode body: not valid JSON", warnings: [] },
  { uid: "u3", pod: "nonamespace", outcome: "denied", message: "", warnings: [] },
];

describe("log lines", () => {
  let lines: string[] = [];
  beforeEach(() => {
    vi.useFakeTimers();
    vi.setSystemTime(new Date("2026-11-23T08:00:00.123Z"));
    lines = [];
    configureLogs({ sink: (l) => lines.push(l) });
  });
  afterEach(() => {
    vi.useRealTimers();
    configureLogs({ format: "gcp", sink: (l) => process.stderr.write(`${l}\n`) });
  });

  for (const format of ["gcp", "aws"] as const) {
    it(`writes the admission line exactly as before (${format})`, () => {
      configureLogs({ format });
      const extras: Record<string, unknown>[] = [
        {},
        { path: "/inject", configVersion: "abc" },
        { status: 999, message: "extra wins in place", severity: "X" },
      ];
      for (const entry of ENTRIES) {
        for (const status of [200, 400, 415]) {
          for (const extra of extras) {
            lines = [];
            logAdmission(entry, status, 0.409, extra);
            expect(lines).toEqual([referenceLogAdmission(format, entry, status, 0.409, extra)]);
          }
        }
      }
    });

    it(`writes other lines exactly as before (${format})`, () => {
      configureLogs({ format });
      for (const fields of [{}, { rejectedTotal: 3 }, { message: "over", time: "t", level: "l" }]) {
        lines = [];
        log("WARNING", "request refused", fields);
        expect(lines).toEqual([referenceLog(format, "WARNING", "request refused", fields)]);
      }
    });
  }

  it("keeps a __proto__ field as data", () => {
    const fields = JSON.parse('{"__proto__": {"polluted": true}, "a": 1}') as Record<string, unknown>;
    log("INFO", "m", fields);
    expect(lines[0]).toBe(referenceLog("gcp", "INFO", "m", fields));
    expect(lines[0]).toContain('"__proto__":{"polluted":true}');
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});
