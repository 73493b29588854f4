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
export const MERGE_KEYS: Record<string, string> = {
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

export const DIRECTIVE = "$patch";

/**
 * Neither argument is modified. The result shares with them whatever the merge would only have
 * copied: unchanged parts of the original, lists that are not merged by key, and maps of the patch
 * that land where the original has nothing and hold no directive, no `null` and no `__proto__` key
 * (a copy of those would be equal to them). So a caller that goes on to modify the result in place
 * modifies those parts of the patch too (the injector's own templates, rendered afresh for each pod).
 */
export function strategicMerge(original: Json | undefined, patch: Json): Json | undefined {
  if (!isObject(patch)) return patch;
  if (patch[DIRECTIVE] === "replace") return withoutDirective(patch);
  if (patch[DIRECTIVE] === "delete") return undefined;
  if (isObject(original)) return mergeObject(original, patch);
  return mergesToItself(patch) ? patch : mergeObject({}, patch);
}

/**
 * Whether merging the map onto nothing would give an equal copy of it: it holds, at any depth the
 * merge looks at (maps, and the items of lists merged by key), no `$patch` directive (which the merge
 * applies), no `null` (which it drops) and no `__proto__` key (which it would assign as a prototype).
 */
function mergesToItself(patch: JsonObject): boolean {
  const keys = Object.keys(patch);
  for (let k = 0; k < keys.length; k++) {
    const key = keys[k] as string;
    if (key === DIRECTIVE || key === "__proto__") return false;
    const value = patch[key] as Json;
    if (value === null) return false;
    if (Array.isArray(value)) {
      if (MERGE_KEYS[key] && allObjects(value)) {
        for (let i = 0; i < value.length; i++) if (!mergesToItself(value[i] as JsonObject)) return false;
      }
    } else if (isObject(value) && !mergesToItself(value)) {
      return false;
    }
  }
  return true;
}

function mergeObject(original: JsonObject, patch: JsonObject): JsonObject {
  const out: JsonObject = { ...original };
  // Plain loops rather than Object.entries/every/findIndex: this runs for every map and list of
  // every rendered template, twice per admission.
  const keys = Object.keys(patch);
  for (let k = 0; k < keys.length; k++) {
    const key = keys[k] as string;
    if (key === DIRECTIVE) continue;
    const value = patch[key] as Json;
    if (value === null) {
      delete out[key];
      continue;
    }
    let merged: Json | undefined;
    if (Array.isArray(value)) {
      const mergeKey = MERGE_KEYS[key];
      merged = mergeKey && allObjects(value) ? mergeList(out[key], value as JsonObject[], mergeKey) : value;
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

function allObjects(items: Json[]): boolean {
  for (let i = 0; i < items.length; i++) if (!isObject(items[i])) return false;
  return true;
}

function mergeList(original: Json | undefined, patch: JsonObject[], mergeKey: string): Json[] {
  let deletes = false;
  for (let p = 0; p < patch.length; p++) {
    const directive = (patch[p] as JsonObject)[DIRECTIVE];
    if (directive === "replace") {
      return patch.filter((item) => item[DIRECTIVE] !== "replace").map(withoutDirective);
    }
    if (directive === "delete") deletes = true;
  }
  const originalItems = Array.isArray(original) ? original : [];
  const used: boolean[] = new Array(originalItems.length).fill(false);
  // Patch items, each with the index of the original item it merged into (-1 for a new item).
  const right: { item: Json; at: number }[] = [];
  for (let p = 0; p < patch.length; p++) {
    const item = patch[p] as JsonObject;
    const key = item[mergeKey];
    let index = -1;
    if (key !== undefined) {
      for (let i = 0; i < originalItems.length; i++) {
        if (!used[i] && keyOf(originalItems[i], mergeKey) === key) {
          index = i;
          break;
        }
      }
    }
    if (index >= 0) used[index] = true;
    if (item[DIRECTIVE] === "delete") continue;
    const merged = strategicMerge(index >= 0 ? originalItems[index] : undefined, item);
    if (merged !== undefined) right.push({ item: merged, at: index });
  }
  const deleted = new Set<Json | undefined>();
  if (deletes) for (const p of patch) if (p[DIRECTIVE] === "delete") deleted.add(p[mergeKey]);
  const left: { item: Json; at: number }[] = [];
  for (let i = 0; i < originalItems.length; i++) {
    if (!(i in originalItems)) continue; // a hole, as forEach would skip it
    const item = originalItems[i] as Json;
    if (!used[i] && !(deletes && deleted.has(keyOf(item, mergeKey)))) left.push({ item, at: i });
  }
  return mergeSorted(left, right);
}

function keyOf(item: Json | undefined, mergeKey: string): Json | undefined {
  return isObject(item) ? item[mergeKey] : undefined;
}

/**
 * Kubernetes' mergeSortedSlice: the original-only items are woven into the patch's items. Both keep
 * their own relative order; an original-only item goes before the next patch item only when that
 * patch item also came from the original and stood after it there. So new template items come first,
 * and a re-injection keeps a user's extra env var where it was.
 */
export function mergeSorted(left: { item: Json; at: number }[], right: { item: Json; at: number }[]): Json[] {
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

export function withoutDirective(obj: JsonObject): JsonObject {
  const { [DIRECTIVE]: _, ...rest } = obj;
  return rest;
}
