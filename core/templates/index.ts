import gateway from "./gateway.hbs";
import grpcAgent from "./grpc-agent.hbs";
import grpcSimple from "./grpc-simple.hbs";
import sidecar from "./sidecar.hbs";

/**
 * The templates every engine has, by the names Istio gives them; a config's own `templates` may add
 * to or replace them. (Istio's `waypoint`, `kube-gateway` and `agentgateway*` are rendered by its
 * gateway controller, not by pod injection, and are not here.)
 */
export const builtinTemplates: Record<string, string> = {
  sidecar,
  gateway,
  "grpc-agent": grpcAgent,
  "grpc-simple": grpcSimple,
};
