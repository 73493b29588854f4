import { err, ok, type Result } from "../../../core/json.ts";
import { type Deps, networkReason } from "./auth.ts";
import { type ConfigSource, type Fetched, fetchedText, readCapped, type Validator } from "./source.ts";

/**
 * `https://host/path`: any web server, revalidated with `If-None-Match` (or `If-Modified-Since`
 * when the server sends no ETag). Plain `http://` is refused except to this machine: whoever can
 * change the config can change every pod, so it must not travel unprotected.
 */
export function httpsSource(url: string, deps: Required<Deps>): Result<ConfigSource> {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return err("OUTRIGGER_CONFIG_URL: not a valid URL");
  }
  if (!allowedProtocol(parsed))
    return err("OUTRIGGER_CONFIG_URL: http:// is only allowed to localhost; use https://");
  // The query and any user:password are left out of everything logged: a pre-signed URL's query is a credential.
  const description = `${parsed.protocol}//${parsed.host}${parsed.pathname}`;
  return ok({
    description,
    async load(previous, signal): Promise<Fetched> {
      const headers: Record<string, string> = {
        accept: "application/yaml, application/json, text/plain, */*",
      };
      if (previous?.kind === "etag") headers["if-none-match"] = previous.value;
      if (previous?.kind === "last-modified") headers["if-modified-since"] = previous.value;
      try {
        const res = await deps.fetch(url, { headers, ...(signal ? { signal } : {}) });
        if (res.status === 304) {
          await res.body?.cancel();
          return { kind: "unchanged" };
        }
        if (!res.ok) {
          await res.body?.cancel();
          return { kind: "error", reason: `${description}: HTTP ${res.status}` };
        }
        if (res.url && !allowedProtocol(new URL(res.url))) {
          await res.body?.cancel();
          return { kind: "error", reason: `${description}: redirected to plain http; refused` };
        }
        const etag = res.headers.get("etag");
        const lastModified = res.headers.get("last-modified");
        const validator: Validator | undefined = etag
          ? { kind: "etag", value: etag }
          : lastModified
            ? { kind: "last-modified", value: lastModified }
            : undefined;
        return fetchedText(await readCapped(res), validator, description);
      } catch (e) {
        return { kind: "error", reason: `${description}: ${networkReason(e)}` };
      }
    },
  });
}

function allowedProtocol(u: URL): boolean {
  if (u.protocol === "https:") return true;
  return u.protocol === "http:" && ["localhost", "127.0.0.1", "[::1]"].includes(u.hostname);
}
