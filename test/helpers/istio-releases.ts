import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { parse as parseYaml, stringify } from "yaml";
import { type Engine, loadEngine } from "../../core/engine.ts";
import { isObject, type JsonObject, type Result } from "../../core/json.ts";
import { readShared, readSharedJson } from "./fixtures.ts";
import { type IstioCase, mergeKeepingNulls } from "./istio-cases.ts";
import type { Corpus } from "./parity.ts";

/**
 * The release corpora (shared/fixtures/istio-releases/<tag>, see its README): every case configured
 * through that release's own ConfigMaps, as a user exports them from a cluster. A case's values and
 * mesh replace the ConfigMaps' `data.values` / `data.mesh` (base merged with the case's settings, a
 * null removing a key as Helm does); a case with custom templates has its own injector ConfigMap.
 * istiod's switches (ENABLE_NATIVE_SIDECARS, PLATFORM, COMPLIANCE_POLICY) go in the environment.
 */

export const RELEASES = ["1.29.6", "1.30.3", "1.31.0-rc.0"] as const;
export type Release = (typeof RELEASES)[number];

export interface ReleaseCase extends IstioCase {
  configMap?: string;
}

const dirOf = (release: string) => `fixtures/istio-releases/${release}`;

export function releaseCases(release: string): ReleaseCase[] {
  return readSharedJson<ReleaseCase[]>(dirOf(release), "cases.json");
}

/** Helm's merge: objects merge, anything else replaces, and a null removes the key. */
export function helmMerge(base: JsonObject, over: JsonObject): JsonObject {
  const out: JsonObject = structuredClone(base);
  for (const [k, v] of Object.entries(over)) {
    const cur = out[k];
    if (v === null) delete out[k];
    else if (isObject(v) && isObject(cur)) out[k] = helmMerge(cur, v);
    else out[k] = structuredClone(v);
  }
  return out;
}

/** The case's three documents, as a cluster's ConfigMaps would hold them. */
export function releaseParts(
  release: string,
  c: ReleaseCase,
): { config: string; values: string; mesh: string } {
  const dir = dirOf(release);
  const injector = parseYaml(
    readShared(dir, c.configMap ?? "configmaps/istio-sidecar-injector.yaml"),
  ) as JsonObject;
  const baseValues = readSharedJson<JsonObject>(dir, "base-values.json");
  const baseMesh = (parseYaml(readShared(dir, "base-mesh.yaml")) ?? {}) as JsonObject;
  const data = injector.data as JsonObject;
  return {
    config: String(data.config),
    values: JSON.stringify(helmMerge(baseValues, c.settings.values ?? {}), null, 2),
    mesh: stringify(mergeKeepingNulls(baseMesh, c.settings.meshConfig ?? {})),
  };
}

/** The ConfigMaps of a case as `kubectl get configmap istio-sidecar-injector istio -o yaml` prints them. */
export function releaseConfigMaps(release: string, c: ReleaseCase): string {
  const dir = dirOf(release);
  const parts = releaseParts(release, c);
  const injector = parseYaml(
    readShared(dir, c.configMap ?? "configmaps/istio-sidecar-injector.yaml"),
  ) as JsonObject;
  const mesh = parseYaml(readShared(dir, "configmaps/istio.yaml")) as JsonObject;
  (injector.data as JsonObject).values = parts.values;
  (mesh.data as JsonObject).mesh = parts.mesh;
  const list = { apiVersion: "v1", kind: "List", items: [injector, mesh] };
  const beside = besideDocument(c);
  return beside ? `${stringify(list)}---\n${stringify(beside)}` : stringify(list);
}

/** What a cluster tells istiod and a webhook outside it must be told: Namespaces it would read. */
function besideDocument(c: IstioCase): JsonObject | undefined {
  const namespaces: JsonObject = {};
  for (const ns of c.cluster?.namespaces ?? [])
    namespaces[ns.name] = { annotations: ns.annotations ?? {}, labels: ns.labels ?? {} };
  return Object.keys(namespaces).length > 0 ? { namespaces } : undefined;
}

/** istiod's environment for the case: its env switches, and native sidecars as its fake nodes decide. */
export function releaseEnv(c: IstioCase): Record<string, string> {
  return {
    ...(c.settings.env ?? {}),
    ENABLE_NATIVE_SIDECARS:
      c.settings.env?.ENABLE_NATIVE_SIDECARS ?? String(c.settings.nativeSidecars ?? true),
  };
}

/**
 * The engine for a default install of `release`: its two ConfigMaps as the cluster holds them (no
 * case's settings), with native sidecars on as istiod detects them on current nodes. For benchmarks
 * and properties that need Istio's own templates, not a corpus case.
 */
export function installedEngine(release: string): Engine {
  const loaded = loadEngine(installedConfigMaps(release), { env: { ENABLE_NATIVE_SIDECARS: "true" } });
  if (!loaded.ok) throw new Error(`Istio ${release} ConfigMaps do not load: ${loaded.error}`);
  return loaded.value;
}

/** A default install's two ConfigMaps as one YAML stream, as a user exports them (`kubectl get -o yaml`). */
export function installedConfigMaps(release: string): string {
  const dir = `${dirOf(release)}/configmaps`;
  return ["istio-sidecar-injector.yaml", "istio.yaml"].map((f) => readShared(dir, f)).join("---\n");
}

export function releaseEngine(release: string, c: ReleaseCase): Result<Engine> {
  return loadEngine(releaseConfigMaps(release, c), { env: releaseEnv(c) });
}

export function releaseCorpus(release: string): Corpus {
  return {
    name: release,
    dir: dirOf(release),
    cases: () => releaseCases(release),
    engine: (c) => releaseEngine(release, c),
    cli(c, tmp) {
      const parts = releaseParts(release, c);
      const files = { config: "inject-config.yaml", values: "values.json", mesh: "mesh.yaml" };
      for (const [k, name] of Object.entries(files))
        writeFileSync(join(tmp, name), parts[k as keyof typeof parts]);
      return {
        args: [
          "--injectConfigFile",
          join(tmp, files.config),
          "--valuesFile",
          join(tmp, files.values),
          "--meshConfigFile",
          join(tmp, files.mesh),
        ],
        env: releaseEnv(c),
      };
    },
  };
}
