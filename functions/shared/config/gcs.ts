import { MAX_CONFIG_BYTES } from "../../../core/config/load.ts";
import { err, isObject, ok, type Result } from "../../../core/json.ts";
import {
  type Deps,
  type Env,
  type GcpTokenProvider,
  jsonBody,
  metadataTokenProvider,
  networkReason,
  nonEmpty,
} from "./auth.ts";
import { type ConfigSource, type Fetched, fetchedText, readCapped } from "./source.ts";

/**
 * `gs://bucket/object`: the GCS JSON API over fetch, authorised with the function's service
 * account token from the metadata server. Revalidation asks for the object's metadata with
 * `ifGenerationNotMatch=<generation>` (304 while unchanged); on a change the media is read pinned
 * to the new generation, so the document and its validator always belong together.
 * `STORAGE_EMULATOR_HOST` points it at an emulator, which takes no token (as Google's SDK does).
 */
export function gcsSource(url: string, env: Env, deps: Required<Deps>): Result<ConfigSource> {
  const m = /^gs:\/\/([^/]+)\/(.+)$/.exec(url);
  if (!m) return err("OUTRIGGER_CONFIG_URL: a GCS URL is gs://bucket/object");
  const bucket = m[1] as string;
  const object = m[2] as string;
  const description = `gs://${bucket}/${object}`;
  const emulator = nonEmpty(env, "STORAGE_EMULATOR_HOST");
  const base = emulator
    ? `${/^https?:\/\//.test(emulator) ? emulator : `http://${emulator}`}`.replace(/\/+$/, "")
    : "https://storage.googleapis.com";
  const objectUrl = `${base}/storage/v1/b/${encodeURIComponent(bucket)}/o/${encodeURIComponent(object)}`;
  const tokens: GcpTokenProvider | undefined = emulator ? undefined : metadataTokenProvider(env, deps);

  return ok({
    description,
    async load(previous, signal): Promise<Fetched> {
      try {
        const headers: Record<string, string> = {};
        if (tokens) {
          const token = await tokens.token(signal);
          if (!token.ok) return { kind: "error", reason: `${description}: ${token.error}` };
          headers.authorization = `Bearer ${token.value}`;
        }
        const init = { headers, ...(signal ? { signal } : {}) };
        const query =
          previous?.kind === "generation"
            ? `&ifGenerationNotMatch=${encodeURIComponent(previous.value)}`
            : "";
        const meta = await deps.fetch(`${objectUrl}?fields=generation,size${query}`, init);
        if (meta.status === 304) {
          await meta.body?.cancel();
          return { kind: "unchanged" };
        }
        if (!meta.ok)
          return {
            kind: "error",
            reason: `${description}: HTTP ${meta.status}${await gcsErrorReason(meta)}`,
          };
        const body = await jsonBody(meta);
        const generation = isObject(body) ? body.generation : undefined;
        if (typeof generation !== "string" || !/^\d+$/.test(generation))
          return { kind: "error", reason: `${description}: the object metadata has no generation` };
        const size = isObject(body) ? Number(body.size) : Number.NaN;
        if (size > MAX_CONFIG_BYTES)
          return {
            kind: "error",
            reason: `${description}: the object is ${size} bytes; the limit is ${MAX_CONFIG_BYTES}`,
          };

        const media = await deps.fetch(`${objectUrl}?alt=media&generation=${generation}`, init);
        if (!media.ok)
          return {
            kind: "error",
            reason: `${description}: HTTP ${media.status}${await gcsErrorReason(media)}`,
          };
        return fetchedText(await readCapped(media), { kind: "generation", value: generation }, description);
      } catch (e) {
        return { kind: "error", reason: `${description}: ${networkReason(e)}` };
      }
    },
  });
}

/** Google's error reason (`notFound`, `forbidden`), the only part of an error body worth logging. */
export async function gcsErrorReason(res: Response): Promise<string> {
  const body = await jsonBody(res);
  const error = isObject(body) ? body.error : undefined;
  const status = isObject(error) ? error.status : undefined;
  const errors = isObject(error) && Array.isArray(error.errors) ? error.errors : [];
  const first = errors[0];
  const reason = isObject(first) ? first.reason : status;
  return typeof reason === "string" && /^[A-Za-z_]{1,64}$/.test(reason) ? ` ${reason}` : "";
}
