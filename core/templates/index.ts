import sidecar from "./sidecar.hbs";

/** The templates every engine has; a config's own `templates` may add to or replace them. */
export const builtinTemplates: Record<string, string> = {
  sidecar,
};
