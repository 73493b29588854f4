import { err, ok, type Result } from "../json.ts";

export const TEMPLATES_ANNOTATION = "inject.istio.io/templates";

/**
 * The templates a pod gets, in order. The pod's `inject.istio.io/templates` replaces the defaults
 * entirely (so `sidecar` is not implied); aliases expand one level; repeats are allowed.
 */
export function selectTemplates(
  annotations: Record<string, string>,
  defaults: readonly string[],
  aliases: Record<string, string[]>,
  available: ReadonlySet<string>,
): Result<string[]> {
  const requested = annotations[TEMPLATES_ANNOTATION];
  const names = requested === undefined ? [...defaults] : requested.split(",").map((n) => n.trim());
  const resolved = names.flatMap((n) => aliases[n] ?? [n]);
  const missing = resolved.find((n) => !available.has(n));
  if (missing !== undefined) {
    return err(
      `requested template ${JSON.stringify(missing)} not found; have ${[...available].sort().join(", ")}`,
    );
  }
  return ok(resolved);
}
