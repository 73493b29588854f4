import { createHash } from "node:crypto";
import type { Engine } from "../engine.ts";
import { isObject, type JsonObject } from "../json.ts";
import { TextMemo } from "../memo.ts";
import { encodeJson } from "../patch/patch.ts";

/**
 * The replicas of a workload are the same pod over and over (the API server names a pod after
 * admission), so most admissions repeat one already answered. The answer is a function of the pod as
 * received, the namespace it goes to, the route's proxy envs and the engine (its templates and config
 * are fixed once loaded), so a repeat is answered with the patch it got before: no render, parse,
 * merge, diff or encoding. Only injections are kept (a denial is cheap to reach again, and its message
 * may name the request); each engine has its own bounded memory, gone with the engine.
 *
 * But for one name: the API server's ServiceAccount admission, which runs before webhooks, mounts
 * every pod's token as a volume of its own, `kube-api-access-` and five random characters, so replicas
 * differ in that name. The key and the remembered patch hold a placeholder where the name was, and a
 * replica gets the patch with its own name written back. That a renamed pod gets the renamed answer
 * is checked, not assumed: the first time a pod with another name comes, it is answered afresh and
 * compared; only if the two agree are later renames answered from memory (a template that reads the
 * name other than to copy it makes them disagree, and its pods are then always answered afresh).
 */
export interface Answer {
  /** The base64 JSON Patch; undefined when the injection changed nothing. */
  patch: string | undefined;
  ops: number;
  templates: string[];
}

/** Where a key or a patch held the token volume's name: a raw control character, which JSON text never holds. */
const NAME = "\u0001";
const TOKEN_VOLUME = /^kube-api-access-[a-z0-9]{5}$/;

interface Kept extends Answer {
  /** The patch's JSON with the token volume's name as NAME; undefined for no operations. */
  json: string | undefined;
  /** The token volume's name of the pod the answer was made for ("" for none). */
  name: string;
  /** Whether a pod with another name was found to get this very answer, renamed. */
  renames: "unchecked" | "hold" | "differ";
}

/** One admission's place in the memory: the digest of what the answer is a function of, and the name. */
export interface AnswerKey {
  key: string;
  name: string;
}

const answers = new WeakMap<Engine, TextMemo<Kept>>();

export function answerKey(pod: JsonObject, namespace: string, envs: Record<string, string>): AnswerKey {
  const name = tokenVolumeName(pod);
  const json = JSON.stringify([pod, namespace, envs]);
  const text = name ? json.replaceAll(name, NAME) : json;
  return { key: createHash("sha256").update(text).digest("base64"), name };
}

export function recallAnswer(engine: Engine, at: AnswerKey): Answer | undefined {
  const kept = answers.get(engine)?.recall(at.key);
  if (kept === undefined) return undefined;
  if (kept.name === at.name) return kept;
  if (kept.renames !== "hold") return undefined;
  return {
    ...kept,
    patch: kept.json === undefined ? undefined : encodeJson(kept.json.replaceAll(NAME, at.name)),
  };
}

/** `json` is the patch's JSON text (undefined: no operations), `answer` what was answered with it. */
export function rememberAnswer(
  engine: Engine,
  at: AnswerKey,
  json: string | undefined,
  answer: Answer,
): void {
  let memo = answers.get(engine);
  if (!memo) {
    memo = new TextMemo();
    answers.set(engine, memo);
  }
  const named = json === undefined || !at.name ? json : json.replaceAll(at.name, NAME);
  const kept = memo.recall(at.key);
  if (kept !== undefined && kept.name !== at.name) {
    // A pod with another name, answered afresh: does the remembered answer hold for it, renamed?
    if (kept.renames === "unchecked") kept.renames = kept.json === named ? "hold" : "differ";
    return;
  }
  const chars = (named?.length ?? 0) + (answer.patch?.length ?? 0);
  memo.remember(at.key, { ...answer, json: named, name: at.name, renames: "unchecked" }, chars);
}

/** The name of the pod's one service account token volume, as the API server names it; "" if none. */
function tokenVolumeName(pod: JsonObject): string {
  const spec = isObject(pod.spec) ? pod.spec : {};
  const volumes = Array.isArray(spec.volumes) ? spec.volumes : [];
  const names = volumes.flatMap((v) =>
    isObject(v) && typeof v.name === "string" && TOKEN_VOLUME.test(v.name) ? [v.name] : [],
  );
  return names.length === 1 ? (names[0] as string) : "";
}
