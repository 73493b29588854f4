import { err, ok, type Result } from "../../json.ts";
import type { TemplateData } from "../data.ts";
import { checkContained, riskyPodStrings } from "../structure.ts";
import type { Template } from "../template.ts";
import { goTemplateData } from "./data.ts";
import { istioFuncs } from "./istio-funcs.ts";
import { sprigFuncs } from "./sprig/index.ts";
import { executeGoTemplate, type GoTemplate, parseGoTemplate } from "./template.ts";
import type { GoFunc, GoValue } from "./values.ts";

/**
 * Istio's templates on the Go engine: parsed as istiod parses them (each config entry on its own,
 * named `inject`, with Sprig's function map and Istio's on top, so Istio's `indent`, `contains`,
 * `env` and `omit` win), and executed against istiod's typed SidecarTemplateData.
 */

let funcs: Map<string, GoFunc> | undefined;
function injectionFuncs(): Map<string, GoFunc> {
  if (!funcs) funcs = new Map([...sprigFuncs(), ...istioFuncs()]);
  return funcs;
}

/** istiod names every parsed template `inject`, so Go's messages say `template: inject:LINE: ...`. */
const GO_NAME = "inject";

/** Go data per TemplateData: every template of one pod renders from the same data object. */
const converted = new WeakMap<TemplateData, { root: GoValue; risky: string[] }>();

function prepared(data: TemplateData): { root: GoValue; risky: string[] } {
  let hit = converted.get(data);
  if (hit === undefined) {
    hit = { root: goTemplateData(data), risky: riskyPodStrings(data) };
    converted.set(data, hit);
  }
  return hit;
}

export function compileGoTemplate(name: string, text: string): Result<Template> {
  const parsed = parseGoTemplate(GO_NAME, text, injectionFuncs());
  if (!parsed.ok) return err(`template "${name}": ${parsed.error}`);
  const tree: GoTemplate = parsed.value;
  return ok({
    syntax: "go",
    render(data) {
      const { root, risky } = prepared(data);
      const out = executeGoTemplate(tree, root);
      if (!out.ok) return err(`template "${name}": ${out.error}`);
      const contained = checkContained(name, out.value, risky);
      return contained.ok ? out : contained;
    },
  });
}
