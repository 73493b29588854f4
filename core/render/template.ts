import type { TemplateSyntax } from "../config/types.ts";
import { err, type JsonObject, ok, type Result } from "../json.ts";
import { builtinTemplate, compileTemplate, renderErrorMessage, type TemplateFn } from "./compile.ts";
import type { TemplateData } from "./data.ts";
import { compileGoTemplate } from "./go/engine.ts";
import { withBudget } from "./helpers.ts";

/**
 * One template interface over two engines, each faithful to its own language: Handlebars for
 * Outrigger's templates (compile.ts) and Go text/template for Istio's (go/engine.ts). A config may mix
 * them; the injection steps see only this interface. The syntax also decides how the rendered text is
 * read back: Go templates' output the way istiod reads it (YAML 1.1, sigs.k8s.io/yaml).
 */
export interface Template {
  readonly syntax: TemplateSyntax;
  /** Renders within `limits` (the admission budget when left out); a render over budget is an error. */
  render(data: TemplateData, limits?: RenderLimits): Result<string>;
  /**
   * Why the rendered text, read back, is a value the engine's own injector could not have put into
   * a pod, if it is one: istiod decodes Go templates' output into corev1.Pod (go/decode.ts).
   * Handlebars' output needs no such check: compile.ts writes every value as a typed scalar.
   */
  refuses?(value: JsonObject): string | undefined;
}

/**
 * What one render of one template may cost. The same budget bounds every admission and the check a
 * new config passes before it serves (check.ts), so a config that fits at load fits at admission
 * for pods like the probe pods, and a pod that makes a template exceed it is denied with the reason
 * while the process keeps answering.
 * - maxSteps: Go: every node, command and range iteration; Handlebars: every helper call and block
 *   run. Measured on the release corpora (1.29.6, 1.30.3, 1.31.0-rc.0), Istio's sidecar template
 *   takes at most ~610 Go steps and the built-in Handlebars sidecar ~280 on the probe pods;
 *   1,000,000 is a margin of over 1,000x and stops a runaway loop in a fraction of a second.
 * - maxOutputBytes: Istio's sidecar writes ~6 KB (Handlebars counts ~17 KB, nested block output
 *   being charged once per level); 2 MiB is over 100x that, and far below what would strain a
 *   256 MB function.
 * - maxDepth: nested `template` calls (Go); no Istio template nests more than one level.
 * - maxMillis: wall time, read between Handlebars helper calls (synchronous code cannot be
 *   interrupted); Go templates are bounded in time by maxSteps.
 */
export interface RenderLimits {
  maxSteps: number;
  maxOutputBytes: number;
  maxDepth: number;
  maxMillis: number;
}

export const RENDER_LIMITS: Readonly<RenderLimits> = {
  maxSteps: 1_000_000,
  maxOutputBytes: 2 * 1024 * 1024,
  maxDepth: 100,
  maxMillis: 1_000,
};

export function compile(name: string, text: string, syntax: TemplateSyntax): Result<Template> {
  if (syntax === "go") return compileGoTemplate(name, text);
  const fn = compileTemplate(name, text);
  return fn.ok ? ok(handlebars(name, fn.value)) : fn;
}

/** A built-in template (Handlebars, precompiled at build time). */
export function builtin(name: string): Result<Template> {
  const fn = builtinTemplate(name);
  return fn.ok ? ok(handlebars(name, fn.value)) : fn;
}

function handlebars(name: string, fn: TemplateFn): Template {
  return {
    syntax: "handlebars",
    render(data, limits = RENDER_LIMITS) {
      try {
        const out = withBudget({ ...limits, now: () => performance.now() }, () => fn(data));
        if (out.length > limits.maxOutputBytes) {
          const limit = limits.maxOutputBytes;
          return err(`template ${JSON.stringify(name)} failed: output exceeds the limit of ${limit} bytes`);
        }
        return ok(out);
      } catch (e) {
        return err(`template ${JSON.stringify(name)} failed: ${renderErrorMessage(e)}`);
      }
    },
  };
}
