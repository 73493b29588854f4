import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { parseAllDocuments, stringify } from "yaml";
import { admit } from "../../core/admission/admit.ts";
import { type Engine, loadEngine } from "../../core/engine.ts";
import { isObject, type Json, type JsonObject, type Result } from "../../core/json.ts";
import { applyResponse, REPO, readShared, reviewFor, sharedPath } from "./fixtures.ts";
import {
  caseAdaptations,
  caseConfig,
  ISTIO,
  type IstioCase,
  istioCases,
  podDocuments,
  podFromWorkload,
} from "./istio-cases.ts";

/**
 * A golden corpus and how its cases are configured: the master corpus through Outrigger's config and
 * built-in templates, or a release's corpus through that release's own ConfigMaps (istio-releases.ts).
 */
export interface Corpus {
  /** `master`, `1.30.3`, ... */
  name: string;
  /** Folder under shared/ holding cases.json, inputs/ and golden/. */
  dir: string;
  cases(): IstioCase[];
  /** The engine the webhook leg runs the case on. */
  engine(c: IstioCase): Result<Engine>;
  /** The `outrigger inject` arguments (after `-f INPUT`) and environment of the CLI leg; files go in `tmp`. */
  cli(c: IstioCase, tmp: string): { args: string[]; env: Record<string, string> };
}

export const MASTER: Corpus = {
  name: "master",
  dir: ISTIO,
  cases: istioCases,
  engine: (c) => loadEngine(JSON.stringify(caseConfig(c))),
  cli(c, tmp) {
    const configPath = join(tmp, `${c.id}.json`);
    writeFileSync(configPath, JSON.stringify(caseConfig(c)));
    return { args: ["--config", configPath], env: {} };
  },
};

function read(corpus: Corpus, file: string): string {
  return readShared(corpus.dir, file);
}

/**
 * Istio parity: every case of the shared golden corpus (shared/fixtures/istio, see its README) run
 * through the legs it names and compared with its golden the way Istio's own test compares it.
 * The webhook leg runs the core directly; the CLI leg runs the built `outrigger inject`.
 */

// ---------------------------------------------------------------------------------------------------
// Normalisation: what Istio's typed re-serialisation makes equal.

const QUANTITY: Record<string, number> = {
  "": 1,
  m: 1e-3,
  k: 1e3,
  M: 1e6,
  G: 1e9,
  T: 1e12,
  P: 1e15,
  E: 1e18,
  Ki: 1024,
  Mi: 1024 ** 2,
  Gi: 1024 ** 3,
  Ti: 1024 ** 4,
  Pi: 1024 ** 5,
  Ei: 1024 ** 6,
};

/** A Kubernetes quantity by value (so `2000m` equals `"2"` and `1024Mi` equals `1Gi`). */
export function quantityValue(q: Json | undefined): Json | undefined {
  if (typeof q === "number") return q;
  const m = /^([+-]?[0-9.]+)(?:([eE][+-]?\d+)|([a-zA-Z]*))$/.exec(String(q ?? ""));
  if (!m) return q;
  if (m[2] !== undefined) return Number(`${m[1]}${m[2]}`);
  const f = QUANTITY[m[3] ?? ""];
  return f === undefined ? q : Math.round(Number(m[1]) * f * 1e9) / 1e9;
}

const QUANTITY_MAPS = new Set(["limits", "requests", "overhead", "hard"]);
// Struct-valued fields the typed object always has: `{}` and absent serialise the same way.
const STRUCT_FIELDS = new Set(["resources", "strategy", "status", "updateStrategy"]);
// Plain (non-pointer) omitempty scalars of the Pod types: their zero value and absence are the same.
const OMITEMPTY_ZERO = new Set([
  "initialDelaySeconds",
  "timeoutSeconds",
  "periodSeconds",
  "successThreshold",
  "failureThreshold",
  "readOnly",
  "stdin",
  "stdinOnce",
  "tty",
  "hostPort",
]);

/**
 * Typed-roundtrip artefacts removed, anywhere in a document: `creationTimestamp: null`, empty struct
 * fields (`resources: {}`, `strategy: {}`, `status: {}`), nulls, empty string values of env vars, and
 * quantities (`limits`, `requests`, `divisor`) replaced by their value.
 */
export function normalizeTyped(v: Json, key = ""): Json | undefined {
  if (v === null) return undefined;
  if (Array.isArray(v)) return v.map((x) => normalizeTyped(x) ?? null);
  if (!isObject(v)) return v;
  const out: JsonObject = {};
  for (const [k, x] of Object.entries(v)) {
    if (x === null) continue;
    if (OMITEMPTY_ZERO.has(k) && (x === 0 || x === false)) continue;
    if (QUANTITY_MAPS.has(k) && isObject(x)) {
      const q: JsonObject = {};
      for (const [r, val] of Object.entries(x)) q[r] = quantityValue(val) ?? null;
      if (Object.keys(q).length > 0) out[k] = q;
      continue;
    }
    if (k === "divisor") {
      out[k] = quantityValue(x) ?? null;
      continue;
    }
    const n = normalizeTyped(x, k);
    if (n === undefined) continue;
    if (STRUCT_FIELDS.has(k) && isObject(n) && Object.keys(n).length === 0) continue;
    if ((k === "labels" || k === "annotations") && isObject(n) && Object.keys(n).length === 0) continue;
    out[k] = n;
  }
  // EnvVar.value is omitempty.
  if (key === "" && typeof out.name === "string" && out.value === "" && "valueFrom" in out === false) {
    delete out.value;
  }
  return out;
}

function podEnvs(pod: JsonObject, field: "containers" | "initContainers"): JsonObject[][] {
  const spec = isObject(pod.spec) ? pod.spec : {};
  const list = Array.isArray(spec[field]) ? (spec[field] as Json[]) : [];
  return list.filter(isObject).map((c) => (Array.isArray(c.env) ? c.env.filter(isObject) : []));
}

/** The webhook-leg normalisation of Istio's normalizeAndCompareDeployments. */
export function normalizeWebhookPod(pod: JsonObject, generated: boolean, dropMetaJson: boolean): JsonObject {
  const p = structuredClone(pod);
  const meta = isObject(p.metadata) ? p.metadata : {};
  if (isObject(meta.annotations)) delete meta.annotations["sidecar.istio.io/status"];
  if (generated) {
    for (const env of podEnvs(p, "containers")) {
      for (const e of env) {
        const from = isObject(e.valueFrom) ? e.valueFrom : undefined;
        if (from && isObject(from.fieldRef)) delete from.fieldRef.apiVersion;
      }
    }
  }
  if (dropMetaJson) {
    const spec = isObject(p.spec) ? p.spec : {};
    for (const c of Array.isArray(spec.containers) ? spec.containers.filter(isObject) : []) {
      if (!Array.isArray(c.env)) continue;
      const at = c.env.findIndex((e) => isObject(e) && e.name === "ISTIO_METAJSON_ANNOTATIONS");
      if (at >= 0) c.env.splice(at, 1);
    }
  }
  return (normalizeTyped(p) ?? {}) as JsonObject;
}

/** ISTIO_METAJSON_* values must be JSON objects of strings (Istio's check on the generated pod). */
function metaJsonProblems(pod: JsonObject): string[] {
  const problems: string[] = [];
  for (const env of podEnvs(pod, "containers")) {
    for (const e of env) {
      if (typeof e.name !== "string" || !e.name.startsWith("ISTIO_METAJSON_")) continue;
      let parsed: unknown;
      try {
        parsed = JSON.parse(String(e.value ?? ""));
      } catch {
        parsed = undefined;
      }
      if (!isObject(parsed) || !Object.values(parsed).every((x) => typeof x === "string"))
        problems.push(`${e.name} is not a JSON object of strings`);
    }
  }
  return problems;
}

// ---------------------------------------------------------------------------------------------------
// A readable diff.

function sortedYaml(v: unknown): string {
  return stringify(v, { sortMapEntries: true, lineWidth: 0, aliasDuplicateObjects: false });
}

/** A unified-style line diff (LCS), with a little context around each change. */
export function lineDiff(expected: string, actual: string, context = 3): string {
  const a = expected.split("\n");
  const b = actual.split("\n");
  const n = a.length;
  const m = b.length;
  const lcs: number[][] = Array.from({ length: n + 1 }, () => new Array<number>(m + 1).fill(0));
  for (let i = n - 1; i >= 0; i--)
    for (let j = m - 1; j >= 0; j--)
      (lcs[i] as number[])[j] =
        a[i] === b[j]
          ? ((lcs[i + 1] as number[])[j + 1] as number) + 1
          : Math.max((lcs[i + 1] as number[])[j] as number, (lcs[i] as number[])[j + 1] as number);
  const ops: { t: " " | "-" | "+"; s: string }[] = [];
  let i = 0;
  let j = 0;
  while (i < n && j < m) {
    if (a[i] === b[j]) {
      ops.push({ t: " ", s: a[i] as string });
      i++;
      j++;
    } else if (((lcs[i + 1] as number[])[j] as number) >= ((lcs[i] as number[])[j + 1] as number)) {
      ops.push({ t: "-", s: a[i++] as string });
    } else ops.push({ t: "+", s: b[j++] as string });
  }
  while (i < n) ops.push({ t: "-", s: a[i++] as string });
  while (j < m) ops.push({ t: "+", s: b[j++] as string });
  const keep = ops.map(() => false);
  ops.forEach((o, k) => {
    if (o.t === " ") return;
    for (let x = Math.max(0, k - context); x <= Math.min(ops.length - 1, k + context); x++) keep[x] = true;
  });
  const lines: string[] = [];
  let skipped = false;
  ops.forEach((o, k) => {
    if (keep[k]) {
      lines.push(`${o.t} ${o.s}`);
      skipped = false;
    } else if (!skipped) {
      lines.push("  ...");
      skipped = true;
    }
  });
  return lines.join("\n");
}

function compareValues(expected: unknown, actual: unknown): string | undefined {
  const e = sortedYaml(expected);
  const a = sortedYaml(actual);
  return e === a ? undefined : lineDiff(e, a);
}

// ---------------------------------------------------------------------------------------------------
// Legs.

export type Outcome = "pass" | "fail" | "n/a";

export interface LegResult {
  outcome: Outcome;
  /** For a failure: why, with a diff (`-` golden, `+` Outrigger). For n/a: why the leg is not run. */
  detail?: string;
  /** CLI leg only: the output is byte-identical to the golden after Istio's own normalisation. */
  exact?: boolean;
}

const engines = new Map<string, { engine?: Engine; error?: string }>();

export function engineFor(c: IstioCase, corpus: Corpus = MASTER): { engine?: Engine; error?: string } {
  const key = `${corpus.name}/${c.id}`;
  const hit = engines.get(key);
  if (hit) return hit;
  const loaded = corpus.engine(c);
  const value = loaded.ok ? { engine: loaded.value } : { error: loaded.error };
  engines.set(key, value);
  return value;
}

/** The webhook leg of one case: every pod-bearing part through admit(), patched, compared. */
export function webhookLeg(c: IstioCase, corpus: Corpus = MASTER): LegResult {
  if (!c.legs.includes("webhook")) return { outcome: "n/a", detail: "case has no webhook leg" };
  const { engine, error } = engineFor(c, corpus);
  if (!engine) return { outcome: "fail", detail: `config does not load: ${error}` };
  const inputs = podDocuments(read(corpus, c.input));
  const goldens = podDocuments(read(corpus, c.golden));
  if (inputs.length !== goldens.length)
    return { outcome: "fail", detail: `input has ${inputs.length} pod parts, golden ${goldens.length}` };
  const failures: string[] = [];
  inputs.forEach((doc, i) => {
    const { pod, namespace } = podFromWorkload(doc);
    const want = podFromWorkload(goldens[i] as JsonObject).pod;
    const result = admit(reviewFor(pod, { namespace }), engine, "/inject");
    if (!result.review.response.allowed) {
      failures.push(`part ${i}: denied: ${result.review.response.status?.message ?? ""}`);
      return;
    }
    let got: JsonObject;
    try {
      got = applyResponse(pod, result.review);
    } catch (e) {
      failures.push(`part ${i}: ${(e as Error).message}`);
      return;
    }
    const problems = metaJsonProblems(got);
    if (problems.length > 0) failures.push(`part ${i}: ${problems.join("; ")}`);
    for (const dropMetaJson of [false, true]) {
      const diff = compareValues(
        normalizeWebhookPod(want, false, dropMetaJson),
        normalizeWebhookPod(got, true, dropMetaJson),
      );
      if (diff) {
        failures.push(`part ${i}${dropMetaJson ? " (idempotency)" : ""}:\n${diff}`);
        break;
      }
    }
  });
  return failures.length === 0 ? { outcome: "pass" } : { outcome: "fail", detail: failures.join("\n") };
}

/**
 * An error case (cli leg only in Istio) through the core as the webhook would see it: every pod part
 * must be denied, with the expected text in the (lower-cased) message. Not counted in the parity
 * figures; it checks that the webhook refuses what kube-inject refuses.
 */
export function webhookDenial(c: IstioCase, corpus: Corpus = MASTER): LegResult {
  const expected = c.settings.expectError;
  if (expected === undefined) return { outcome: "n/a" };
  const { engine, error } = engineFor(c, corpus);
  if (!engine) return { outcome: "fail", detail: `config does not load: ${error}` };
  const problems: string[] = [];
  podDocuments(read(corpus, c.input)).forEach((doc, i) => {
    const { pod, namespace } = podFromWorkload(doc);
    const res = admit(reviewFor(pod, { namespace }), engine, "/inject").review.response;
    const message = res.status?.message ?? "";
    if (res.allowed) problems.push(`part ${i}: allowed`);
    else if (!message.toLowerCase().includes(expected)) problems.push(`part ${i}: denied with "${message}"`);
  });
  return problems.length === 0 ? { outcome: "pass" } : { outcome: "fail", detail: problems.join("; ") };
}

// --- CLI leg -----------------------------------------------------------------------------------------

export const CLI = resolve(REPO, "dist/cli/index.cjs");
let cliHasInject: boolean | undefined;

/** Whether the built CLI has the `inject` verb (the CLI developer's work; absent until it lands). */
export function cliInjectAvailable(): boolean {
  if (cliHasInject !== undefined) return cliHasInject;
  if (!existsSync(CLI)) {
    cliHasInject = false;
    return false;
  }
  const r = spawnSync(process.execPath, [CLI, "help"], { encoding: "utf8", timeout: 20_000 });
  cliHasInject = /^\s*inject\b/m.test(`${r.stdout}${r.stderr}`);
  return cliHasInject;
}

/** Istio's cli-leg text normalisation: the status annotation's version blanked, the texts trimmed. */
export function stripVersion(text: string): string {
  return text.replace(
    /sidecar\.istio\.io\/status: '\{"version":"[0-9a-f]*",/g,
    `sidecar.istio.io/status: '{"version":"",`,
  );
}

function parseDocs(text: string): Json[] {
  return parseAllDocuments(text)
    .map((d) => d.toJS() as Json)
    .filter((d) => d !== null && d !== undefined);
}

function normalizeCliDoc(doc: Json): Json {
  const n = normalizeTyped(doc) ?? null;
  // The status annotation's version field is not part of the comparison.
  const visit = (v: Json): void => {
    if (Array.isArray(v)) v.forEach(visit);
    else if (isObject(v)) {
      for (const [k, x] of Object.entries(v)) {
        if (k === "sidecar.istio.io/status" && typeof x === "string") {
          try {
            const s = JSON.parse(x) as JsonObject;
            delete s.version;
            v[k] = JSON.stringify(s);
          } catch {
            /* compared as is */
          }
        } else visit(x);
      }
    }
  };
  visit(n);
  return n;
}

let tmp: string | undefined;

export function cliLeg(c: IstioCase, corpus: Corpus = MASTER): LegResult {
  if (!c.legs.includes("cli")) return { outcome: "n/a", detail: "case has no cli leg" };
  if (!cliInjectAvailable())
    return { outcome: "fail", detail: "`outrigger inject` is not in the built CLI yet (dist/cli/index.cjs)" };
  tmp ??= mkdtempSync(join(tmpdir(), "outrigger-parity-"));
  const dir = join(tmp, corpus.name, c.id);
  mkdirSync(dir, { recursive: true });
  const { args, env } = corpus.cli(c, dir);
  const r = spawnSync(process.execPath, [CLI, "inject", "-f", sharedPath(corpus.dir, c.input), ...args], {
    encoding: "utf8",
    timeout: 30_000,
    cwd: REPO,
    env: { ...cleanEnv(), ...env },
  });
  const { expectError, expectLog } = c.settings;
  if (expectError !== undefined) {
    if (r.status === 0)
      return { outcome: "fail", detail: `expected an error containing "${expectError}", got exit 0` };
    return r.stderr.toLowerCase().includes(expectError)
      ? { outcome: "pass" }
      : { outcome: "fail", detail: `error does not contain "${expectError}": ${r.stderr.trim()}` };
  }
  if (r.status !== 0) return { outcome: "fail", detail: `exit ${r.status}: ${r.stderr.trim()}` };
  if (expectLog !== undefined && !r.stderr.includes(expectLog))
    return { outcome: "fail", detail: `stderr does not contain "${expectLog}": ${r.stderr.trim()}` };
  const golden = read(corpus, c.golden);
  const exact = stripVersion(r.stdout).trim() === golden.trim();
  let got: Json[];
  try {
    got = parseDocs(r.stdout).map(normalizeCliDoc);
  } catch (e) {
    return { outcome: "fail", detail: `output is not YAML: ${(e as Error).message}` };
  }
  const want = parseDocs(golden).map(normalizeCliDoc);
  const diff = compareValues(want, got);
  return diff ? { outcome: "fail", detail: diff, exact } : { outcome: "pass", exact };
}

export function cleanupCli(): void {
  if (tmp) rmSync(tmp, { recursive: true, force: true });
  tmp = undefined;
}

// ---------------------------------------------------------------------------------------------------

export interface CaseResult {
  id: string;
  group: string;
  adaptations: string[];
  webhook: LegResult;
  cli: LegResult;
}

export function runCase(
  c: IstioCase,
  legs: { cli: boolean } = { cli: true },
  corpus: Corpus = MASTER,
): CaseResult {
  const cli = legs.cli ? cliLeg(c, corpus) : { outcome: "n/a" as const, detail: "not run" };
  return { id: c.id, group: c.group, adaptations: caseAdaptations(c), webhook: webhookLeg(c, corpus), cli };
}

/** The test process's environment without istiod's switches, which a case sets itself. */
function cleanEnv(): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env))
    if (v !== undefined && !["ENABLE_NATIVE_SIDECARS", "PLATFORM", "COMPLIANCE_POLICY"].includes(k))
      out[k] = v;
  return out;
}

export interface Tally {
  cli: [number, number];
  webhook: [number, number];
  exact: [number, number];
}

export function tally(results: CaseResult[]): Tally {
  const t: Tally = { cli: [0, 0], webhook: [0, 0], exact: [0, 0] };
  for (const r of results) {
    if (r.webhook.outcome !== "n/a") {
      t.webhook[1]++;
      if (r.webhook.outcome === "pass") t.webhook[0]++;
    }
    if (r.cli.outcome !== "n/a") {
      t.cli[1]++;
      // Only an output can be byte-identical; error cases have none.
      if (r.cli.exact !== undefined) t.exact[1]++;
      if (r.cli.outcome === "pass") t.cli[0]++;
      if (r.cli.exact) t.exact[0]++;
    }
  }
  return t;
}

export function formatTally(t: Tally): string {
  return `cli ${t.cli[0]}/${t.cli[1]}, webhook ${t.webhook[0]}/${t.webhook[1]}, exact ${t.exact[0]}/${t.exact[1]}`;
}
