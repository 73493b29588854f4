import type { Config } from "../config/types.ts";
import { clone, err, isObject, type JsonObject, ok, type Result } from "../json.ts";
import { strategicMerge } from "../merge/strategic.ts";
import { buildTemplateData } from "../render/data.ts";
import { renderTemplate } from "../render/render.ts";
import { selectTemplates } from "../render/select.ts";
import type { Template } from "../render/template.ts";
import { validateAnnotations } from "../validate/annotations.ts";
import { clusterEnvs, NETWORK_ENV, NETWORK_LABEL, overwriteClusterEnvs } from "./cluster.ts";
import { annotationsOf, find, labelsOf, metadataMap, moveContainer, PROXY } from "./containers.ts";
import { isOpenShift, proxyIds, resetProxyUserMatchingApp } from "./openshift.ts";
import { reorderContainers } from "./order.ts";
import { adjustInitContainerUser, reapplyUserContainers, reinsertOverrides } from "./overrides.ts";
import { meshStatusPort, rewriteAppProbes } from "./probes.ts";
import {
  applyPrometheusMerge,
  applySecurePrometheusAnnotation,
  stripPrometheusAnnotations,
} from "./prometheus.ts";
import { STATUS_ANNOTATION, statusAnnotation, stripInjected } from "./status.ts";

export interface InjectionContext {
  config: Config;
  templates: ReadonlyMap<string, Template>;
  /** Templates that did not compile, by name, with their error (a partially loaded config). */
  broken?: ReadonlyMap<string, string>;
  /** Proxy env overrides from the webhook URL path (cluster, network, ...); empty for manual injection. */
  pathEnvs: Record<string, string>;
  /** Manual injection (the CLI) uses only the `sidecar` template unless the pod names its own, as istioctl. */
  manual?: boolean;
}

export interface Injected {
  pod: JsonObject;
  templates: string[];
}

const NATIVE_ANNOTATION = "sidecar.istio.io/nativeSidecar";

/**
 * The injected pod for a pod that the decision said to inject. The pod given is not modified.
 * Steps, in Istio's order: validate annotations → strip a previous injection → render each template
 * → strategic-merge it onto the pod → re-apply the user's own container overrides → post-process
 * (cluster envs, Prometheus, probes, status, order).
 */
export function injectPod(received: JsonObject, ctx: InjectionContext): Result<Injected> {
  const { config } = ctx;
  const openshift = isOpenShift(config);
  const original = openshift ? resetProxyUserMatchingApp(received) : received;
  const annotations = annotationsOf(original);
  const invalid = validateAnnotations(annotations);
  if (invalid.length > 0) return err(invalid.join("; "));

  const envs = clusterEnvs(ctx.pathEnvs, config.values, labelsOf(original));
  const statusPort = meshStatusPort(config.meshConfig);
  const stripped = reinsertOverrides(
    stripInjected(original, (p) => stripPrometheusAnnotations(p, statusPort)),
  );

  const names = selectTemplates(
    annotations,
    ctx.manual ? ["sidecar"] : config.defaultTemplates,
    ctx.manual ? {} : config.aliases,
    new Set([...ctx.templates.keys(), ...(ctx.broken?.keys() ?? [])]),
  );
  if (!names.ok) return names;
  const broken = names.value.find((n) => ctx.broken?.has(n));
  if (broken !== undefined) return err(ctx.broken?.get(broken) as string);

  const namespace = isObject(original.metadata) ? String(original.metadata.namespace ?? "") : "";
  const ids = openshift ? proxyIds(config, namespace) : undefined;
  const data = buildTemplateData({ pod: stripped, config, pathEnvs: envs, proxyIds: ids });
  if (!data.ok) return data;

  let merged: JsonObject = clone(original);
  let templatePod: JsonObject = {};
  for (const name of names.value) {
    const rendered = renderTemplate(name, ctx.templates.get(name) as Template, data.value);
    if (!rendered.ok) return rendered;
    templatePod = strategicMerge(templatePod, rendered.value) as JsonObject;
    if (
      nativeFor(merged, config) &&
      find(templatePod, "initContainers", PROXY) &&
      find(merged, "containers", PROXY)
    ) {
      moveProxyToInit(merged);
    }
    const next = strategicMerge(merged, rendered.value);
    if (!isObject(next)) return err(`template ${JSON.stringify(name)} deleted the whole pod`);
    merged = next;
  }

  merged = reapplyUserContainers(merged, original, templatePod);
  adjustInitContainerUser(merged, original, data.value.ProxyConfig.interceptionMode === "TPROXY");

  const post = postProcess(merged, templatePod, envs, data.value.ProxyConfig, ctx);
  if (!post.ok) return post;
  return ok({ pod: merged, templates: names.value });
}

function postProcess(
  pod: JsonObject,
  templatePod: JsonObject,
  envs: Record<string, string>,
  proxyConfig: JsonObject,
  ctx: InjectionContext,
): Result<void> {
  const { config } = ctx;
  metadataMap(pod, "annotations");
  metadataMap(pod, "labels");
  overwriteClusterEnvs(pod, envs);
  const prometheus = applyPrometheusMerge(pod, { meshConfig: config.meshConfig, proxyConfig });
  if (!prometheus.ok) return prometheus;
  applySecurePrometheusAnnotation(pod);
  rewriteAppProbes(pod, { values: config.values, meshConfig: config.meshConfig, proxyConfig });

  const network = envs[NETWORK_ENV];
  if (network) metadataMap(pod, "labels")[NETWORK_LABEL] = network;
  const revision = typeof config.values.revision === "string" ? config.values.revision : "";
  const annotations = metadataMap(pod, "annotations");
  annotations[STATUS_ANNOTATION] = statusAnnotation(templatePod, revision);
  if (!ctx.manual) Object.assign(annotations, config.injectedAnnotations);

  reorderContainers(pod, holdApplication(proxyConfig, config.values));
  return ok(undefined);
}

/** Istio's code reads only "true" and "false" here, although its template treats any other value as native. */
function nativeFor(pod: JsonObject, config: Config): boolean {
  const annotation = annotationsOf(pod)[NATIVE_ANNOTATION];
  if (annotation === "true") return true;
  if (annotation === "false") return false;
  return config.nativeSidecars;
}

/** A user's istio-proxy customisation written for classic sidecars follows the proxy into initContainers. */
function moveProxyToInit(pod: JsonObject): void {
  const proxy = find(pod, "containers", PROXY);
  if (!proxy) return;
  moveContainer(pod, "containers", PROXY, "remove");
  const spec = pod.spec as JsonObject;
  spec.initContainers = [...(Array.isArray(spec.initContainers) ? spec.initContainers : []), proxy];
}

function holdApplication(proxyConfig: JsonObject, values: JsonObject): boolean {
  const global = isObject(values.global) ? values.global : {};
  const proxy = isObject(global.proxy) ? global.proxy : {};
  return (
    proxyConfig.holdApplicationUntilProxyStarts === true || proxy.holdApplicationUntilProxyStarts === true
  );
}
