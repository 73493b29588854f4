import { createHash } from "node:crypto";
import { type Engine, loadEngine } from "../../../core/engine.ts";
import type { Result } from "../../../core/json.ts";
import { isRenderCheckFailure } from "../../../core/render/check.ts";
import { log } from "../log.ts";
import { type Deps, type Env, nonEmpty } from "./auth.ts";
import { type ConfigSource, type Fetched, sourceFromEnv, type Validator } from "./source.ts";

/**
 * The config an instance serves: loaded once at cold start, revalidated at most every TTL with a
 * conditional request, and never replaced by a document that does not validate. Requests wait for
 * a revalidation only as long as their budget allows; a slower one finishes in the background.
 *
 * Every event is one log line with `configSource`, `configVersion` and, for failures, `reason`.
 * The document itself is never logged, and /healthz (public, no token) only gets a generic reason.
 */

export type FailureMode = "deny" | "allow";
/**
 * `refused`: why the source's newest document is not the one served (a generic reason, the
 * document's digest and no text of it: the details are in the logs).
 */
export type Health = { ok: true; version: string; refused?: string } | { ok: false; reason: string };

export const DEFAULT_TTL_SECONDS = 60;
/** With nothing to serve, a failed load is retried this often at most (or every TTL, if shorter). */
export const RETRY_WITHOUT_CONFIG_MS = 5_000;
/** One load attempt, all requests included. Lambda's init phase is capped at 10 s. */
export const DEFAULT_LOAD_TIMEOUT_MS = 5_000;

export interface StoreOptions {
  ttlMs: number;
  failureMode: FailureMode;
  now: () => number;
  loadTimeoutMs: number;
  /** istiod's switches from the environment (ENABLE_NATIVE_SIDECARS, PLATFORM, COMPLIANCE_POLICY). */
  env?: Env;
}

export interface StoreDeps extends Deps {
  loadTimeoutMs?: number;
}

/** Health reasons are shown to anyone who can reach /healthz; details go to the logs only. */
const REASON = {
  env: "no valid config: the config source is misconfigured (see the logs)",
  pending: "no valid config yet: the first load has not finished",
  source: "no valid config: the config source could not be read (see the logs)",
  refused: "no valid config: the config was refused by validation (see the logs)",
} as const;

export class ConfigStore {
  readonly failureMode: FailureMode;
  readonly description: string;
  private readonly source: ConfigSource | undefined;
  private readonly options: StoreOptions;
  private engine: Engine | undefined;
  private textHash: string | undefined;
  private validator: Validator | undefined;
  private lastAttempt: number | undefined;
  private inflight: Promise<void> | undefined;
  private reason: string;
  /** Why the newest document was refused while an older one serves; cleared when the source serves a good one. */
  private refused: string | undefined;

  /** The store the environment describes, with its first load done (or failed). */
  static async fromEnv(env: Env, deps: StoreDeps = {}): Promise<ConfigStore> {
    const store = new ConfigStore(sourceFromEnv(env, deps), optionsFromEnv(env, deps));
    await store.init();
    return store;
  }

  constructor(source: Result<ConfigSource>, options: StoreOptions) {
    this.options = options;
    this.failureMode = options.failureMode;
    if (source.ok) {
      this.source = source.value;
      this.description = source.value.description;
      this.reason = REASON.pending;
    } else {
      this.description = "OUTRIGGER_CONFIG_URL";
      this.reason = REASON.env;
      log("ERROR", "config source misconfigured", { configSource: this.description, reason: source.error });
    }
  }

  /** The cold-start load, bounded by the load timeout. */
  async init(): Promise<void> {
    if (!this.source) return;
    log("INFO", "config source", {
      configSource: this.description,
      ttlSeconds: this.source.static ? undefined : this.options.ttlMs / 1000,
      failureMode: this.failureMode,
    });
    await this.revalidate();
  }

  current(): Engine | undefined {
    return this.engine;
  }

  health(): Health {
    if (!this.engine) return { ok: false, reason: this.reason };
    return this.refused === undefined
      ? { ok: true, version: this.engine.version }
      : { ok: true, version: this.engine.version, refused: this.refused };
  }

  /**
   * Revalidates if the TTL has passed, and returns once that is done or `budgetMs` has passed,
   * whichever is first. It never rejects. Concurrent callers share one revalidation.
   */
  async refresh(budgetMs: number): Promise<void> {
    if (!this.due()) return this.inflight ? waitAtMost(this.inflight, budgetMs) : undefined;
    return waitAtMost(this.revalidate(), budgetMs);
  }

  private due(): boolean {
    if (!this.source || this.inflight) return false;
    if (this.lastAttempt === undefined) return true;
    if (this.source.static) return false;
    const interval = this.engine ? this.options.ttlMs : Math.min(this.options.ttlMs, RETRY_WITHOUT_CONFIG_MS);
    return this.options.now() - this.lastAttempt >= interval;
  }

  private revalidate(): Promise<void> {
    if (this.inflight) return this.inflight;
    const source = this.source;
    if (!source) return Promise.resolve();
    this.lastAttempt = this.options.now();
    const run = async () => {
      let fetched: Fetched;
      try {
        fetched = await source.load(this.validator, AbortSignal.timeout(this.options.loadTimeoutMs));
      } catch {
        // Sources return errors as values; this is a bug guard, and the thrown message is not trusted to be safe.
        fetched = { kind: "error", reason: `${source.description}: unexpected failure` };
      }
      this.apply(fetched);
    };
    const inflight = run().finally(() => {
      this.inflight = undefined;
    });
    this.inflight = inflight;
    return inflight;
  }

  private apply(fetched: Fetched): void {
    const fields = { configSource: this.description, configVersion: this.engine?.version };
    if (fetched.kind === "error") {
      if (!this.engine) this.reason = REASON.source;
      log(
        this.engine ? "WARNING" : "ERROR",
        this.engine
          ? "config source error; serving the last good config"
          : "config source error; no config to serve",
        {
          ...fields,
          reason: fetched.reason,
        },
      );
      return;
    }
    if (fetched.kind === "unchanged") {
      log("DEBUG", "config unchanged", fields);
      return;
    }
    const hash = createHash("sha256").update(fetched.text).digest("hex");
    if (this.engine && hash === this.textHash) {
      this.validator = fetched.validator;
      this.refused = undefined;
      log("DEBUG", "config unchanged", fields);
      return;
    }
    const loaded = loadEngine(fetched.text, {
      env: this.options.env ?? {},
      partial: this.engine === undefined,
    });
    // A refused document's validator is kept too, so it is refused once, not downloaded again every TTL.
    this.validator = fetched.validator;
    if (!loaded.ok) {
      if (!this.engine) this.reason = REASON.refused;
      else this.refused = refusedReason(hash, loaded.error);
      log(
        "ERROR",
        this.engine ? "config refused; serving the last good config" : "config refused; no config to serve",
        {
          ...fields,
          reason: loaded.error,
        },
      );
      return;
    }
    const previous = this.engine?.version;
    this.engine = loaded.value;
    this.textHash = hash;
    this.refused = undefined;
    log("INFO", "config loaded", {
      configSource: this.description,
      configVersion: loaded.value.version,
      ...(previous ? { previousVersion: previous } : {}),
      ...(loaded.value.warnings.length > 0 ? { warnings: loaded.value.warnings } : {}),
    });
  }
}

/** The public reason a document was refused: its kind and digest, never its text (templates may hold secrets). */
function refusedReason(hash: string, error: string): string {
  const kind = isRenderCheckFailure(error)
    ? "a template failed the render check on the probe pods (it errs, renders no mapping, or exceeds the render budget)"
    : "it did not validate";
  return `config sha256:${hash.slice(0, 12)} refused: ${kind}; serving the last good config (see the logs)`;
}

/** TTL, failure mode and clock from the environment; a bad value is logged and the default used. */
export function optionsFromEnv(env: Env, deps: StoreDeps = {}): StoreOptions {
  return {
    ttlMs: ttlFromEnv(env) * 1000,
    failureMode: failureModeFromEnv(env),
    now: deps.now ?? Date.now,
    loadTimeoutMs: deps.loadTimeoutMs ?? DEFAULT_LOAD_TIMEOUT_MS,
    env,
  };
}

function ttlFromEnv(env: Env): number {
  const raw = nonEmpty(env, "OUTRIGGER_CONFIG_TTL");
  if (raw === undefined) return DEFAULT_TTL_SECONDS;
  const n = Number(raw);
  if (/^\d+(\.\d+)?$/.test(raw) && Number.isFinite(n)) return n;
  log("ERROR", "invalid OUTRIGGER_CONFIG_TTL; using the default", {
    reason: `must be a number of seconds (0 or more), e.g. ${DEFAULT_TTL_SECONDS}`,
    ttlSeconds: DEFAULT_TTL_SECONDS,
  });
  return DEFAULT_TTL_SECONDS;
}

function failureModeFromEnv(env: Env): FailureMode {
  const raw = nonEmpty(env, "OUTRIGGER_FAILURE_MODE")?.toLowerCase();
  if (raw === undefined || raw === "deny") return "deny";
  if (raw === "allow") return "allow";
  log("ERROR", "invalid OUTRIGGER_FAILURE_MODE; using deny", {
    reason: "must be deny or allow",
    failureMode: "deny",
  });
  return "deny";
}

/** Resolves when `p` settles or after `ms`, whichever is first; never rejects, leaves no timer behind. */
async function waitAtMost(p: Promise<void>, ms: number): Promise<void> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<void>((resolve) => {
    timer = setTimeout(resolve, Math.max(0, ms));
  });
  try {
    await Promise.race([p.catch(() => {}), timeout]);
  } finally {
    clearTimeout(timer);
  }
}
