/**
 * Proxy env overrides carried in the webhook URL's path, as Istio reads them: one injector can serve
 * many clusters because the API server of each calls its own URL (`/inject/cluster/c1/net/n1`).
 * Forms: `/inject/k1/v1/k2/v2` (`--slash--` in a value stands for `/`; a key without a value is
 * dropped) and the older `/inject/:ENV:k1=v1:ENV:k2=v2` (values may contain `/`).
 * `cluster` → ISTIO_META_CLUSTER_ID, `net` → ISTIO_META_NETWORK, any other key → upper-cased.
 */
const KEY_NAMES: Record<string, string> = { cluster: "ISTIO_META_CLUSTER_ID", net: "ISTIO_META_NETWORK" };
const ENV_MARK = ":ENV:";

export function parseInjectEnvs(path: string): Record<string, string> {
  const envs: Record<string, string> = {};
  const decoded = decodePath(path.split("?")[0] ?? "").replace(/\/+$/, "");
  if (!/^\/inject(\/|$)/.test(decoded)) return envs;
  const rest = decoded.slice("/inject/".length);
  if (rest === "") return envs;
  const put = (key: string, value: string) => {
    // A prototype-named key would be harmless in a null-prototype map, but nobody needs one.
    if (key === "" || key === "__proto__") return;
    envs[KEY_NAMES[key] ?? key.toUpperCase()] = value;
  };
  if (rest.startsWith(ENV_MARK)) {
    for (const pair of rest.split(ENV_MARK).slice(1)) {
      const eq = pair.indexOf("=");
      if (eq > 0) put(pair.slice(0, eq), pair.slice(eq + 1));
    }
    return envs;
  }
  const parts = rest.split("/");
  for (let i = 0; i + 1 < parts.length; i += 2) {
    put(parts[i] as string, (parts[i + 1] as string).replaceAll("--slash--", "/"));
  }
  return envs;
}

/** Percent-decoding as Go's URL.Path does; a malformed escape leaves the path as it came. */
function decodePath(path: string): string {
  try {
    return decodeURIComponent(path);
  } catch {
    return path;
  }
}
