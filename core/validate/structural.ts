/**
 * Checks of annotation values Istio does not validate but that become structural fields of the pod:
 * the proxy image (a reference the runtime must be able to pull) and the entries of user volumes and
 * mounts. The API server would refuse a bad one with a 422 naming a field the user never wrote, and
 * a line break would change the YAML the template renders. annotations.ts applies them.
 */
import type { JsonObject } from "../json.ts";

/** unicode.IsControl: C0, DEL and C1. These are what would break out of the YAML a value is spliced into. */
export function hasControl(value: string): boolean {
  for (const ch of value) {
    const c = ch.codePointAt(0) as number;
    if (c < 0x20 || (c >= 0x7f && c < 0xa0)) return true;
  }
  return false;
}

// The image reference grammar of the container runtimes (distribution/reference): an image that
// does not match it can never be pulled.
const PATH_COMPONENT = "[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*";
const DOMAIN_COMPONENT = "(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])";
const HOST = `(?:${DOMAIN_COMPONENT}(?:\\.${DOMAIN_COMPONENT})*|\\[[a-fA-F0-9:]+\\])`;
const IMAGE_NAME = new RegExp(`^(?:${HOST}(?::[0-9]+)?/)?${PATH_COMPONENT}(?:/${PATH_COMPONENT})*$`);
const IMAGE_TAG = /^[\w][\w.-]{0,127}$/;
const IMAGE_DIGEST = /^[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9a-fA-F]{32,}$/;
const MAX_IMAGE_NAME = 255;

export function imageReference(value: string): string | undefined {
  if (hasControl(value)) return "value contains control characters";
  const invalid = "not a valid image reference ([registry/]name[:tag][@digest])";
  if (value.length > 1024) return invalid;
  const at = value.indexOf("@");
  const nameTag = at < 0 ? value : value.slice(0, at);
  if (at >= 0 && !IMAGE_DIGEST.test(value.slice(at + 1))) return invalid;
  // The tag is after the last colon that comes after the last slash (a registry port is before it).
  const colon = nameTag.lastIndexOf(":");
  const hasTag = colon > nameTag.lastIndexOf("/");
  const name = hasTag ? nameTag.slice(0, colon) : nameTag;
  if (hasTag && !IMAGE_TAG.test(nameTag.slice(colon + 1))) return invalid;
  if (name.length > MAX_IMAGE_NAME) return `${invalid}: the name is longer than ${MAX_IMAGE_NAME} characters`;
  return IMAGE_NAME.test(name) ? undefined : invalid;
}

/** The image type becomes a suffix of the proxy image's tag (`1.22.0-distroless`). */
export function imageType(value: string): string | undefined {
  if (hasControl(value)) return "value contains control characters";
  return /^[\w.-]{0,64}$/.test(value) ? undefined : "not a valid image tag suffix (letters, digits, _ . -)";
}

/** A volume source: its fields are the API server's to check, and JSON keeps them from changing the YAML. */
export function volumeSource(_entry: JsonObject): string | undefined {
  return undefined;
}

export function volumeMount(entry: JsonObject): string | undefined {
  const { mountPath, subPath } = entry;
  if (typeof mountPath !== "string" || mountPath === "") return "mountPath is required and must be a string";
  if (hasControl(mountPath)) return "mountPath contains control characters";
  if (mountPath.length > 4096) return "mountPath is longer than 4096 characters";
  if (subPath !== undefined) {
    if (typeof subPath !== "string" || hasControl(subPath))
      return "subPath must be a string without control characters";
    if (subPath.startsWith("/") || subPath.split("/").includes(".."))
      return "subPath must be a relative path without '..'";
  }
  return undefined;
}
