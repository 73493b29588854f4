import { createHash, timingSafeEqual } from "node:crypto";
import { err, isObject, ok, type Result } from "../../core/json.ts";
import {
  awsEndpointOverride,
  awsSigner,
  booleanEnv,
  type Deps,
  depsWithDefaults,
  type Env,
  jsonBody,
  metadataTokenProvider,
  networkReason,
  nonEmpty,
} from "./config/auth.ts";
import { gcsErrorReason } from "./config/gcs.ts";
import { log } from "./log.ts";

/**
 * URL tokens. A managed cluster's API server calls a URL webhook anonymously (no client
 * certificate, no bearer token), so the only credential it can present is a secret in the path:
 * `/inject/t/<token>/...`. Several tokens can be valid at once, for rotation.
 *
 * Tokens never appear in a log line or an error message: errors say which token by position
 * ("token 2 of 3"), and secret-store answers are never quoted (a JSON parse error would quote them).
 */

export const TOKEN_ALPHABET = /^[A-Za-z0-9._~-]+$/;
/** Shorter tokens are accepted with a warning: they are guessable by a patient caller. */
export const MIN_TOKEN_LENGTH = 16;
const SECRET_TIMEOUT_MS = 5_000;

/**
 * The tokens the environment configures: `OUTRIGGER_TOKENS` (comma-separated) or
 * `OUTRIGGER_TOKENS_SECRET` (`gcpsm://projects/<p>/secrets/<s>[/versions/<v>]` or
 * `awssm://<secret id or ARN>`; tokens separated by commas or newlines in the secret).
 * An empty list means `/inject` needs no token (local use), unless `OUTRIGGER_REQUIRE_TOKEN=true`,
 * which makes that an error. A failure to read the secret is an error, never an empty list.
 */
export async function loadTokens(env: Env, deps?: Deps): Promise<Result<readonly string[]>> {
  const require = booleanEnv(env, "OUTRIGGER_REQUIRE_TOKEN", false);
  if (!require.ok) return require;
  const inline = nonEmpty(env, "OUTRIGGER_TOKENS");
  const secret = nonEmpty(env, "OUTRIGGER_TOKENS_SECRET");
  if (inline && secret) return err("OUTRIGGER_TOKENS and OUTRIGGER_TOKENS_SECRET are both set; set one");
  let tokens: Result<string[]>;
  if (inline) tokens = parseTokens(inline, "OUTRIGGER_TOKENS");
  else if (secret) tokens = await tokensFromSecret(secret, env, depsWithDefaults(deps));
  else tokens = ok([]);
  if (!tokens.ok) return tokens;
  if (tokens.value.length === 0 && require.value)
    return err(
      "OUTRIGGER_REQUIRE_TOKEN is true but no token is configured (set OUTRIGGER_TOKENS or OUTRIGGER_TOKENS_SECRET)",
    );
  return tokens;
}

/** Tokens from text separated by commas or newlines; blanks are skipped, duplicates dropped. */
export function parseTokens(text: string, where: string): Result<string[]> {
  const tokens = [
    ...new Set(
      text
        .split(/[,\r\n]+/)
        .map((t) => t.trim())
        .filter((t) => t !== ""),
    ),
  ];
  if (tokens.length === 0) return err(`${where}: no token in it`);
  for (const [i, t] of tokens.entries()) {
    // The position, never the value: this message is logged.
    if (!TOKEN_ALPHABET.test(t))
      return err(
        `${where}: token ${i + 1} of ${tokens.length} has characters other than A-Z a-z 0-9 - . _ ~ (it goes in a URL path)`,
      );
    if (t.length < MIN_TOKEN_LENGTH)
      log("WARNING", "short URL token", {
        reason: `${where}: token ${i + 1} of ${tokens.length} is shorter than ${MIN_TOKEN_LENGTH} characters`,
      });
  }
  return ok(tokens);
}

async function tokensFromSecret(ref: string, env: Env, deps: Required<Deps>): Promise<Result<string[]>> {
  if (ref.startsWith("gcpsm://")) return gcpSecret(ref, env, deps);
  if (ref.startsWith("awssm://")) return awsSecret(ref, env, deps);
  return err(
    "OUTRIGGER_TOKENS_SECRET: use gcpsm://projects/<project>/secrets/<secret>/versions/<version> or awssm://<secret id or ARN>",
  );
}

/** Secret Manager `versions/*:access` with the service account's token; the payload is base64. */
async function gcpSecret(ref: string, env: Env, deps: Required<Deps>): Promise<Result<string[]>> {
  const m = /^gcpsm:\/\/(projects\/[^/]+\/secrets\/[^/]+)(\/versions\/[^/]+)?$/.exec(ref);
  if (!m)
    return err(
      "OUTRIGGER_TOKENS_SECRET: a Secret Manager reference is gcpsm://projects/<project>/secrets/<secret>/versions/<version>",
    );
  const name = `${m[1]}${m[2] ?? "/versions/latest"}`;
  const where = `gcpsm://${name}`;
  const signal = AbortSignal.timeout(SECRET_TIMEOUT_MS);
  const token = await metadataTokenProvider(env, deps).token(signal);
  if (!token.ok) return err(`${where}: ${token.error}`);
  try {
    const res = await deps.fetch(`https://secretmanager.googleapis.com/v1/${name}:access`, {
      headers: { authorization: `Bearer ${token.value}` },
      signal,
    });
    if (!res.ok) return err(`${where}: HTTP ${res.status}${await gcsErrorReason(res)}`);
    const body = await jsonBody(res);
    const payload = isObject(body) ? body.payload : undefined;
    const data = isObject(payload) ? payload.data : undefined;
    if (typeof data !== "string") return err(`${where}: the answer has no payload.data`);
    return parseTokens(Buffer.from(data, "base64").toString("utf8"), where);
  } catch (e) {
    return err(`${where}: ${networkReason(e)}`);
  }
}

/** Secrets Manager `GetSecretValue` (JSON protocol) signed with the function role's credentials. */
async function awsSecret(ref: string, env: Env, deps: Required<Deps>): Promise<Result<string[]>> {
  const id = ref.slice("awssm://".length);
  if (id === "") return err("OUTRIGGER_TOKENS_SECRET: an AWS reference is awssm://<secret id or ARN>");
  const where = `awssm://${id}`;
  const signer = awsSigner(env, "secretsmanager", deps.fetch);
  if (!signer.ok) return err(`${where}: ${signer.error}`);
  const endpoint =
    awsEndpointOverride(env, "SECRETS_MANAGER") ??
    `https://secretsmanager.${signer.value.region}.amazonaws.com`;
  try {
    const res = await signer.value.send(`${endpoint}/`, {
      method: "POST",
      headers: {
        "content-type": "application/x-amz-json-1.1",
        "x-amz-target": "secretsmanager.GetSecretValue",
      },
      body: JSON.stringify({ SecretId: id }),
      signal: AbortSignal.timeout(SECRET_TIMEOUT_MS),
    });
    const body = await jsonBody(res);
    if (!res.ok) {
      const type =
        isObject(body) && typeof body.__type === "string" ? body.__type.split("#").pop() : undefined;
      return err(`${where}: HTTP ${res.status}${type && /^[A-Za-z]{1,64}$/.test(type) ? ` ${type}` : ""}`);
    }
    if (isObject(body) && typeof body.SecretString === "string") return parseTokens(body.SecretString, where);
    if (isObject(body) && typeof body.SecretBinary === "string")
      return parseTokens(Buffer.from(body.SecretBinary, "base64").toString("utf8"), where);
    return err(`${where}: the answer has no SecretString`);
  } catch (e) {
    return err(`${where}: ${networkReason(e)}`);
  }
}

const digest = (s: string): Buffer => createHash("sha256").update(s, "utf8").digest();

/**
 * Whether `candidate` is one of `tokens`, in time that depends on neither: both sides are hashed
 * to equal-length digests (so the length does not leak through timingSafeEqual's length check),
 * and every token is compared, without stopping at a match.
 */
export function matchToken(candidate: string, tokens: readonly string[]): boolean {
  const c = digest(candidate);
  let matched = false;
  for (const t of tokens) matched = timingSafeEqual(c, digest(t)) || matched;
  return matched;
}

const TOKEN_PREFIX = "/inject/t/";

/**
 * Splits `/inject/t/<token>/cluster/c1` into the token and `/inject/cluster/c1`. A path without
 * the `/t/` segment has no token. `/inject/t` and `/inject/t/` give an empty token, which matches
 * nothing (so `t` is not available as a path-env key).
 */
export function tokenFromPath(path: string): { token?: string; rest: string } {
  if (path === "/inject/t") return { token: "", rest: "/inject" };
  if (!path.startsWith(TOKEN_PREFIX)) return { rest: path };
  const after = path.slice(TOKEN_PREFIX.length);
  const slash = after.indexOf("/");
  return slash < 0
    ? { token: after, rest: "/inject" }
    : { token: after.slice(0, slash), rest: `/inject${after.slice(slash)}` };
}
