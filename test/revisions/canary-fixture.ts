import { parse as parseYaml, stringify } from "yaml";
import { isObject, type JsonObject } from "../../core/json.ts";
import { readShared } from "../helpers/fixtures.ts";
import { podDocuments, podFromWorkload } from "../helpers/istio-cases.ts";
import { type ReleaseCase, releaseCases, releaseConfigMaps } from "../helpers/istio-releases.ts";

/**
 * A cluster mid-upgrade: Istio 1.30.3 as revision 1-30 and 1.31.0-rc.0 as revision 1-31, each its
 * release's own ConfigMaps renamed as `istioctl install --revision` names them. Each revision's
 * values carry its release as the proxy tag, so a sidecar says which revision rendered it.
 */
export const RELEASE_OF: Record<string, string> = { "1-30": "1.30.3", "1-31": "1.31.0-rc.0" };

function helloCase(release: string): ReleaseCase {
  const c = releaseCases(release).find((x) => x.id === "hello");
  if (!c) throw new Error(`no hello case in ${release}`);
  return c;
}

/** The ConfigMaps of one release, named for `revision` (undefined: Istio's default, no suffix). */
export function revisionConfigMaps(release: string, revision: string | undefined): JsonObject[] {
  const [list] = releaseConfigMaps(release, helloCase(release)).split(/^---$/m);
  const items = (parseYaml(list as string) as JsonObject).items as JsonObject[];
  return items.map((cm) => {
    const meta = cm.metadata as JsonObject;
    const data = cm.data as JsonObject;
    if (typeof data.values === "string") {
      const values = JSON.parse(data.values) as JsonObject;
      (values.global as JsonObject).tag = release;
      data.values = JSON.stringify(values);
    }
    const name = String(meta.name);
    return { ...cm, metadata: { ...meta, name: revision ? `${name}-${revision}` : name } };
  });
}

/** The config document: every revision's ConfigMaps in one List, and the Outrigger document beside. */
export function deploymentConfig(revisions: readonly string[], beside: JsonObject): string {
  const items = revisions.flatMap((r) => revisionConfigMaps(RELEASE_OF[r] as string, r));
  return `${stringify({ apiVersion: "v1", kind: "List", items })}---\n${stringify(beside)}`;
}

/** The same release alone, as a single-revision deployment: what the revision must inject. */
export function singleConfig(revision: string, nativeSidecars: boolean): string {
  const items = revisionConfigMaps(RELEASE_OF[revision] as string, undefined);
  return `${stringify({ apiVersion: "v1", kind: "List", items })}---\n${stringify({ nativeSidecars })}`;
}

/** The hello pod of the corpus (the same input in both releases). */
export function helloPod(): JsonObject {
  const [workload] = podDocuments(readShared("fixtures/istio-releases/1.30.3", helloCase("1.30.3").input));
  return podFromWorkload(workload as JsonObject).pod;
}

/** The pod's proxy: its image and whether it is a native sidecar (an init container that restarts). */
export function proxyOf(pod: JsonObject): { image: string; native: boolean } | undefined {
  const spec = isObject(pod.spec) ? pod.spec : {};
  for (const [field, native] of [
    ["containers", false],
    ["initContainers", true],
  ] as const) {
    const list = Array.isArray(spec[field]) ? (spec[field] as JsonObject[]) : [];
    const proxy = list.find((c) => c.name === "istio-proxy");
    if (proxy) return { image: String(proxy.image), native: native && proxy.restartPolicy === "Always" };
  }
  return undefined;
}

/**
 * `deploymentConfig` with each revision's injector config passed through `edit` (e.g. one revision's
 * policy changed, so a test can tell which revision's config decided).
 */
export function editedDeploymentConfig(
  revisions: readonly string[],
  beside: JsonObject,
  edit: (revision: string, injectorConfig: string) => string,
): string {
  const items = revisions.flatMap((r) =>
    revisionConfigMaps(RELEASE_OF[r] as string, r).map((cm) => {
      const data = cm.data as JsonObject;
      if (typeof data.config !== "string") return cm;
      return { ...cm, data: { ...data, config: edit(r, data.config) } };
    }),
  );
  return `${stringify({ apiVersion: "v1", kind: "List", items })}---\n${stringify(beside)}`;
}
