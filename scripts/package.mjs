// Zips the built handler bundles for deployment: dist/outrigger-gcp.zip (dist/gcp: index.js and the
// package.json Cloud Functions installs from) and dist/outrigger-aws.zip (dist/aws). Run after
// `npm run build`. The zips are deterministic (sorted entries, fixed timestamps, fixed compression),
// so the same bundle always gives the same bytes and Terraform's source hashes only change with the
// code: pass them to the Terraform modules as `source_zip` (gcp) and `package_path` (aws). A zip holds
// every file of its folder: index.js, the loader; bundle.js, the handler it loads; the code caches
// the build made for it (bundle.*.cache, optional: a runtime without one compiles the bundle); and
// the files the bundle loads on demand with a relative require (handlebars-compiler.js, for
// templates a config brings), which must be there, as must bundle.js (index.js names it so).
//
// It also builds dist/outrigger-linux-x64, the CLI as one executable (see sea.mjs). `--zips` or
// `--sea` builds only that part.
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join, relative } from "node:path";
import { crc32, deflateRawSync } from "node:zlib";
import { buildSea } from "./sea.mjs";

const only = process.argv.slice(2);
const wants = (part) => only.length === 0 || only.includes(`--${part}`);

const BUNDLES = [
  { dir: "dist/gcp", out: "dist/outrigger-gcp.zip", needs: ["index.js", "package.json"] },
  { dir: "dist/aws", out: "dist/outrigger-aws.zip", needs: ["index.js"] },
];

// 1980-01-01 00:00, the earliest DOS date: no build time leaks into the archive.
const DOS_TIME = 0;
const DOS_DATE = (1 << 5) | 1;

function files(dir) {
  const out = [];
  const walk = (d) => {
    for (const name of readdirSync(d).sort()) {
      const p = join(d, name);
      if (statSync(p).isDirectory()) walk(p);
      else out.push(p);
    }
  };
  walk(dir);
  return out;
}

/** The files next to a bundle that it requires (`require("./x.js")`), and those they require. */
function requiredFiles(dir, file) {
  const found = new Set();
  const visit = (f) => {
    for (const [, name] of readFileSync(join(dir, f), "utf8").matchAll(/\brequire\("\.\/([^"]+)"\)/g)) {
      if (found.has(name)) continue;
      found.add(name);
      if (existsSync(join(dir, name))) visit(name);
    }
  };
  visit(file);
  return [...found];
}

/** A zip (PKWARE APPNOTE 6.3, no zip64) of the given files, named relative to `base`. */
function zip(paths, base) {
  const locals = [];
  const centrals = [];
  let offset = 0;
  for (const path of paths) {
    const name = Buffer.from(relative(base, path).split("\\").join("/"), "utf8");
    const data = readFileSync(path);
    const deflated = deflateRawSync(data, { level: 9 });
    const crc = crc32(data);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4); // version needed
    local.writeUInt16LE(0x0800, 6); // UTF-8 names
    local.writeUInt16LE(8, 8); // deflate
    local.writeUInt16LE(DOS_TIME, 10);
    local.writeUInt16LE(DOS_DATE, 12);
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(deflated.length, 18);
    local.writeUInt32LE(data.length, 22);
    local.writeUInt16LE(name.length, 26);
    local.writeUInt16LE(0, 28);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE((3 << 8) | 20, 4); // made by: Unix, 2.0
    central.writeUInt16LE(20, 6);
    central.writeUInt16LE(0x0800, 8);
    central.writeUInt16LE(8, 10);
    central.writeUInt16LE(DOS_TIME, 12);
    central.writeUInt16LE(DOS_DATE, 14);
    central.writeUInt32LE(crc, 16);
    central.writeUInt32LE(deflated.length, 20);
    central.writeUInt32LE(data.length, 24);
    central.writeUInt16LE(name.length, 28);
    central.writeUInt16LE(0, 30); // extra
    central.writeUInt16LE(0, 32); // comment
    central.writeUInt16LE(0, 34); // disk
    central.writeUInt16LE(0, 36); // internal attributes
    central.writeUInt32LE((0o100644 << 16) >>> 0, 38); // -rw-r--r--
    central.writeUInt32LE(offset, 42);
    locals.push(local, name, deflated);
    centrals.push(central, name);
    offset += local.length + name.length + deflated.length;
  }
  const centralSize = centrals.reduce((n, b) => n + b.length, 0);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(paths.length, 8);
  end.writeUInt16LE(paths.length, 10);
  end.writeUInt32LE(centralSize, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, ...centrals, end]);
}

let failed = false;
for (const { dir, out, needs } of wants("zips") ? BUNDLES : []) {
  const missing = needs.filter((f) => !existsSync(join(dir, f)));
  if (missing.length === 0)
    missing.push(...requiredFiles(dir, "index.js").filter((f) => !existsSync(join(dir, f))));
  if (missing.length > 0) {
    console.error(`${dir}: ${missing.join(", ")} missing; run npm run build first`);
    failed = true;
    continue;
  }
  const all = files(dir);
  const buf = zip(all, dir);
  writeFileSync(out, buf);
  // Which runtimes start from a code cache is worth seeing where the zip is made (a build without
  // Node 22 at hand makes none for it).
  const caches = all.map((p) => /^bundle\.(.+)\.cache$/.exec(relative(dir, p))?.[1]).filter(Boolean);
  console.log(`${out}  ${(buf.length / 1024).toFixed(1)} KB  code caches: ${caches.join(", ") || "none"}`);
}
if (wants("sea")) {
  const sea = buildSea();
  if (sea.ok) console.log(sea.message);
  else {
    console.error(sea.message);
    failed = true;
  }
}
process.exit(failed ? 1 : 0);
