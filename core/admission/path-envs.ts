/**
 * Proxy env overrides carried in the webhook URL's path, as Istio reads them: one injector can serve
 * many clusters because the API server of each calls its own URL (`/inject/cluster/c1/net/n1`).
 * Forms: `/inject/k1/v1/k2/v2` (`--slash--` in a value stands for `/`; a key without a value is
 * dropped) and the older `/inject/:ENV:k1=v1:ENV:k2=v2` (values may contain `/`), recognised only
 * right after `/inject/`. `cluster` → ISTIO_META_CLUSTER_ID, `net` → ISTIO_META_NETWORK, any other
 * key → upper-cased.
 *
 * Differences from Istio, all on paths Istio never sees in practice:
 * - Go's HTTP server refuses a request whose path has a malformed escape (`%zz`, a lone `%`) with
 *   400 before the injector runs. Here such a `%` stays literal (with a warning) and the rest of the
 *   path is still decoded, so the pod is not refused over the URL an administrator registered.
 *   Escapes that decode to invalid UTF-8 become U+FFFD (Go would keep the raw bytes, which the API
 *   server then rejects in an env value anyway).
 * - A path that does not start with `/inject` yields nothing (Istio only routes `/inject` there).
 *
 * The key `rev` is Outrigger's, not an env: it names the Istio revision that answers
 * (`/inject/rev/1-31/cluster/c1`, README "Revisions and tags"), in any position and either form,
 * as the key `t` names the URL token (functions/shared/router.ts).
 */

export interface PathEnvs {
  envs: Record<string, string>;
  /** What in the path was ignored or is likely to fail, for the admission log. */
  warnings: string[];
  /** Every value of the `rev` key, in order, when there is one: the revision asked for (several: an error). */
  revisions?: string[];
}

/** The path key that names the revision (matched as env names are, whatever its case). */
export const REVISION_KEY = "rev";

/** `Object.hasOwn` lookups only: a key like `constructor` must not find Object's members. */
const KEY_NAMES: Record<string, string> = { cluster: "ISTIO_META_CLUSTER_ID", net: "ISTIO_META_NETWORK" };
const ENV_MARK = ":ENV:";
const PREFIX = "/inject";

export function parseInjectEnvs(path: string): Record<string, string> {
  return parsePathEnvs(path).envs;
}

export function pathWarnings(path: string): string[] {
  return parsePathEnvs(path).warnings;
}

export function parsePathEnvs(path: string): PathEnvs {
  const envs: Record<string, string> = {};
  const warnings: string[] = [];
  const revisions: string[] = [];
  const raw = typeof path === "string" ? path : "";
  const q = raw.indexOf("?");
  let decoded = decodePath(q < 0 ? raw : raw.slice(0, q), warnings);
  // Istio trims exactly one trailing slash; a second one makes an empty last value or key.
  if (decoded.endsWith("/")) decoded = decoded.slice(0, -1);
  if (!(decoded === PREFIX || decoded.startsWith(`${PREFIX}/`)))
    return revisions.length > 0 ? { envs, warnings, revisions } : { envs, warnings };
  const rest = decoded.slice(PREFIX.length + 1);
  if (rest === "") return revisions.length > 0 ? { envs, warnings, revisions } : { envs, warnings };

  const put = (key: string, value: string) => {
    if (key === "") {
      warnings.push(`path env with an empty name ignored (value ${JSON.stringify(value)})`);
      return;
    }
    if (key.toUpperCase() === REVISION_KEY.toUpperCase()) {
      revisions.push(value);
      return;
    }
    const name = Object.hasOwn(KEY_NAMES, key) ? (KEY_NAMES[key] as string) : key.toUpperCase();
    // The API server refuses env names with "=" or outside printable ASCII; say so before it does.
    if (!/^[\x20-\x3c\x3e-\x7e]+$/.test(name)) {
      warnings.push(
        `path env ${JSON.stringify(name)} is not a valid env var name; the API server will refuse the pod`,
      );
    }
    envs[name] = value;
  };

  if (rest.startsWith(ENV_MARK)) {
    for (const pair of rest.split(ENV_MARK).slice(1)) {
      const eq = pair.indexOf("=");
      if (eq > 0) put(pair.slice(0, eq), pair.slice(eq + 1));
      else
        warnings.push(`path env ${JSON.stringify(`${ENV_MARK}${pair}`)} ignored: want ${ENV_MARK}name=value`);
    }
    return revisions.length > 0 ? { envs, warnings, revisions } : { envs, warnings };
  }
  const parts = rest.split("/");
  for (let i = 0; i < parts.length; i += 2) {
    const key = parts[i] as string;
    const value = parts[i + 1];
    if (value === undefined) {
      warnings.push(`path env ${JSON.stringify(key)} has no value and was ignored`);
      break;
    }
    put(key, value.replaceAll("--slash--", "/"));
  }
  return revisions.length > 0 ? { envs, warnings, revisions } : { envs, warnings };
}

const HEX = /^[0-9A-Fa-f]{2}$/;

/**
 * Percent-decoding as Go's URL.Path does (`+` stays `+`), except that a malformed escape is kept
 * literally instead of failing the request. Works on bytes so a multi-byte character split over
 * several escapes decodes as one.
 */
function decodePath(path: string, warnings: string[]): string {
  if (!path.includes("%")) return path;
  const bytes: number[] = [];
  const encoder = new TextEncoder();
  let malformed = false;
  for (let i = 0; i < path.length; ) {
    const hex = path.slice(i + 1, i + 3);
    if (path[i] === "%" && HEX.test(hex)) {
      bytes.push(Number.parseInt(hex, 16));
      i += 3;
      continue;
    }
    if (path[i] === "%") malformed = true;
    const cp = path.codePointAt(i) as number;
    const ch = String.fromCodePoint(cp);
    for (const b of encoder.encode(ch)) bytes.push(b);
    i += ch.length;
  }
  if (malformed) warnings.push(`malformed percent-escape in the path kept as it is`);
  const text = new TextDecoder("utf-8", { fatal: false }).decode(Uint8Array.from(bytes));
  if (text.includes("\uFFFD") && !path.includes("\uFFFD")) {
    warnings.push("percent-escapes in the path are not valid UTF-8; replaced with U+FFFD");
  }
  return text;
}
