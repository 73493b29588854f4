/**
 * Prometheus metrics merging (Istio `applyPrometheusMerge`, `applySecurePrometheusAnnotation` and the
 * Prometheus part of `stripPod`; reference §4.9).
 *
 * The pod's scrape annotations are handed to pilot-agent in `ISTIO_PROMETHEUS_ANNOTATIONS` and then
 * replaced by ones pointing at the agent, which serves Envoy's and the app's metrics together.
 * Prometheus sanitises annotation names before matching (`prometheus.io.scrape` and
 * `prometheus-io/scrape` mean `prometheus.io/scrape`), so every variant is read and cleared.
 */

import { err, isObject, type Json, type JsonObject, ok, type Result } from "../json.ts";
import { goQuote, goTrimSpace, parseGoBool } from "../validate/annotations.ts";
import { type ConfigSources, findSidecar, goAtoi, goJsonString, meshStatusPort } from "./probes.ts";

export const PROMETHEUS_ENV = "ISTIO_PROMETHEUS_ANNOTATIONS";
export const MERGE_ANNOTATION = "prometheus.istio.io/merge-metrics";
export const SECURE_PORT_ANNOTATION = "prometheus.istio.io/secure-port";
export const SECURE_PORT_ENV = "ENVOY_SECURE_MERGED_METRICS_PORT";

const SCRAPE = "prometheus_io_scrape";
const PORT = "prometheus_io_port";
const PATH = "prometheus_io_path";
const SCRAPE_TARGETS = "prometheus_istio_io_scrape_targets";
const SECURE_PORT = "prometheus_istio_io_secure_port";
const MERGED = new Set([SCRAPE, PORT, PATH, SCRAPE_TARGETS]);

/** Ports of the Istio data plane that an app scrape target must not point at, with the reason shown. */
const RESERVED_PORTS: Record<string, string> = {
  "15000": "Envoy admin",
  "15001": "outbound traffic capture",
  "15004": "pilot debug",
  "15006": "inbound traffic capture",
  "15008": "HBONE tunnel",
  "15020": "pilot-agent status / merged Prometheus",
  "15021": "Envoy health",
  "15053": "DNS proxy",
  "15090": "Envoy Prometheus (already merged)",
};

export interface PrometheusContext {
  /** meshConfig.defaultConfig.statusPort: the agent port written to `prometheus.io/port`. */
  meshStatusPort: number;
  /** meshConfig.enablePrometheusMerge (Istio's default: true); the pod annotation overrides it. */
  meshMergeEnabled: boolean;
}

export function prometheusContext(meshConfig: Json | undefined): PrometheusContext {
  const flag = isObject(meshConfig) ? meshConfig.enablePrometheusMerge : undefined;
  return {
    meshStatusPort: meshStatusPort(meshConfig),
    meshMergeEnabled: typeof flag === "boolean" ? flag : true,
  };
}

function resolve(ctx: PrometheusContext | ConfigSources): PrometheusContext {
  return "meshConfig" in ctx ? prometheusContext(ctx.meshConfig) : ctx;
}

/** Prometheus' strutil.SanitizeLabelName: every character outside [a-zA-Z0-9_] becomes `_`. */
export function sanitizeLabelName(name: string): string {
  return name.replace(/[^a-zA-Z0-9_]/gu, "_");
}

/** The pod's annotation map, created if missing, so it can be written. */
function annotationMap(pod: JsonObject): JsonObject {
  if (!isObject(pod.metadata)) pod.metadata = {};
  const metadata = pod.metadata as JsonObject;
  if (!isObject(metadata.annotations)) metadata.annotations = {};
  return metadata.annotations as JsonObject;
}

function readAnnotations(pod: JsonObject): [string, string][] {
  const a = isObject(pod.metadata) ? pod.metadata.annotations : undefined;
  if (!isObject(a)) return [];
  return Object.entries(a).filter((e): e is [string, string] => typeof e[1] === "string");
}

/** A pod opts out with a parseable false `prometheus.io/scrape` (any variant). */
function scrapeWanted(annotations: [string, string][]): boolean {
  for (const [k, v] of annotations) {
    if (sanitizeLabelName(k) !== SCRAPE) continue;
    const b = parseGoBool(v);
    if (b !== undefined) return b;
  }
  return true;
}

function mergeEnabled(annotations: [string, string][], meshDefault: boolean): boolean {
  const entry = annotations.find(([k]) => k === MERGE_ANNOTATION);
  if (entry) {
    const b = parseGoBool(entry[1]);
    if (b !== undefined) return b;
  }
  return meshDefault;
}

function prometheusPort(annotations: [string, string][]): string | undefined {
  return annotations.find(([k]) => sanitizeLabelName(k) === PORT)?.[1];
}

interface ScrapeTarget {
  port: string;
  path: string;
}

interface ScrapeConfig {
  scrape: string;
  path: string;
  port: string;
  targets: ScrapeTarget[];
}

/** pilot-agent's ParseScrapeTargets: "port:path,…", path defaulting to /metrics; an empty port fails. */
export function parseScrapeTargets(raw: string): ScrapeTarget[] | undefined {
  const out: ScrapeTarget[] = [];
  for (const item of raw.split(",")) {
    const entry = goTrimSpace(item);
    if (entry === "") continue;
    const colon = entry.indexOf(":");
    const port = goTrimSpace(colon < 0 ? entry : entry.slice(0, colon));
    if (port === "") return undefined;
    const path = colon < 0 ? "" : goTrimSpace(entry.slice(colon + 1));
    out.push({ port, path: path === "" ? "/metrics" : path });
  }
  return out;
}

function scrapeConfig(annotations: [string, string][]): ScrapeConfig {
  const cfg: ScrapeConfig = { scrape: "", path: "", port: "", targets: [] };
  for (const [k, v] of annotations) {
    switch (sanitizeLabelName(k)) {
      case PORT:
        cfg.port = v;
        break;
      case SCRAPE:
        cfg.scrape = v;
        break;
      case PATH:
        cfg.path = v;
        break;
      case SCRAPE_TARGETS:
        // A malformed list is ignored (Istio logs a warning), not an injection failure.
        cfg.targets = parseScrapeTargets(v) ?? [];
        break;
    }
  }
  return cfg;
}

/** The env value, exactly as Go marshals pilot-agent's PrometheusScrapeConfiguration. */
function encodeScrapeConfig(c: ScrapeConfig): string {
  let out = `{"scrape":${goJsonString(c.scrape)},"path":${goJsonString(c.path)},"port":${goJsonString(c.port)}`;
  if (c.targets.length > 0) {
    const ts = c.targets.map((t) => `{"port":${goJsonString(t.port)},"path":${goJsonString(t.path)}}`);
    out += `,"targets":[${ts.join(",")}]`;
  }
  return `${out}}`;
}

function checkPort(port: string, targetPort: string, prefix: string, noun: string): string | undefined {
  const n = goAtoi(port);
  if (n === undefined || n < 1 || n > 65535) return `${prefix}: invalid ${noun} ${goQuote(port)}`;
  const canon = String(n);
  if (canon === targetPort) return `${prefix}: ${noun} ${port} conflicts with agent port`;
  const reason = Object.hasOwn(RESERVED_PORTS, canon) ? RESERVED_PORTS[canon] : undefined;
  if (reason !== undefined)
    return `${prefix}: ${noun} ${port} is reserved for Istio (${reason}) and cannot be scraped`;
  return undefined;
}

function clearPrometheusAnnotations(annotations: JsonObject): void {
  for (const k of Object.keys(annotations)) if (MERGED.has(sanitizeLabelName(k))) delete annotations[k];
}

function pushEnv(container: JsonObject, name: string, value: string): void {
  const env = Array.isArray(container.env) ? container.env : [];
  container.env = [...env, { name, value }];
}

/**
 * Points the pod's Prometheus annotations at the agent and hands the user's scrape settings to it.
 * Errors are values: a scrape port that is invalid, is the agent's own, or is an Istio port denies
 * the pod with Istio's message. A pod whose `prometheus.io/port` already is the agent port is left
 * alone (re-injection, or a user who set it on purpose).
 */
export function applyPrometheusMerge(
  pod: JsonObject,
  context: PrometheusContext | ConfigSources,
): Result<void> {
  const ctx = resolve(context);
  const annotations = readAnnotations(pod);
  if (!scrapeWanted(annotations) || !mergeEnabled(annotations, ctx.meshMergeEnabled)) return ok(undefined);
  const targetPort = String(ctx.meshStatusPort);
  if (prometheusPort(annotations) === targetPort) return ok(undefined);

  const scrape = scrapeConfig(annotations);
  const first = scrape.targets[0];
  if (first) {
    // Agents that predate scrape-targets read only port/path, so those carry the first target.
    scrape.port = first.port;
    scrape.path = first.path;
    for (const t of scrape.targets) {
      const e = checkPort(t.port, targetPort, "invalid prometheus scrape targets", "target port");
      if (e) return err(e);
    }
  } else if (scrape.port !== "") {
    const e = checkPort(scrape.port, targetPort, "invalid prometheus scrape configuration", "port");
    if (e) return err(e);
  }

  const sidecar = findSidecar(pod);
  const empty =
    scrape.scrape === "" && scrape.path === "" && scrape.port === "" && scrape.targets.length === 0;
  if (sidecar && !empty) pushEnv(sidecar, PROMETHEUS_ENV, encodeScrapeConfig(scrape));

  // Prometheus would pick an arbitrary one of several variants, so all go before ours are set.
  const map = annotationMap(pod);
  clearPrometheusAnnotations(map);
  map["prometheus.io/port"] = targetPort;
  map["prometheus.io/path"] = "/stats/prometheus";
  map["prometheus.io/scrape"] = "true";
  return ok(undefined);
}

/**
 * Sets `prometheus.istio.io/secure-port` from istio-proxy's ENVOY_SECURE_MERGED_METRICS_PORT
 * (non-empty, not "0"), unless the user set the annotation (any variant) already.
 */
export function applySecurePrometheusAnnotation(pod: JsonObject): void {
  const a = isObject(pod.metadata) && isObject(pod.metadata.annotations) ? pod.metadata.annotations : {};
  if (Object.keys(a).some((k) => sanitizeLabelName(k) === SECURE_PORT)) return;
  const sidecar = findSidecar(pod);
  if (!sidecar || !Array.isArray(sidecar.env)) return;
  for (const e of sidecar.env) {
    if (!isObject(e) || e.name !== SECURE_PORT_ENV) continue;
    if (typeof e.value === "string" && e.value !== "" && e.value !== "0") {
      annotationMap(pod)[SECURE_PORT_ANNOTATION] = e.value;
      return;
    }
  }
}

/**
 * The stripping side, for re-injection (Istio `stripPod`): when `prometheus.io/port` already is the
 * agent port, the annotations are Istio's own, so the templates should not see them.
 */
export function stripPrometheusAnnotations(pod: JsonObject, statusPort: number): void {
  if (prometheusPort(readAnnotations(pod)) !== String(statusPort)) return;
  const a = isObject(pod.metadata) ? pod.metadata.annotations : undefined;
  if (isObject(a)) clearPrometheusAnnotations(a);
}
