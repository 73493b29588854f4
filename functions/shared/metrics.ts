import type { AdmissionLog } from "../../core/admission/admit.ts";

/**
 * Istio's five injector metrics, with the `namespace` and `reason` dimensions Istio lacks, as a
 * CloudWatch Embedded Metric Format block for the admission's log line.
 * requests: every admission request; success: every request answered with an AdmissionReview
 * (skips and denials included, as in Istio); failure: transport errors and denials; skip: the
 * decision said no; time: the handler's latency.
 */
export const METRIC_NAMESPACE = "Outrigger";

export function metricValues(entry: AdmissionLog, status: number, latencyMs: number): Record<string, number> {
  const answered = status === 200;
  return {
    sidecar_injection_requests_total: 1,
    sidecar_injection_success_total: answered ? 1 : 0,
    sidecar_injection_failure_total: !answered || entry.outcome === "denied" ? 1 : 0,
    sidecar_injection_skip_total: entry.outcome === "skipped" ? 1 : 0,
    sidecar_injection_time_seconds: latencyMs / 1000,
  };
}

/** `reason` is the deciding rule, or why the pod was denied, in a bounded vocabulary. */
export function metricReason(entry: AdmissionLog, status: number): string {
  if (status !== 200) return `http_${status}`;
  if (entry.outcome === "denied") return entry.decision ? "injection_failed" : "bad_request";
  return entry.decision?.rule ?? "none";
}

export function metricsBlock(
  entry: AdmissionLog,
  status: number,
  latencyMs: number,
  namespace: string,
): Record<string, unknown> {
  const values = metricValues(entry, status, latencyMs);
  return {
    _aws: {
      Timestamp: Date.now(),
      CloudWatchMetrics: [
        {
          Namespace: METRIC_NAMESPACE,
          Dimensions: [["namespace", "reason"], []],
          Metrics: Object.keys(values).map((Name) => ({
            Name,
            Unit: Name.endsWith("_seconds") ? "Seconds" : "Count",
          })),
        },
      ],
    },
    reason: metricReason(entry, status),
    ...(namespace ? {} : { namespace: "" }),
    ...values,
  };
}
