import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { constants, Script } from "node:vm";

/**
 * A handler folder's entry (index.js) is a loader for its bundle (BUNDLE, beside it) that hands V8
 * the code cache the build made for it: the bytecode of the functions a warm-up admission ran, so a
 * cold start neither parses the bundle nor compiles the functions of its first admission (on Node
 * 22 that was most of the first admission's time, the Handlebars template's block functions first).
 *
 * V8 takes a cache only from its own version and with the same V8 flags; otherwise it rejects it
 * and compiles the source as if there were none. A cache is named by the architecture and V8
 * version it was made on (cacheFile), so another Node or an arm64 instance reads no file at all;
 * flags are left to V8's own check, as Node's command line mixes them with its own options (`-e`,
 * `--require`) that do not matter. Lambda's runtime passes heap sizes that follow the function's
 * memory, so there a cache made without them is read and rejected (about half a millisecond).
 *
 * What V8 does not check: of the source, only its length, and of the cache, nothing (release builds
 * skip its checksum): a corrupt cache can crash the process or run other code, and so can a cache
 * beside an edited bundle of the same length. So a cache starts with the SHA-256 of the bundle and
 * of the cache after it (node:crypto is loaded by the bundle anyway; the digest costs about 0.3 ms),
 * and one that does not match is not handed to V8. The bundle runs the same either way: a cache
 * holds compiled code of the very source, never state.
 */
export const BUNDLE = "bundle.js";
const DIGEST_BYTES = 32;

/** The cache file for the running process, or for the given V8 version and architecture. */
export function cacheFile(v8 = process.versions.v8, arch: string = process.arch): string {
  return `bundle.${arch}-${v8.replace(/[^\w.-]/g, "_")}.cache`;
}

export function readBundle(dir: string): Buffer {
  return readFileSync(join(dir, BUNDLE));
}

/**
 * The bundle as one script, wrapped as Node's CommonJS loader wraps a module: a cache is for this
 * exact text, so the build and the loader both go through here. An import() in it would load as
 * from a module of its own (the bundles have none today).
 */
export function bundleScript(dir: string, source: Buffer, cachedData?: Buffer): Script {
  return new Script(`(function (exports, require, module, __filename, __dirname) {${source.toString()}\n})`, {
    filename: join(dir, BUNDLE),
    importModuleDynamically: constants.USE_MAIN_CONTEXT_DEFAULT_LOADER,
    ...(cachedData ? { cachedData } : {}),
  });
}

function digest(source: Buffer, data: Buffer): Buffer {
  return createHash("sha256").update(source).update(data).digest();
}

/** The file a cache is written as: its digest with the bundle's, then the cache. */
export function sealCache(source: Buffer, data: Buffer): Buffer {
  return Buffer.concat([digest(source, data), data]);
}

/** The cache in `file` if it is whole and made for `source`; otherwise undefined. */
export function openCache(source: Buffer, file: Buffer): Buffer | undefined {
  const data = file.subarray(DIGEST_BYTES);
  return file.length > DIGEST_BYTES && digest(source, data).equals(file.subarray(0, DIGEST_BYTES))
    ? data
    : undefined;
}

/** Runs the bundle as the module `module` (the loader's own, so its exports are the bundle's). */
export function runBundle(script: Script, dir: string, module: NodeJS.Module, require: NodeJS.Require): void {
  const run = script.runInThisContext() as (...args: unknown[]) => void;
  run.call(module.exports, module.exports, require, module, join(dir, BUNDLE), dir);
}

/** What the loader does: the bundle, with this runtime's cache when the folder has a sound one. */
export function loadBundle(dir: string, module: NodeJS.Module, require: NodeJS.Require): void {
  const source = readBundle(dir);
  let file: Buffer | undefined;
  try {
    file = readFileSync(join(dir, cacheFile()));
  } catch {
    // No cache for this runtime: V8 compiles the bundle as it would without the loader.
  }
  runBundle(bundleScript(dir, source, file && openCache(source, file)), dir, module, require);
}
