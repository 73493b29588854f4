import type { Env } from "./config/source.ts";
import { ConfigStore } from "./config/store.ts";
import { log } from "./log.ts";
import { builtinConfigNotice } from "./notice.ts";
import { type App, createApp } from "./router.ts";
import { loadTokens } from "./tokens.ts";

/**
 * The app a cloud handler (or `outrigger serve` without --config) runs: config from the
 * environment or object storage, URL tokens from the environment or a secret store. Called once per
 * instance, at cold start. Tokens that were configured but could not be read lock the webhook
 * (every admission refused, /healthz unavailable) rather than opening it.
 */
export async function appFromEnv(env: Env): Promise<App> {
  const [tokens, source] = await Promise.all([loadTokens(env), ConfigStore.fromEnv(env)]);
  // The built-in config names Istio's test registry and cluster id `Kubernetes`: right for no real
  // cluster, so a deployment that runs on it says so once, at cold start.
  const builtin = source.description === "built-in" ? source.current() : undefined;
  if (builtin)
    log(
      "WARNING",
      builtinConfigNotice(
        builtin,
        "give --config (outrigger serve), or set OUTRIGGER_CONFIG or OUTRIGGER_CONFIG_URL,",
      ),
    );
  if (!tokens.ok) {
    log("ERROR", "URL tokens could not be loaded; refusing every admission", { reason: tokens.error });
    return createApp({ source, tokens: "unavailable" });
  }
  return createApp({ source, tokens: tokens.value });
}
