#!/usr/bin/env node
// Writes the message and enum tables of core/render/go/proto-types.ts from istio.io/api's generated
// Go (the *.pb.go files), so Go field names, proto JSON names, declaration order, oneofs and enum
// numbers are Istio's own.
//
//   node scripts/gen-proto-types.mjs <istio/api git dir> [rev]
//
// Reached from mesh.v1alpha1 ProxyConfig and MeshConfig. The tables go between the BEGIN/END
// markers of proto-types.ts; the rest of that file is hand-written.
import { execFileSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";

const [dir, rev = "HEAD"] = process.argv.slice(2);
if (!dir) {
  console.error("usage: gen-proto-types.mjs <istio/api git dir> [rev]");
  process.exit(2);
}
const git = (...args) =>
  execFileSync("git", ["--git-dir", dir, ...args], { encoding: "utf8", maxBuffer: 1 << 28 });

const PACKAGES = {
  "mesh/v1alpha1": "mesh",
  "networking/v1alpha3": "v1alpha3",
  "networking/v1beta1": "v1beta1",
  "type/v1beta1": "typev1beta1",
};

const structs = new Map(); // "pkg.Name" -> { fields: [...], oneofs: Map<goField, [member struct names]> }
const enums = new Map(); // "pkg.Name" -> [[n, name]]

for (const [path, pkg] of Object.entries(PACKAGES)) {
  const files = git("ls-tree", "--name-only", `${rev}:${path}`)
    .split("\n")
    .filter((f) => f.endsWith(".pb.go"));
  for (const file of files) {
    const text = git("show", `${rev}:${path}/${file}`);
    const aliases = importAliases(text);
    const lines = text.split("\n");
    for (let i = 0; i < lines.length; i++) {
      const start = /^type (\w+) struct \{/.exec(lines[i]);
      if (start) {
        const fields = [];
        let members = [];
        for (i++; i < lines.length && lines[i] !== "}"; i++) {
          const line = lines[i].trim();
          const member = /^\/\/\s*\*(\w+)$/.exec(line);
          if (member) members.push(`${pkg}.${member[1]}`);
          if (line.startsWith("//") || line === "") continue;
          const oneof = /^(\w+)\s+\w+\s+`protobuf_oneof:"[^"]*"`/.exec(line);
          if (oneof) {
            fields.push({ oneof: members });
            members = [];
            continue;
          }
          const m = /^(\w+)\s+(\S+)\s+`protobuf:"([^"]*)"/.exec(line);
          if (!m) continue;
          const tag = m[3].split(",");
          const name = tag.find((t) => t.startsWith("name="))?.slice(5);
          const json = tag.find((t) => t.startsWith("json="))?.slice(5) ?? name;
          fields.push({ go: m[1], json, type: qualify(pkg, aliases, m[2]), optional: tag.includes("oneof") });
        }
        structs.set(`${pkg}.${start[1]}`, fields);
        continue;
      }
      const names = /^\t(\w+)_name = map\[int32\]string\{/.exec(lines[i]);
      if (names) {
        const values = [];
        for (i++; i < lines.length && !/^\t\}/.test(lines[i]); i++) {
          const v = /^\s*(-?\d+):\s*"(\w+)",/.exec(lines[i]);
          if (v) values.push([Number(v[1]), v[2]]);
        }
        enums.set(`${pkg}.${names[1]}`, values);
      }
    }
  }
}

function importAliases(text) {
  const out = new Map();
  const block = /^import \(\n([\s\S]*?)\n\)/m.exec(text)?.[1] ?? "";
  for (const line of block.split("\n")) {
    const m = /^\s*(\w+)\s+"([^"]+)"/.exec(line);
    if (!m) continue;
    const path = m[2].replace(/^istio\.io\/api\//, "");
    out.set(m[1], PACKAGES[path] ?? m[2]);
  }
  return out;
}

function qualify(pkg, aliases, t) {
  return t.replace(/[A-Za-z_][\w.]*/g, (name) => {
    if (name === "map" || /^(string|bool|u?int(32|64)|float(32|64)|byte)$/.test(name)) return name;
    const dot = name.indexOf(".");
    if (dot < 0) return `${pkg}.${name}`;
    const alias = aliases.get(name.slice(0, dot));
    return `${alias ?? name.slice(0, dot)}.${name.slice(dot + 1)}`;
  });
}

// Atoms understood by proto-types.ts: scalars, duration, wrappers, struct (any).
const ATOMS = {
  "*github.com/golang/protobuf/ptypes/duration.Duration": "duration",
  "*google.golang.org/protobuf/types/known/durationpb.Duration": "duration",
  "*github.com/golang/protobuf/ptypes/struct.Struct": "any",
  "*google.golang.org/protobuf/types/known/structpb.Struct": "any",
  "*github.com/golang/protobuf/ptypes/struct.Value": "any",
  "*github.com/golang/protobuf/ptypes/any.Any": "any",
};
const queue = ["mesh.ProxyConfig", "mesh.MeshConfig"];
const reached = new Set(queue);
function encode(t) {
  if (ATOMS[t]) return ATOMS[t];
  const wrapper =
    /^\*(github\.com\/golang\/protobuf\/ptypes\/wrappers|google\.golang\.org\/protobuf\/types\/known\/wrapperspb)\.(\w+)Value$/.exec(
      t,
    );
  if (wrapper) return `~${wrapper[2]}`;
  if (t === "[]byte") return "bytes";
  if (t === "float32") return "float64";
  if (/^(string|bool|u?int(32|64)|float64)$/.test(t)) return t;
  if (t.startsWith("*")) return `*${encode(t.slice(1))}`;
  if (t.startsWith("[]")) return `[]${encode(t.slice(2))}`;
  const map = /^map\[[^\]]+\](.+)$/.exec(t);
  if (map) return `{}${encode(map[1])}`;
  if (enums.has(t)) return `#${t}`;
  if (structs.has(t)) {
    if (!reached.has(t)) {
      reached.add(t);
      queue.push(t);
    }
    return t;
  }
  console.error(`warning: unknown type ${t}, read as any`);
  return "any";
}

const messages = [];
const usedEnums = new Set();
for (let i = 0; i < queue.length; i++) {
  const name = queue[i];
  reached.add(name);
  const out = [];
  for (const f of structs.get(name)) {
    // A oneof is spelled out as its members, in place: jsonpb writes whichever one is set.
    const list = f.oneof ? f.oneof.map((m) => structs.get(m)?.[0]).filter(Boolean) : [f];
    for (const g of list) {
      const type = encode(g.type);
      if (type.startsWith("#") || type.startsWith("[]#")) usedEnums.add(type.replace(/^(\[\])?#/, ""));
      out.push(`${g.go} ${g.json}${f.oneof ? "|" : ""} ${type}`);
    }
  }
  messages.push(`  "${name}": ${JSON.stringify(out)},`);
}
const enumLines = [...usedEnums].sort().map((e) => `  "${e}": ${JSON.stringify(enums.get(e))},`);

const target = new URL("../core/render/go/proto-types.ts", import.meta.url);
let file = readFileSync(target, "utf8");
for (const [label, body] of [
  ["MESSAGES", messages],
  ["ENUMS", enumLines],
]) {
  const begin = `// BEGIN GENERATED ${label} (scripts/gen-proto-types.mjs)\n`;
  const end = `  // END GENERATED ${label}\n`;
  const a = file.indexOf(begin);
  const b = file.indexOf(end);
  if (a < 0 || b < 0) throw new Error(`${label} markers not found in proto-types.ts`);
  file = `${file.slice(0, a + begin.length)}${body.join("\n")}\n${file.slice(b)}`;
}
writeFileSync(target, file);
console.log(`${messages.length} messages, ${enumLines.length} enums written`);
