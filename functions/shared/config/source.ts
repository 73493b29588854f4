import { MAX_CONFIG_BYTES } from "../../../core/config/load.ts";
import { err, ok, type Result } from "../../../core/json.ts";
import { type Deps, depsWithDefaults, type Env, nonEmpty } from "./auth.ts";
import { fileSource } from "./file.ts";
import { gcsSource } from "./gcs.ts";
import { httpsSource } from "./https.ts";
import { s3Source } from "./s3.ts";

/**
 * Where the config document comes from. Each source answers one load with the document, "unchanged"
 * (the validator still matches: a 304, the same generation or mtime), or an error reason.
 */

/** What a source remembers of the last document it returned, to ask "has it changed?" cheaply. */
export interface Validator {
  readonly kind: "etag" | "generation" | "mtime" | "last-modified";
  readonly value: string;
}

export type Fetched =
  | { readonly kind: "changed"; readonly text: string; readonly validator?: Validator }
  | { readonly kind: "unchanged" }
  /** `reason` is safe to log: no credential, token, URL query or document content. */
  | { readonly kind: "error"; readonly reason: string };

export interface ConfigSource {
  /** Safe to log and to show operators: `s3://bucket/key`, `https://host/path` (no query), `OUTRIGGER_CONFIG`. */
  readonly description: string;
  /** A source whose document cannot change while the process runs (inline, built-in): loaded once. */
  readonly static?: boolean;
  /** Never throws; a network or HTTP failure is an `error` value. */
  load(previous?: Validator, signal?: AbortSignal): Promise<Fetched>;
}

export type { Deps, Env } from "./auth.ts";

/**
 * The source the environment names: `OUTRIGGER_CONFIG` (the document inline), `OUTRIGGER_CONFIG_URL`
 * (`file://`, `s3://bucket/key`, `gs://bucket/object`, `https://`), or with neither the built-in config.
 * Errors name the variable, never its value (a URL may carry a secret in its query).
 */
export function sourceFromEnv(env: Env, deps?: Deps): Result<ConfigSource> {
  const inline = env.OUTRIGGER_CONFIG;
  const url = nonEmpty(env, "OUTRIGGER_CONFIG_URL");
  if (inline !== undefined && inline.trim() !== "" && url)
    return err("OUTRIGGER_CONFIG and OUTRIGGER_CONFIG_URL are both set; set one");
  if (inline !== undefined && inline.trim() !== "") return ok(staticSource("OUTRIGGER_CONFIG", inline));
  if (!url) return ok(staticSource("built-in", ""));
  const d = depsWithDefaults(deps);
  const scheme = /^([a-z][a-z0-9+.-]*):/i.exec(url)?.[1]?.toLowerCase();
  switch (scheme) {
    case "file":
      return fileSource(url);
    case "s3":
      return s3Source(url, env, d);
    case "gs":
      return gcsSource(url, env, d);
    case "https":
    case "http":
      return httpsSource(url, d);
    default:
      return err(
        `OUTRIGGER_CONFIG_URL: unsupported scheme${scheme ? ` "${scheme}:"` : ""}; use file://, s3://bucket/key, gs://bucket/object or https://`,
      );
  }
}

function staticSource(description: string, text: string): ConfigSource {
  return { description, static: true, load: async () => ({ kind: "changed", text }) };
}

/**
 * A response body as text, refused past the config size limit without reading the rest: the
 * limit is checked again when the document is parsed, but a huge body should not reach memory first.
 */
export async function readCapped(res: Response, max = MAX_CONFIG_BYTES): Promise<Result<string>> {
  const declared = Number(res.headers.get("content-length"));
  if (Number.isFinite(declared) && declared > max) {
    await res.body?.cancel();
    return err(`the document is ${declared} bytes; the limit is ${max}`);
  }
  if (!res.body) return ok("");
  const reader = res.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > max) {
      await reader.cancel();
      return err(`the document is over the limit of ${max} bytes`);
    }
    chunks.push(value);
  }
  return ok(Buffer.concat(chunks).toString("utf8"));
}

/** A changed document with its validator, or the error, as one `Fetched`. */
export function fetchedText(text: Result<string>, validator: Validator | undefined, where: string): Fetched {
  if (!text.ok) return { kind: "error", reason: `${where}: ${text.error}` };
  return validator ? { kind: "changed", text: text.value, validator } : { kind: "changed", text: text.value };
}
