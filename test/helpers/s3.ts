import { mkdtempSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { AwsClient } from "aws4fetch";

/**
 * s3rver (a real S3 REST server on the local filesystem) started in-process on 127.0.0.1:0. It
 * serves GetObject with ETags and answers `If-None-Match` with 304, as S3 does. It does NOT check
 * SigV4 signatures (its source: "Signature version 4 calculation is unimplemented"), so these tests
 * prove the request shape and the conditional flow, not that AWS would accept the signature; that
 * needs a deployed smoke test.
 */
interface S3rverInstance {
  run(): Promise<AddressInfo>;
  close(): Promise<void>;
}
type S3rverCtor = new (options: Record<string, unknown>) => S3rverInstance;
const S3rver = createRequire(import.meta.url)("s3rver") as S3rverCtor;

export const S3_TEST_ENV = {
  AWS_ACCESS_KEY_ID: "S3RVER",
  AWS_SECRET_ACCESS_KEY: "S3RVER",
  AWS_SESSION_TOKEN: "test-session-token",
  AWS_REGION: "us-east-1",
};

export interface LocalS3 {
  /** `http://127.0.0.1:<port>`, for AWS_ENDPOINT_URL_S3. */
  endpoint: string;
  put(bucket: string, key: string, text: string): Promise<string>;
  close(): Promise<void>;
}

export async function startS3(buckets: string[]): Promise<LocalS3> {
  const directory = mkdtempSync(join(tmpdir(), "outrigger-s3-"));
  const server = new S3rver({
    port: 0,
    address: "127.0.0.1",
    silent: true,
    directory,
    configureBuckets: buckets.map((name) => ({ name, configs: [] })),
  });
  const { port } = await server.run();
  const endpoint = `http://127.0.0.1:${port}`;
  const client = new AwsClient({
    accessKeyId: S3_TEST_ENV.AWS_ACCESS_KEY_ID,
    secretAccessKey: S3_TEST_ENV.AWS_SECRET_ACCESS_KEY,
    service: "s3",
    region: S3_TEST_ENV.AWS_REGION,
    retries: 0,
  });
  return {
    endpoint,
    async put(bucket, key, text) {
      const res = await client.fetch(`${endpoint}/${bucket}/${key}`, { method: "PUT", body: text });
      if (!res.ok) throw new Error(`s3rver PUT: HTTP ${res.status}`);
      return res.headers.get("etag") ?? "";
    },
    async close() {
      await server.close();
      rmSync(directory, { recursive: true, force: true });
    },
  };
}
