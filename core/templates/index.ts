import gateway from "./gateway.hbs";
import grpcAgent from "./grpc-agent.hbs";
import grpcSimple from "./grpc-simple.hbs";
import sidecar from "./sidecar.hbs";

/**
 * The templates every engine has, by the names Istio gives them; a config's own `templates` may add
 * to or replace them. (Istio's `waypoint`, `kube-gateway` and `agentgateway*` are rendered by its
 * gateway controller, not by pod injection, and are not here.) Each is the file `<name>.hbs`, and
 * importing it registers its precompiled form under that name (render/precompiled.ts): engines run
 * that form.
 */
export const BUILTIN_TEMPLATE_NAMES = ["sidecar", "gateway", "grpc-agent", "grpc-simple"] as const;

/**
 * Their text, by name, for tests and tools. Nothing an engine runs reads it, so the bundles leave the
 * text out.
 */
export const builtinTemplates: Record<string, string> = {
  sidecar,
  gateway,
  "grpc-agent": grpcAgent,
  "grpc-simple": grpcSimple,
} satisfies Record<(typeof BUILTIN_TEMPLATE_NAMES)[number], string>;
