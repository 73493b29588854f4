import type { Config } from "../config/types.ts";
import type { Result } from "../json.ts";
import { buildTemplateData } from "./data.ts";
import { probePods } from "./probe-pods.ts";
import { renderTemplate } from "./render.ts";
import { RENDER_LIMITS, type RenderLimits, type Template } from "./template.ts";

/**
 * The render check a config passes before it may serve: every template rendered against each probe
 * pod (probe-pods.ts) within the admission budget, its text read back as a mapping (a partial Pod),
 * exactly as an admission would. A template that compiles but fails here (`{{#each}}` without an
 * argument, an `indent` of a billion spaces, a list or a scalar where a mapping belongs, a loop that
 * runs past the budget) would otherwise be accepted and then deny every pod, or stall every
 * admission; refusing it at load keeps the last good config serving instead.
 *
 * The messages name the template, the probe pod and what failed; they may quote the template (Go's
 * errors show the action that failed), so they go to logs and the CLI, not to /healthz.
 */
const CHECK_FAILED = "fails the render check";

/** Whether a config error came from the render check (for a reason that names no template text). */
export function isRenderCheckFailure(error: string): boolean {
  return error.includes(`: ${CHECK_FAILED} on the `);
}

export function checkTemplates(
  config: Config,
  templates: ReadonlyMap<string, Template>,
  limits: RenderLimits = RENDER_LIMITS,
): Map<string, string> {
  const failed = new Map<string, string>();
  for (const probe of probePods()) {
    // The data comes from the config (mesh defaults, values) and the pod; when it cannot be built
    // for a probe pod, that is the config's own error, reported at admission by the same code.
    const data = buildTemplateData({ pod: probe.pod, config, pathEnvs: {} });
    if (!data.ok) continue;
    for (const [name, template] of templates) {
      if (failed.has(name)) continue;
      const bounded: Template = {
        syntax: template.syntax,
        render: (d) => template.render(d, limits),
        refuses: (value) => template.refuses?.(value),
      };
      const rendered: Result<unknown> = renderTemplate(name, bounded, data.value);
      if (!rendered.ok)
        failed.set(
          name,
          `templates.${name}: ${CHECK_FAILED} on the ${probe.name} probe pod: ${rendered.error}`,
        );
    }
  }
  return failed;
}
