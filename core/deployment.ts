import type { LoadedConfig } from "./config/load.ts";
import type { RevisionLayout } from "./config/revisions.ts";
import type { Engine } from "./engine.ts";
import { err, ok, type Result } from "./json.ts";

/**
 * One served unit, every Istio revision a cluster runs: an Engine per revision, the tags and the
 * default revision. It rides on the Engine the config store already holds (`engine.deployment`), the
 * top-level Engine being the default revision's, so a single-revision config is the same thing with
 * one entry and every caller that knows nothing of revisions keeps working.
 */
export interface Deployment extends RevisionLayout {
  revisions: ReadonlyMap<string, Engine>;
}

/**
 * The other revisions of a loaded config, compiled by `compile` (engine.ts compileEngine) and set on
 * `top`, the engine of the config's own revision. A revision that does not compile fails the whole
 * config, named, as a broken template does.
 */
export function withRevisions(
  top: Engine,
  loaded: LoadedConfig,
  compile: (one: LoadedConfig) => Result<Engine>,
): Result<Engine> {
  const layout = loaded.deployment;
  if (!layout) return ok(top);
  const revisions = new Map<string, Engine>();
  const errors: string[] = [];
  for (const [name, one] of layout.revisions) {
    if (one === loaded) {
      revisions.set(name, top);
      continue;
    }
    const engine = compile({ ...one, deployment: undefined });
    if (engine.ok) revisions.set(name, { ...engine.value, revision: name });
    else errors.push(`revision "${name}": ${engine.error}`);
  }
  if (errors.length > 0) return err(errors.join("\n"));
  top.revision = loaded.revision;
  top.deployment = { default: layout.default, tags: layout.tags, revisions };
  return ok(top);
}

/** What the registrations of a loaded config are rendered from (core/registration/revisions.ts). */
export function layoutOf(loaded: LoadedConfig | Engine): RevisionLayout & { revisions: string[] } {
  const d = loaded.deployment;
  if (!d)
    return { default: loaded.revision ?? "default", tags: {}, revisions: [loaded.revision ?? "default"] };
  return { default: d.default, tags: { ...d.tags }, revisions: [...d.revisions.keys()].sort() };
}

/** The revisions of an engine: its deployment's, or itself alone (a config without revisions). */
export function deploymentOf(engine: Engine): Deployment {
  if (engine.deployment) return engine.deployment;
  const name = engine.revision ?? "default";
  return { default: name, tags: {}, revisions: new Map([[name, engine]]) };
}

/**
 * The engine a request's route names (`/inject/rev/<revision>`), or the default revision's when it
 * names none. Only revisions route: a tag's registration points at its revision's URL, so moving a
 * tag is re-rendering the registration, and a stale one still reaches the revision it was made for.
 */
export function engineForRevision(engine: Engine, revision: string | undefined): Result<Engine> {
  const deployment = deploymentOf(engine);
  if (revision === undefined) return ok(deployment.revisions.get(deployment.default) ?? engine);
  const found = deployment.revisions.get(revision);
  if (found) return ok(found);
  const held = [...deployment.revisions.keys()].sort().join(", ");
  const target = Object.hasOwn(deployment.tags, revision) ? deployment.tags[revision] : undefined;
  if (target !== undefined)
    return err(
      `Outrigger: "${revision}" in the webhook URL is a tag of revision "${target}", not a revision; register the revision's URL (/rev/${target}) with \`outrigger webhook-config --config\``,
    );
  return err(
    `Outrigger: no revision "${revision}" in the config this webhook serves (it holds ${held}); re-render the registration with \`outrigger webhook-config --config\` or add the revision's ConfigMaps`,
  );
}
