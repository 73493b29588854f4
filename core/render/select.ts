import { err, ok, type Result } from "../json.ts";

export const TEMPLATES_ANNOTATION = "inject.istio.io/templates";

/**
 * More distinct templates than any pod needs (Istio ships five). Each is rendered and merged in
 * turn on the request's thread, so the list a pod can ask for is capped.
 */
export const MAX_TEMPLATES = 16;

/**
 * The templates a pod gets, in order. The pod's `inject.istio.io/templates` replaces the defaults
 * entirely (so `sidecar` is not implied); aliases expand one level. A repeated name is rendered once,
 * at its first place: Istio renders it again, onto a pod that already has everything it adds, which
 * changes nothing but the time spent (20,000 repeats held the event loop for seconds).
 */
export function selectTemplates(
  annotations: Record<string, string>,
  defaults: readonly string[],
  aliases: Record<string, string[]>,
  available: ReadonlySet<string>,
): Result<string[]> {
  const requested = Object.hasOwn(annotations, TEMPLATES_ANNOTATION)
    ? annotations[TEMPLATES_ANNOTATION]
    : undefined;
  const names = requested === undefined ? [...defaults] : requested.split(",").map((n) => n.trim());
  // Own properties only: `__proto__` or `constructor` must not find Object's members.
  const resolved = [
    ...new Set(names.flatMap((n) => (Object.hasOwn(aliases, n) ? (aliases[n] as string[]) : [n]))),
  ];
  if (resolved.length > MAX_TEMPLATES) {
    return err(`${TEMPLATES_ANNOTATION} names ${resolved.length} templates; at most ${MAX_TEMPLATES}`);
  }
  const missing = resolved.find((n) => !available.has(n));
  if (missing !== undefined) {
    return err(
      `requested template ${JSON.stringify(cut(missing))} not found; have ${[...available].sort().join(", ")}`,
    );
  }
  return ok(resolved);
}

/** A name as it goes into a message: a pod can write anything in the annotation. */
function cut(name: string): string {
  return name.length > 100 ? `${name.slice(0, 100)}...[cut ${name.length - 100} characters]` : name;
}
