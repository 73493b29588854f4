import { isObject, type Json } from "../json.ts";
import { MESH_CONFIG } from "../render/go/proto-types.ts";
import type { GoType } from "../render/go/values.ts";

/**
 * Fields of a mesh config document that MeshConfig (and the messages in it: `defaultConfig` is a
 * ProxyConfig) does not have, each as `defaultConfig.proxyMetadta: unknown field`. istiod decodes the
 * mesh strictly first and, when that fails, again ignoring unknown fields (protomarshal.ApplyJSON), so
 * a misspelt field is dropped without a word and its setting silently not applied; these lines are
 * that word. Field names are the messages' proto JSON names; the proto's own snake_case names, which
 * jsonpb accepts too, are known as well. Maps and `google.protobuf.Struct`/`Any` fields hold keys of the
 * user's choosing and are not looked into.
 */
export function unknownMeshFields(mesh: Json): string[] {
  const out: string[] = [];
  walk(MESH_CONFIG, mesh, "", out);
  return out;
}

function walk(type: GoType, value: Json, path: string, out: string[]): void {
  if (value === null) return;
  switch (type.kind) {
    case "ptr":
      walk(type.elem, value, path, out);
      return;
    case "slice":
      if (Array.isArray(value))
        value.forEach((item, i) => {
          walk(type.elem, item, `${path}[${i}]`, out);
        });
      return;
    case "map":
      if (isObject(value))
        for (const [key, item] of Object.entries(value)) walk(type.elem, item, join(path, key), out);
      return;
    case "struct":
      // A wrapper (BoolValue, ...) is written as its bare value in proto JSON.
      if (type.name.startsWith("wrapperspb.") || !isObject(value)) return;
      for (const [key, item] of Object.entries(value)) {
        const field = type.fields.find(
          (f) => f.json === key || (key.includes("_") && jsonName(key) === f.json),
        );
        const where = join(path, key);
        if (field) walk(field.type, item, where, out);
        else
          out.push(
            `${where}: unknown field${suggestion(
              key,
              type.fields.map((f) => f.json),
            )}`,
          );
      }
      return;
    default:
      return;
  }
}

const join = (path: string, key: string) => (path === "" ? key : `${path}.${key}`);

/** protoc's JSON name of a proto field name: each `_` dropped and the letter after it upper-cased. */
function jsonName(protoName: string): string {
  return protoName.replace(/_(.?)/g, (_m, c: string) => c.toUpperCase());
}

/** ` (did you mean proxyMetadata?)` when one known name is a typo away from `key`. */
function suggestion(key: string, names: string[]): string {
  const limit = Math.min(3, Math.floor(key.length / 3));
  let best: string | undefined;
  let bestDistance = limit + 1;
  for (const name of names) {
    const d = distance(key.toLowerCase(), name.toLowerCase(), bestDistance);
    if (d < bestDistance) {
      best = name;
      bestDistance = d;
    }
  }
  return best === undefined ? "" : ` (did you mean ${best}?)`;
}

/** Optimal string alignment distance (a swap of neighbours counts one), stopping early past `cap`. */
function distance(a: string, b: string, cap: number): number {
  if (Math.abs(a.length - b.length) >= cap) return cap;
  let prev2: number[] = [];
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    let rowMin = i;
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let d = Math.min((prev[j] as number) + 1, (row[j - 1] as number) + 1, (prev[j - 1] as number) + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1])
        d = Math.min(d, (prev2[j - 2] as number) + 1);
      row.push(d);
      rowMin = Math.min(rowMin, d);
    }
    if (rowMin >= cap) return cap;
    prev2 = prev;
    prev = row;
  }
  return prev[b.length] as number;
}
