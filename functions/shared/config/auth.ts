import { AwsClient } from "aws4fetch";
import { err, isObject, ok, type Result } from "../../../core/json.ts";

/**
 * Credentials for the two clouds without their SDKs: AWS from the Lambda environment (SigV4 by
 * aws4fetch), GCP from the metadata server. Error messages name variables and HTTP statuses,
 * never a credential, a token or a response body.
 */

export type Env = Readonly<Record<string, string | undefined>>;
export type Fetch = typeof fetch;

export interface Deps {
  /** Defaults to the global fetch; tests inject one that counts or redirects calls. */
  fetch?: Fetch;
  /** Milliseconds since the epoch; defaults to Date.now. Tests drive TTLs with it. */
  now?: () => number;
}

export function depsWithDefaults(deps: Deps = {}): Required<Deps> {
  return { fetch: deps.fetch ?? ((input, init) => fetch(input, init)), now: deps.now ?? Date.now };
}

export function nonEmpty(env: Env, name: string): string | undefined {
  const v = env[name]?.trim();
  return v ? v : undefined;
}

/** A switch: `true`/`1` or `false`/`0` in any case, `fallback` when unset; anything else an error naming it. */
export function booleanEnv(env: Env, name: string, fallback: boolean): Result<boolean> {
  const raw = nonEmpty(env, name)?.toLowerCase();
  if (raw === undefined) return ok(fallback);
  if (raw === "true" || raw === "1") return ok(true);
  if (raw === "false" || raw === "0") return ok(false);
  return err(`${name}: must be true or false`);
}

// ---------------------------------------------------------------------------------------------
// AWS

export interface AwsSigner {
  region: string;
  /** Signs and sends one request through the injected fetch (aws4fetch's own fetch would retry and use the global one). */
  send(
    url: string,
    init: {
      method: string;
      headers?: Record<string, string>;
      body?: string;
      signal?: AbortSignal | undefined;
    },
  ): Promise<Response>;
}

/** The role's credentials as Lambda provides them (also what the AWS CLI and SDKs read). */
export function awsSigner(env: Env, service: string, fetchFn: Fetch): Result<AwsSigner> {
  const accessKeyId = nonEmpty(env, "AWS_ACCESS_KEY_ID");
  const secretAccessKey = nonEmpty(env, "AWS_SECRET_ACCESS_KEY");
  if (!accessKeyId || !secretAccessKey)
    return err(
      "AWS credentials are not set (AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY; Lambda sets them from the function's role)",
    );
  const region = nonEmpty(env, "AWS_REGION") ?? nonEmpty(env, "AWS_DEFAULT_REGION");
  if (!region) return err("AWS_REGION is not set");
  const sessionToken = nonEmpty(env, "AWS_SESSION_TOKEN");
  const client = new AwsClient({
    accessKeyId,
    secretAccessKey,
    ...(sessionToken ? { sessionToken } : {}),
    service,
    region,
  });
  return ok({
    region,
    async send(url, init) {
      const signed = await client.sign(url, {
        method: init.method,
        headers: init.headers ?? {},
        ...(init.body !== undefined ? { body: init.body } : {}),
      });
      return fetchFn(signed.url, {
        method: signed.method,
        headers: signed.headers,
        ...(init.body !== undefined ? { body: init.body } : {}),
        ...(init.signal ? { signal: init.signal } : {}),
      });
    },
  });
}

/**
 * A service's endpoint override, as the AWS SDKs and CLI read it: `AWS_ENDPOINT_URL_<SERVICE>`,
 * then `AWS_ENDPOINT_URL`. Trailing slashes are dropped so paths can be appended.
 */
export function awsEndpointOverride(env: Env, serviceVar: string): string | undefined {
  const v = nonEmpty(env, `AWS_ENDPOINT_URL_${serviceVar}`) ?? nonEmpty(env, "AWS_ENDPOINT_URL");
  return v?.replace(/\/+$/, "");
}

// ---------------------------------------------------------------------------------------------
// GCP

const TOKEN_PATH = "/computeMetadata/v1/instance/service-accounts/default/token";
/** Refresh this long before the token expires, so a request never carries one that lapses in flight. */
const TOKEN_MARGIN_MS = 60_000;

export interface GcpTokenProvider {
  token(signal?: AbortSignal): Promise<Result<string>>;
}

/**
 * The function's service-account access token from the metadata server, cached until shortly
 * before it expires. `GCE_METADATA_HOST` (host[:port], as Google's libraries read it) points it
 * elsewhere for tests.
 */
export function metadataTokenProvider(env: Env, deps: Required<Deps>): GcpTokenProvider {
  const host = nonEmpty(env, "GCE_METADATA_HOST") ?? "metadata.google.internal";
  const url = `${/^https?:\/\//.test(host) ? host : `http://${host}`}${TOKEN_PATH}`;
  let cached: { token: string; expiresAt: number } | undefined;
  return {
    async token(signal) {
      if (cached && deps.now() < cached.expiresAt) return ok(cached.token);
      let res: Response;
      try {
        res = await deps.fetch(url, {
          headers: { "Metadata-Flavor": "Google" },
          ...(signal ? { signal } : {}),
        });
      } catch (e) {
        return err(`metadata server: ${networkReason(e)}`);
      }
      if (!res.ok) {
        await res.body?.cancel();
        return err(`metadata server: HTTP ${res.status}`);
      }
      const body = await jsonBody(res);
      const token = isObject(body) ? body.access_token : undefined;
      const expiresIn = isObject(body) ? body.expires_in : undefined;
      if (typeof token !== "string" || token === "")
        return err("metadata server: the answer has no access_token");
      const lifetimeMs = typeof expiresIn === "number" && expiresIn > 0 ? expiresIn * 1000 : 300_000;
      cached = { token, expiresAt: deps.now() + Math.max(0, lifetimeMs - TOKEN_MARGIN_MS) };
      return ok(token);
    },
  };
}

// ---------------------------------------------------------------------------------------------
// Shared

/** JSON from a response, or undefined. Parse errors are swallowed: their messages quote the body. */
export async function jsonBody(res: Response): Promise<unknown> {
  try {
    return JSON.parse(await res.text());
  } catch {
    return undefined;
  }
}

/**
 * Why a fetch failed, from the error's kind and system code only. Messages are not used: some
 * libraries put the URL in them, and a URL may carry a signature or a token.
 */
export function networkReason(e: unknown): string {
  if (e instanceof Error) {
    if (e.name === "TimeoutError") return "timed out";
    if (e.name === "AbortError") return "aborted";
    const code = (e.cause as { code?: unknown } | undefined)?.code ?? (e as { code?: unknown }).code;
    if (typeof code === "string" && /^[A-Z0-9_]+$/.test(code)) return `network error ${code}`;
    return `network error (${e.name})`;
  }
  return "network error";
}
