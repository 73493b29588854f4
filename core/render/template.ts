import type { TemplateSyntax } from "../config/types.ts";
import { err, ok, type Result } from "../json.ts";
import { builtinTemplate, compileTemplate, renderErrorMessage, type TemplateFn } from "./compile.ts";
import type { TemplateData } from "./data.ts";
import { compileGoTemplate } from "./go/engine.ts";

/**
 * One template interface over two engines, each faithful to its own language: Handlebars for
 * Outrigger's templates (compile.ts) and Go text/template for Istio's (go/engine.ts). A config may mix
 * them; the injection steps see only this interface. The syntax also decides how the rendered text is
 * read back: Go templates' output the way istiod reads it (YAML 1.1, sigs.k8s.io/yaml).
 */
export interface Template {
  readonly syntax: TemplateSyntax;
  render(data: TemplateData): Result<string>;
}

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
    render(data) {
      try {
        return ok(fn(data));
      } catch (e) {
        return err(`template ${JSON.stringify(name)} failed: ${renderErrorMessage(e)}`);
      }
    },
  };
}
