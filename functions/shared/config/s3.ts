import { err, ok, type Result } from "../../../core/json.ts";
import { awsEndpointOverride, awsSigner, type Deps, type Env, networkReason } from "./auth.ts";
import { type ConfigSource, type Fetched, fetchedText, readCapped } from "./source.ts";

/**
 * `s3://bucket/key`: a GetObject signed with SigV4 (aws4fetch) using the function role's
 * credentials, revalidated with `If-None-Match: <ETag>` (S3 answers 304). `AWS_ENDPOINT_URL_S3`
 * (or `AWS_ENDPOINT_URL`) points it at another S3-compatible server, addressed path-style.
 */
export function s3Source(url: string, env: Env, deps: Required<Deps>): Result<ConfigSource> {
  const m = /^s3:\/\/([^/]+)\/(.+)$/.exec(url);
  if (!m) return err("OUTRIGGER_CONFIG_URL: an S3 URL is s3://bucket/key");
  const bucket = m[1] as string;
  const key = m[2] as string;
  const description = `s3://${bucket}/${key}`;
  const signer = awsSigner(env, "s3", deps.fetch);
  if (!signer.ok) return err(`${description}: ${signer.error}`);
  const encodedKey = key.split("/").map(encodeURIComponent).join("/");
  const endpoint = awsEndpointOverride(env, "S3");
  // Virtual-hosted style is what AWS recommends; a bucket name with dots breaks its TLS certificate, so those go path-style.
  const objectUrl = endpoint
    ? `${endpoint}/${encodeURIComponent(bucket)}/${encodedKey}`
    : bucket.includes(".")
      ? `https://s3.${signer.value.region}.amazonaws.com/${bucket}/${encodedKey}`
      : `https://${bucket}.s3.${signer.value.region}.amazonaws.com/${encodedKey}`;

  return ok({
    description,
    async load(previous, signal): Promise<Fetched> {
      const headers: Record<string, string> = {};
      if (previous?.kind === "etag") headers["if-none-match"] = previous.value;
      try {
        const res = await signer.value.send(objectUrl, { method: "GET", headers, signal });
        if (res.status === 304) {
          await res.body?.cancel();
          return { kind: "unchanged" };
        }
        if (!res.ok)
          return { kind: "error", reason: `${description}: HTTP ${res.status}${await s3ErrorCode(res)}` };
        const etag = res.headers.get("etag");
        return fetchedText(
          await readCapped(res),
          etag ? { kind: "etag", value: etag } : undefined,
          description,
        );
      } catch (e) {
        return { kind: "error", reason: `${description}: ${networkReason(e)}` };
      }
    },
  });
}

/** S3's error code (`NoSuchKey`, `AccessDenied`), the only part of the XML error body worth logging. */
async function s3ErrorCode(res: Response): Promise<string> {
  try {
    const code = /<Code>([A-Za-z0-9.]{1,64})<\/Code>/.exec(await res.text())?.[1];
    return code ? ` ${code}` : "";
  } catch {
    return "";
  }
}
