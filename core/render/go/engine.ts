import { err, ok, type Result } from "../../json.ts";
import type { TemplateData } from "../data.ts";
import { checkContained, riskyPodStrings } from "../structure.ts";
import { RENDER_LIMITS, type Template } from "../template.ts";
import { argInt, argString } from "./args.ts";
import { goTemplateData } from "./data.ts";
import { podDecodeError } from "./decode.ts";
import { istioFuncs } from "./istio-funcs.ts";
import { sprigFuncs } from "./sprig/index.ts";
import { executeGoTemplate, type GoTemplate, parseGoTemplate } from "./template.ts";
import { GoError, type GoFunc, type GoValue } from "./values.ts";

/**
 * Istio's templates on the Go engine: parsed as istiod parses them (each config entry on its own,
 * named `inject`, with Sprig's function map and Istio's on top, so Istio's `indent`, `contains`,
 * `env` and `omit` win), and executed against istiod's typed SidecarTemplateData.
 */

let funcs: Map<string, GoFunc> | undefined;
function injectionFuncs(): Map<string, GoFunc> {
  if (!funcs) {
    funcs = new Map([...sprigFuncs(), ...istioFuncs()]);
    for (const name of ["indent", "nindent"]) {
      const fn = funcs.get(name);
      if (fn) funcs.set(name, sizeGuarded(name, fn));
    }
  }
  return funcs;
}

/**
 * `indent N s` pads every line of s with N spaces: a count from the template (or the pod) can ask for
 * gigabytes before the executor's output limit sees a byte, so the size is checked before the call.
 * Arguments the function itself would refuse are left to it, for Go's own message.
 */
function sizeGuarded(name: string, fn: GoFunc): GoFunc {
  return (...args) => {
    const [spaces, source] = args;
    let n: number;
    let text: string;
    try {
      n = Math.abs(argInt(spaces, name));
      text = argString(source, name);
    } catch {
      return fn(...args);
    }
    let lines = 1;
    for (let i = text.indexOf("\n"); i >= 0; i = text.indexOf("\n", i + 1)) lines += 1;
    const bytes = text.length + n * lines;
    if (bytes > RENDER_LIMITS.maxOutputBytes)
      throw new GoError(
        `${name} ${n} would produce ${bytes} bytes, above the output limit of ${RENDER_LIMITS.maxOutputBytes}`,
      );
    return fn(...args);
  };
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
    // Go's execution counts steps, output and depth itself; its time is bounded by the steps.
    render(data, limits = RENDER_LIMITS) {
      const { root, risky } = prepared(data);
      const out = executeGoTemplate(tree, root, limits);
      if (!out.ok) return err(`template "${name}": ${out.error}`);
      const contained = checkContained(name, out.value, risky);
      return contained.ok ? out : contained;
    },
    refuses(value) {
      const error = podDecodeError(value);
      return error === undefined ? undefined : `template "${name}": unmarshal patched pod: ${error}`;
    },
  });
}
