import { isObject, type Json, type JsonObject } from "../json.ts";

/**
 * Kubernetes strategic merge patch, for the fields of a Pod, as `kubectl patch --type strategic` and
 * Istio's injector apply it: maps merge key by key, `null` deletes, lists of named things merge by
 * their merge key, other lists are replaced. `$patch: replace|delete` directives work in maps and in
 * merge lists.
 *
 * Order of a merged list (it is what makes the goldens come out right) is Kubernetes': the patch's
 * items in patch order (merged with the original item of the same key), with the items only the
 * original has woven in by their original position (see mergeSorted).
 */

/** Merge keys of the Pod's lists, by the field name that holds the list (Kubernetes patchMergeKey). */
const MERGE_KEYS: Record<string, string> = {
  containers: "name",
  initContainers: "name",
  ephemeralContainers: "name",
  volumes: "name",
  env: "name",
  volumeMounts: "mountPath",
  volumeDevices: "devicePath",
  imagePullSecrets: "name",
  ports: "containerPort",
  hostAliases: "ip",
  topologySpreadConstraints: "topologyKey",
  resourceClaims: "name",
  ownerReferences: "uid",
};

const DIRECTIVE = "$patch";

export function strategicMerge(original: Json | undefined, patch: Json): Json | undefined {
  if (!isObject(patch)) return patch;
  if (patch[DIRECTIVE] === "replace") return withoutDirective(patch);
  if (patch[DIRECTIVE] === "delete") return undefined;
  return mergeObject(isObject(original) ? original : {}, patch);
}

function mergeObject(original: JsonObject, patch: JsonObject): JsonObject {
  const out: JsonObject = { ...original };
  for (const [key, value] of Object.entries(patch)) {
    if (key === DIRECTIVE) continue;
    if (value === null) {
      delete out[key];
      continue;
    }
    const mergeKey = MERGE_KEYS[key];
    let merged: Json | undefined;
    if (Array.isArray(value) && mergeKey && value.every(isObject)) {
      merged = mergeList(out[key], value as JsonObject[], mergeKey);
    } else if (isObject(value)) {
      merged = strategicMerge(out[key], value);
    } else {
      merged = value;
    }
    if (merged === undefined) delete out[key];
    else out[key] = merged;
  }
  return out;
}

function mergeList(original: Json | undefined, patch: JsonObject[], mergeKey: string): Json[] {
  if (patch.some((item) => item[DIRECTIVE] === "replace")) {
    return patch.filter((item) => item[DIRECTIVE] !== "replace").map(withoutDirective);
  }
  const originalItems = Array.isArray(original) ? original : [];
  const keyOf = (item: Json): Json | undefined => (isObject(item) ? item[mergeKey] : undefined);
  const used = new Set<number>();
  // Patch items, each with the index of the original item it merged into (-1 for a new item).
  const right: { item: Json; at: number }[] = [];
  for (const item of patch) {
    const key = item[mergeKey];
    const index =
      key === undefined ? -1 : originalItems.findIndex((o, i) => !used.has(i) && keyOf(o) === key);
    if (index >= 0) used.add(index);
    if (item[DIRECTIVE] === "delete") continue;
    const merged = strategicMerge(index >= 0 ? originalItems[index] : undefined, item);
    if (merged !== undefined) right.push({ item: merged, at: index });
  }
  const deleted = new Set(patch.filter((p) => p[DIRECTIVE] === "delete").map((p) => p[mergeKey]));
  const left: { item: Json; at: number }[] = [];
  originalItems.forEach((item, i) => {
    if (!used.has(i) && !deleted.has(keyOf(item))) left.push({ item, at: i });
  });
  return mergeSorted(left, right);
}

/**
 * Kubernetes' mergeSortedSlice: the original-only items are woven into the patch's items. Both keep
 * their own relative order; an original-only item goes before the next patch item only when that
 * patch item also came from the original and stood after it there. So new template items come first,
 * and a re-injection keeps a user's extra env var where it was.
 */
function mergeSorted(left: { item: Json; at: number }[], right: { item: Json; at: number }[]): Json[] {
  const out: Json[] = [];
  let i = 0;
  let j = 0;
  while (i < left.length || j < right.length) {
    const l = left[i];
    const r = right[j];
    if (r === undefined) {
      out.push((l as { item: Json }).item);
      i++;
    } else if (l !== undefined && r.at >= 0 && l.at < r.at) {
      out.push(l.item);
      i++;
    } else {
      out.push(r.item);
      j++;
    }
  }
  return out;
}

function withoutDirective(obj: JsonObject): JsonObject {
  const { [DIRECTIVE]: _, ...rest } = obj;
  return rest;
}
