import { clone, isObject, type JsonObject } from "../json.ts";
import { strategicMerge } from "../merge/strategic.ts";
import {
  annotationsOf,
  find,
  findProxy,
  INIT,
  list,
  metadataMap,
  setList,
  VALIDATION,
} from "./containers.ts";
import { parseStatus, STATUS_ANNOTATION } from "./status.ts";
import { typedContainer } from "./typed.ts";

/**
 * Users customise the injected proxy by declaring a container of the same name in their pod
 * (https://istio.io/latest/docs/setup/additional-setup/sidecar-injection/#customizing-injection).
 * The template gives the defaults and the user's definition wins; the first injection records the
 * user's definitions in `proxy.istio.io/overrides` so a re-injection can apply them again.
 */
export const OVERRIDES_ANNOTATION = "proxy.istio.io/overrides";
const AUTO_IMAGE = "auto";

export interface Overrides {
  containers: JsonObject[];
  initContainers: JsonObject[];
}

function parseOverrides(pod: JsonObject): Overrides {
  const raw = annotationsOf(pod)[OVERRIDES_ANNOTATION];
  const empty = { containers: [], initContainers: [] };
  if (raw === undefined) return empty;
  try {
    const parsed: unknown = JSON.parse(raw);
    if (!isObject(parsed)) return empty;
    const items = (v: unknown) => (Array.isArray(v) ? v.filter(isObject) : []);
    return { containers: items(parsed.containers), initContainers: items(parsed.initContainers) };
  } catch {
    return empty;
  }
}

/** Puts the saved user overrides back into a stripped pod, so the templates see what the user wrote. */
export function reinsertOverrides(pod: JsonObject): JsonObject {
  const overrides = parseOverrides(pod);
  if (overrides.containers.length === 0 && overrides.initContainers.length === 0) return pod;
  const out = clone(pod);
  for (const field of ["containers", "initContainers"] as const) {
    const present = list(out, field);
    const missing = overrides[field].filter((c) => !present.some((p) => p.name === c.name));
    if (missing.length > 0) setList(out, field, [...present, ...missing]);
  }
  return out;
}

/**
 * Re-applies the user's own definitions of containers the templates also define. Containers named
 * in a previous status annotation are the injector's own, not the user's, and are not re-applied.
 */
export function reapplyUserContainers(
  merged: JsonObject,
  original: JsonObject,
  templatePod: JsonObject,
): JsonObject {
  const status = parseStatus(annotationsOf(original)[STATUS_ANNOTATION]);
  const saved = parseOverrides(original);
  const applied: Overrides = { containers: [], initContainers: [] };
  let out = merged;
  for (const field of ["containers", "initContainers"] as const) {
    const injectedBefore = status?.[field] ?? [];
    for (const c of list(templatePod, field)) {
      const name = c.name;
      if (typeof name !== "string" || injectedBefore.includes(name)) continue;
      const user =
        saved[field].find((s) => s.name === name) ??
        (field === "containers" ? find(original, field, name) : findInPod(original, name));
      if (!user) continue;
      const overlay = clone(user);
      if (overlay.image === AUTO_IMAGE) delete overlay.image;
      applied[field].push(overlay);
      out = strategicMerge(out, { spec: { [field]: [overlay] } }) as JsonObject;
    }
  }
  if (!status && (applied.containers.length > 0 || applied.initContainers.length > 0)) {
    metadataMap(out, "annotations")[OVERRIDES_ANNOTATION] = overridesJson(applied);
  }
  return out;
}

/**
 * The `proxy.istio.io/overrides` value as Istio writes it: the containers as typed Kubernetes
 * Containers (field order of the Go struct, `resources` always present, empty fields and fields the
 * type does not have left out), each list only when it has entries.
 */
export function overridesJson(overrides: Overrides): string {
  const out: JsonObject = {};
  if (overrides.containers.length > 0) out.containers = overrides.containers.map(typedContainer);
  if (overrides.initContainers.length > 0) out.initContainers = overrides.initContainers.map(typedContainer);
  return JSON.stringify(out);
}

function findInPod(pod: JsonObject, name: string): JsonObject | undefined {
  return find(pod, "initContainers", name) ?? find(pod, "containers", name);
}

/**
 * A user-set runAsUser/runAsGroup on istio-proxy must be followed by the iptables `-u` argument and
 * the validation container, or traffic capture would exclude the wrong uid. TPROXY needs root.
 */
export function adjustInitContainerUser(pod: JsonObject, original: JsonObject, tproxyByMesh: boolean): void {
  const user = findProxy(original);
  const userSc = user && isObject(user.securityContext) ? user.securityContext : undefined;
  if (!userSc || (userSc.runAsUser == null && userSc.runAsGroup == null)) return;
  const init = find(pod, "initContainers", INIT) ?? find(pod, "initContainers", VALIDATION);
  if (!init) return;
  const tproxy = tproxyByMesh || annotationsOf(pod)["sidecar.istio.io/interceptionMode"] === "TPROXY";
  if (tproxy && userSc.runAsUser != null) {
    const proxy = findProxy(pod);
    if (proxy && isObject(proxy.securityContext)) proxy.securityContext.runAsUser = 0;
  }
  if (!tproxy && init.name === VALIDATION) {
    if (!isObject(init.securityContext)) init.securityContext = {};
    const sc = init.securityContext as JsonObject;
    if (userSc.runAsUser != null) sc.runAsUser = userSc.runAsUser;
    if (userSc.runAsGroup != null) sc.runAsGroup = userSc.runAsGroup;
  }
  if (userSc.runAsUser == null || userSc.runAsUser === 0 || !Array.isArray(init.args)) return;
  const i = init.args.indexOf("-u");
  if (i >= 0 && i + 1 < init.args.length) init.args[i + 1] = String(userSc.runAsUser);
}
