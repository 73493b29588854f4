import { writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join, resolve } from "node:path";
import { reviewOf } from "../../core/admission/prime.ts";
import { bundleScript, cacheFile, readBundle, runBundle, sealCache } from "./code-cache.ts";

/**
 * Makes a handler folder's code cache (see code-cache.ts), run by the build in a fresh Node per
 * runtime: `node --random-seed=1 warm.cjs <folder> <aws|gcp>`. It loads the bundle as the loader
 * does, answers one admission through the cloud's own entry (the built-in config, as the build's
 * environment is cleared), and writes the cache of everything compiled by then under the name this
 * runtime looks for. V8 leaves --random-seed out of a cache's check of the flags; fixing it makes
 * the cache the same bytes on every build, as the deploy zips must be.
 */

const [dirArg, cloud] = process.argv.slice(2);
if (!dirArg || (cloud !== "aws" && cloud !== "gcp")) {
  process.stderr.write("usage: warm.cjs <folder> <aws|gcp>\n");
  process.exit(2);
}
const dir = resolve(dirArg);
const source = readBundle(dir);
const script = bundleScript(dir, source);
const module = { exports: {} } as NodeJS.Module;
runBundle(script, dir, module, createRequire(join(dir, "index.js")));

// A pod as a Deployment's ReplicaSet creates it: the fields the built-in templates read. Not the
// pod the bundle primes itself with at load (core/admission/prime.ts), so the cache also holds what
// another pod's shape compiles.
const review = reviewOf({
  apiVersion: "v1",
  kind: "Pod",
  metadata: {
    generateName: "web-5d4f8c7b9-",
    namespace: "default",
    labels: { app: "web", version: "v1", "pod-template-hash": "5d4f8c7b9" },
    annotations: { "kubectl.kubernetes.io/default-container": "web" },
    ownerReferences: [
      { apiVersion: "apps/v1", kind: "ReplicaSet", name: "web-5d4f8c7b9", uid: "1", controller: true },
    ],
  },
  spec: {
    serviceAccountName: "default",
    containers: [
      {
        name: "web",
        image: "nginx:1.27",
        ports: [{ name: "http", containerPort: 8080, protocol: "TCP" }],
        readinessProbe: { httpGet: { path: "/ready", port: 8080 } },
        livenessProbe: { httpGet: { path: "/live", port: "http" } },
        resources: { requests: { cpu: "100m", memory: "128Mi" } },
        volumeMounts: [{ name: "data", mountPath: "/data" }],
      },
    ],
    volumes: [{ name: "data", emptyDir: {} }],
  },
});

async function admit(): Promise<number> {
  const exports = module.exports as Record<string, (...args: unknown[]) => Promise<unknown>>;
  if (cloud === "aws") {
    const result = (await exports.handler?.({
      version: "2.0",
      rawPath: "/inject",
      rawQueryString: "",
      headers: { "content-type": "application/json" },
      requestContext: { http: { method: "POST" }, stage: "$default" },
      body: review,
      isBase64Encoded: false,
    })) as { statusCode: number };
    return result.statusCode;
  }
  let status = 0;
  const res = {
    status: (s: number) => {
      status = s;
      return res;
    },
    set: () => res,
    send: () => res,
  };
  const headers: Record<string, string> = { "content-type": "application/json" };
  await exports.inject?.(
    {
      method: "POST",
      originalUrl: "/inject",
      url: "/inject",
      get: (h: string) => headers[h],
      rawBody: review,
    },
    res,
  );
  return status;
}

admit().then((status) => {
  if (status !== 200) {
    process.stderr.write(`the warm-up admission answered ${status}\n`);
    process.exit(1);
  }
  writeFileSync(join(dir, cacheFile()), sealCache(source, script.createCachedData()));
});
