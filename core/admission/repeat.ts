import { createHash } from "node:crypto";
import type { Engine } from "../engine.ts";
import type { JsonObject } from "../json.ts";
import { TextMemo } from "../memo.ts";

/**
 * The replicas of a workload are the same pod over and over (the API server names a pod after
 * admission), so most admissions repeat one already answered. The answer is a function of the pod as
 * received, the namespace it goes to, the route's proxy envs and the engine (its templates and config
 * are fixed once loaded), so a repeat is answered with the patch it got before: no render, parse,
 * merge, diff or encoding. Only injections are kept (a denial is cheap to reach again, and its message
 * may name the request); each engine has its own bounded memory, gone with the engine.
 */
export interface Answer {
  /** The base64 JSON Patch; undefined when the injection changed nothing. */
  patch: string | undefined;
  ops: number;
  templates: string[];
}

const answers = new WeakMap<Engine, TextMemo<Answer>>();

/** What identifies one admission's answer, as a digest: the pod's JSON is the bulk of it. */
export function answerKey(pod: JsonObject, namespace: string, envs: Record<string, string>): string {
  return createHash("sha256")
    .update(JSON.stringify([pod, namespace, envs]))
    .digest("base64");
}

export function recallAnswer(engine: Engine, key: string): Answer | undefined {
  return answers.get(engine)?.recall(key);
}

export function rememberAnswer(engine: Engine, key: string, answer: Answer): void {
  let memo = answers.get(engine);
  if (!memo) {
    memo = new TextMemo();
    answers.set(engine, memo);
  }
  memo.remember(key, answer, answer.patch?.length ?? 0);
}
