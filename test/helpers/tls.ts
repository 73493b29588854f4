import { execFileSync } from "node:child_process";

/** A one-day self-signed certificate and its key for 127.0.0.1, written by openssl to `cert` and `key`. */
export function selfSignedCert(cert: string, key: string): void {
  execFileSync(
    "openssl",
    [
      "req",
      "-x509",
      "-newkey",
      "rsa:2048",
      "-nodes",
      "-keyout",
      key,
      "-out",
      cert,
      "-days",
      "1",
      "-subj",
      "/CN=127.0.0.1",
      "-addext",
      "subjectAltName=IP:127.0.0.1",
    ],
    { stdio: "ignore" },
  );
}
