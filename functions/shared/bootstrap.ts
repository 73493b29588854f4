import { prime } from "../../core/admission/prime.ts";
import type { Engine } from "../../core/engine.ts";
import { booleanEnv } from "./config/auth.ts";
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
  primeEngine(source.current(), env);
  return createApp({ source, tokens: tokens.value });
}

/**
 * Unless `OUTRIGGER_PRIME=false`, answers one admission of the instance's own before the first
 * request (core/admission/prime.ts), so that request is not the one every function is compiled on.
 */
export function primeEngine(engine: Engine | undefined, env: Env): void {
  if (!engine) return;
  const wanted = booleanEnv(env, "OUTRIGGER_PRIME", true);
  if (!wanted.ok) log("WARNING", `${wanted.error}; priming as by default`);
  else if (!wanted.value) return;
  const started = performance.now();
  try {
    const injected = prime(engine);
    log("DEBUG", "primed: answered one admission of its own before the first request", {
      injected,
      primeMs: Math.round((performance.now() - started) * 1000) / 1000,
    });
  } catch (e) {
    // admit() answers every input; should a template still throw, the first request says so.
    log("WARNING", "priming failed; the first request answers cold", {
      reason: e instanceof Error ? e.message.slice(0, 200) : "unknown",
    });
  }
}
