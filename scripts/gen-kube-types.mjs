#!/usr/bin/env node
// Writes the struct table of core/render/go/kube-types.ts from the Go sources of k8s.io/api and
// k8s.io/apimachinery, so field order, JSON names, omitempty and pointer-ness are Kubernetes' own.
//
//   node scripts/gen-kube-types.mjs <k8s.io/api git dir> <k8s.io/apimachinery git dir>
//
// (git dirs as `fetch github:kubernetes/api` leaves them; the files are read with `git show HEAD:`).
// The table goes between the BEGIN/END markers of kube-types.ts; the rest of that file is hand-written.
import { execFileSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";

const [apiDir, machineryDir] = process.argv.slice(2);
if (!apiDir || !machineryDir) {
  console.error("usage: gen-kube-types.mjs <k8s api git dir> <apimachinery git dir>");
  process.exit(2);
}
const show = (dir, path) =>
  execFileSync("git", ["--git-dir", dir, "show", `HEAD:${path}`], { encoding: "utf8" });

// Package-qualified Go sources: the prefix is how the other package refers to a type.
const sources = [
  ["v1", show(apiDir, "core/v1/types.go")],
  ["metav1", show(machineryDir, "pkg/apis/meta/v1/types.go")],
];

/** Types that are structs in Go but marshal as JSON scalars (or raw JSON): kept opaque. */
const OPAQUE = new Map([
  ["metav1.Time", "Time"],
  ["metav1.MicroTime", "MicroTime"],
  ["intstr.IntOrString", "IntOrString"],
  ["resource.Quantity", "Quantity"],
  ["metav1.FieldsV1", "FieldsV1"],
  ["runtime.RawExtension", "RawExtension"],
]);
const SCALARS = new Set(["string", "bool", "int", "int32", "int64", "uint32", "uint64", "float64", "byte"]);

const structs = new Map(); // "pkg.Name" -> [{go, json, omitempty, embedded, type}]
const named = new Map(); // "pkg.Name" -> underlying type text (in its package)

for (const [pkg, text] of sources) {
  const lines = text.split("\n");
  for (let i = 0; i < lines.length; i++) {
    const start = /^type (\w+) struct \{/.exec(lines[i]);
    if (start) {
      const fields = [];
      for (i++; i < lines.length && lines[i] !== "}"; i++) {
        const line = lines[i].replace(/^\s+/, "");
        if (line.startsWith("//") || line === "") continue;
        const m = /^(\w+)\s+([^\s`]+)\s+`([^`]*)`/.exec(line) ?? /^(\*?[\w.]+)()\s+`([^`]*)`/.exec(line);
        if (!m) continue;
        const tag = /json:"([^"]*)"/.exec(m[3])?.[1];
        if (tag === undefined || tag === "-") continue;
        const [jsonName, ...opts] = tag.split(",");
        const embedded = m[2] === "";
        fields.push({
          go: embedded ? m[1].replace(/^\*/, "").replace(/^\w+\./, "") : m[1],
          json: jsonName,
          omitempty: opts.includes("omitempty"),
          inline: embedded && (jsonName === "" || opts.includes("inline")),
          type: qualify(pkg, embedded ? m[1] : m[2]),
        });
      }
      structs.set(`${pkg}.${start[1]}`, fields);
      continue;
    }
    const alias = /^type (\w+) (\S+)\s*$/.exec(lines[i]);
    if (alias && alias[2] !== "struct") named.set(`${pkg}.${alias[1]}`, qualify(pkg, alias[2]));
  }
}

/** A Go type expression with every named type package-qualified. */
function qualify(pkg, t) {
  return t.replace(/[A-Za-z_][\w.]*/g, (name) =>
    SCALARS.has(name) || name === "map" || name.includes(".") ? name : `${pkg}.${name}`,
  );
}

// The table's type language: scalar[:Name], *T, []T, {}T (map[string]T), struct and opaque names.
const queue = ["metav1.TypeMeta", "metav1.ObjectMeta", "v1.PodSpec", "v1.Container"];
const reached = new Set(queue);
function encode(t) {
  if (t.startsWith("*")) return `*${encode(t.slice(1))}`;
  if (t.startsWith("[]")) return t === "[]byte" ? "[]byte" : `[]${encode(t.slice(2))}`;
  const map = /^map\[([^\]]+)\](.+)$/.exec(t);
  if (map) return `{}${encode(map[2])}`;
  if (SCALARS.has(t)) return t;
  if (OPAQUE.has(t)) return OPAQUE.get(t);
  if (t === "types.UID") return "string:types.UID";
  if (structs.has(t)) {
    if (!reached.has(t)) {
      reached.add(t);
      queue.push(t);
    }
    return t;
  }
  const under = named.get(t);
  if (under !== undefined) {
    const inner = encode(under);
    return SCALARS.has(inner) ? `${inner}:${t}` : inner;
  }
  throw new Error(`unknown Go type ${t}`);
}

const out = [];
for (let i = 0; i < queue.length; i++) {
  const name = queue[i];
  reached.add(name);
  const fields = structs.get(name).map((f) => {
    const json = f.inline ? "^" : `${f.json}${f.omitempty ? "?" : ""}`;
    return `${f.go} ${json} ${encode(f.type)}`;
  });
  out.push(`  "${name}": ${JSON.stringify(fields)},`);
}

const target = new URL("../core/render/go/kube-types.ts", import.meta.url);
const file = readFileSync(target, "utf8");
const begin = "// BEGIN GENERATED (scripts/gen-kube-types.mjs)\n";
const end = "  // END GENERATED\n";
const a = file.indexOf(begin);
const b = file.indexOf(end);
if (a < 0 || b < 0) throw new Error("markers not found in kube-types.ts");
writeFileSync(target, `${file.slice(0, a + begin.length)}${out.join("\n")}\n${file.slice(b)}`);
console.log(`${out.length} structs written`);
