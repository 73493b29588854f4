import fastJsonPatch from "fast-json-patch";
import type { JsonObject } from "../json.ts";

export interface PatchOperation {
  op: string;
  path: string;
  value?: unknown;
  from?: string;
}

/**
 * The JSON Patch from the pod as the API server sent it to the injected pod. Diffing (rather than
 * assembling operations by hand) means the patch says exactly what changed and nothing else; the API
 * server applies it with evanphx/json-patch, which fast-json-patch's add/remove/replace output suits.
 */
export function createPatch(original: JsonObject, mutated: JsonObject): PatchOperation[] {
  return fastJsonPatch.compare(original, mutated) as PatchOperation[];
}

export function encodePatch(ops: PatchOperation[]): string {
  return Buffer.from(JSON.stringify(ops)).toString("base64");
}
