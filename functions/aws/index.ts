import { appFromEnv } from "../shared/bootstrap.ts";
import { fdSink } from "../shared/fd-sink.ts";
import { configureLogs } from "../shared/log.ts";
import { type LambdaEvent, type LambdaResult, toResult, toWebRequest } from "./event.ts";

/**
 * The Lambda handler, for API Gateway REST (payload 1.0), HTTP API (2.0) and function URLs. Async,
 * as Node 24 runtimes require (callback handlers are gone there).
 */
configureLogs({ format: "aws", sink: fdSink(1) });

// Started during the init phase, which Lambda runs before the first event (and, with provisioned
// concurrency, ahead of any traffic). The config load and priming are microtasks and timers only
// for an inline or built-in config, so they finish before the runtime client takes the first event.
const app = appFromEnv(process.env);

export async function handler(event: LambdaEvent): Promise<LambdaResult> {
  return toResult(await (await app).handle(toWebRequest(event)));
}
