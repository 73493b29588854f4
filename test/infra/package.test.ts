import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
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
    const out = execFileSync(process.execPath, [resolve(REPO, "scripts/package.mjs")], {
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
});
