import { renameSync, rmSync, writeFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { createTwoFilesPatch } from "diff";
import { kubeYaml } from "../../core/manifest/kube-yaml.ts";
import { type PodStep, type Rewritten, rewriteManifest } from "../../core/manifest/rewrite.ts";
import { manualInjection, uninjection } from "../../core/manifest/steps.ts";
import { engineFromFiles } from "../shared/engine-file.ts";
import { readInput } from "./io.ts";
import { remoteInjection } from "./remote.ts";
import { type Command, EXIT_CODES, InputError, UsageError } from "./usage.ts";

/** Flags both verbs read, with istioctl kube-inject's names as aliases so its commands work as written. */
const FILE_FLAGS = {
  filename: { type: "string", short: "f" },
  output: { type: "string", short: "o" },
  diff: { type: "boolean" },
} as const;

const INJECT_FLAGS = {
  ...FILE_FLAGS,
  config: { type: "string" },
  injectConfigFile: { type: "string" },
  values: { type: "string" },
  valuesFile: { type: "string" },
  mesh: { type: "string" },
  meshConfigFile: { type: "string" },
  remote: { type: "string" },
  token: { type: "string" },
} as const;

export const inject: Command = {
  summary: "inject sidecars into a manifest's pods (like istioctl kube-inject)",
  help: `Usage: outrigger inject -f FILE|- [-o FILE] [--config FILE] [--values FILE] [--mesh FILE] [--diff]
       outrigger inject -f FILE|- --remote URL [--token TOKEN] [-o FILE] [--diff]

Injects the pods of a multi-document YAML or JSON manifest: Pod, Deployment, DaemonSet, StatefulSet,
ReplicaSet, ReplicationController, Job, CronJob, DeploymentConfig, and the items of a v1 List.
Other documents are written back unchanged, byte for byte. As with istioctl kube-inject, the policy
and the never/always selectors do not apply (you asked), but hostNetwork pods, the system namespaces
and sidecar.istio.io/inject: "false" are skipped, each with a line on standard error.

Flags:
  -f, --filename FILE      manifest to read, - for standard input (required)
  -o, --output FILE        write the result here instead of standard output (only once all succeeded)
      --config FILE        Outrigger config (default: the built-in config); alias --injectConfigFile
      --values FILE        Istio values, e.g. the ConfigMap's exported data.values; alias --valuesFile
      --mesh FILE          mesh config, e.g. the istio ConfigMap's data.mesh; alias --meshConfigFile
      --remote URL         ask a deployed Outrigger (its /inject URL) instead of injecting locally
      --token TOKEN        the URL token of that deployment (sent as /inject/t/TOKEN/...)
      --diff               print a unified diff of each changed document instead of the result

Examples:
  outrigger inject -f deployment.yaml
  kubectl -n istio-system get configmap istio-sidecar-injector -o=jsonpath='{.data.values}' > values.json
  kubectl -n istio-system get configmap istio -o=jsonpath='{.data.mesh}' > mesh.yaml
  outrigger inject -f deployment.yaml --values values.json --mesh mesh.yaml -o injected.yaml
  istioctl-style: outrigger inject --filename app.yaml --valuesFile values.json --meshConfigFile mesh.yaml
  outrigger inject -f app.yaml --remote https://webhook.example.com/inject --token "$TOKEN" --diff

${EXIT_CODES}
`,
  async run(args, out) {
    const { values: v } = parseArgs({ args, options: INJECT_FLAGS, strict: true });
    const local = [v.config, v.injectConfigFile, v.values, v.valuesFile, v.mesh, v.meshConfigFile];
    if (v.remote !== undefined && local.some((f) => f !== undefined))
      throw new UsageError(
        "--remote injects with the deployment's config; drop --config, --values and --mesh",
      );
    if (v.token !== undefined && v.remote === undefined) throw new UsageError("--token goes with --remote");
    let step: PodStep;
    if (v.remote !== undefined) {
      const remote = remoteInjection(v.remote, v.token);
      if (!remote.ok) throw new UsageError(remote.error);
      step = remote.value;
    } else {
      const engine = engineFromFiles({
        config: v.config ?? v.injectConfigFile,
        values: v.values ?? v.valuesFile,
        mesh: v.mesh ?? v.meshConfigFile,
      });
      if (!engine.ok) throw new InputError(engine.error);
      step = manualInjection(engine.value);
    }
    return rewriteFile(v, step, "injection", out);
  },
};

export const uninject: Command = {
  summary: "remove injected sidecars from a manifest's pods, giving back the original",
  help: `Usage: outrigger uninject -f FILE|- [-o FILE] [--diff]

Removes exactly what the sidecar.istio.io/status annotation says was injected (containers, init
containers, volumes, image pull secrets, and the annotations, labels and probe rewrites of the
injection), from every pod of the manifest, so \`outrigger inject\` followed by \`outrigger uninject\`
gives the manifest back. Pods without the annotation are left as they are.

Flags:
  -f, --filename FILE      manifest to read, - for standard input (required)
  -o, --output FILE        write the result here instead of standard output
      --diff               print a unified diff of each changed document instead of the result

Examples:
  outrigger uninject -f injected.yaml -o original.yaml
  kubectl get deployment web -o yaml | outrigger uninject -f - --diff

${EXIT_CODES}
`,
  run(args, out) {
    const { values: v } = parseArgs({ args, options: FILE_FLAGS, strict: true });
    return rewriteFile(v, uninjection, "uninjection", out);
  },
};

interface FileFlags {
  filename?: string;
  output?: string;
  diff?: boolean;
}

async function rewriteFile(
  v: FileFlags,
  step: PodStep,
  verb: string,
  out: (s: string) => void,
): Promise<number> {
  if (!v.filename) throw new UsageError("-f FILE is required (-f - reads standard input)");
  const source = v.filename === "-" ? "standard input" : v.filename;
  const result = await rewriteManifest(readInput(v.filename), step, verb);
  if (!result.ok) throw new InputError(`${source}: ${result.error}`);
  for (const line of result.value.skipped) process.stderr.write(`${line}\n`);
  const text = v.diff ? diffText(result.value, source) : manifestText(result.value);
  if (v.output === undefined) out(text);
  else writeAtomically(v.output, text);
  return 0;
}

/** Every document followed by `---`, as istioctl writes its output. */
function manifestText(r: Rewritten): string {
  return r.documents.map((d) => `${d.after.endsWith("\n") ? d.after : `${d.after}\n`}---\n`).join("");
}

function diffText(r: Rewritten, source: string): string {
  return r.documents
    .filter((d) => d.changed)
    .map((d) => {
      const name = `${source} document ${d.index}`;
      // Both sides in the output's layout, so the diff shows the change and not the reformatting.
      const before = d.original ? kubeYaml(d.original) : d.before;
      return createTwoFilesPatch(name, name, withNewline(before), withNewline(d.after), "", "", {
        context: 3,
      });
    })
    .join("");
}

function withNewline(s: string): string {
  return s.endsWith("\n") ? s : `${s}\n`;
}

/** The output file appears whole or not at all: a failure never leaves a half-written manifest. */
function writeAtomically(path: string, text: string): void {
  const tmp = `${path}.outrigger-${process.pid}.tmp`;
  try {
    writeFileSync(tmp, text);
    renameSync(tmp, path);
  } catch (e) {
    rmSync(tmp, { force: true });
    throw new InputError(
      `cannot write ${path}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`,
    );
  }
}
