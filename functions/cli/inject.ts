import { renameSync, rmSync, writeFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { createTwoFilesPatch } from "diff";
import { kubeYaml } from "../../core/manifest/kube-yaml.ts";
import { type PodStep, type Rewritten, rewriteManifest } from "../../core/manifest/rewrite.ts";
import { manualInjection, uninjection } from "../../core/manifest/steps.ts";
import { engineFromFiles } from "../shared/engine-file.ts";
import { fileProblem, printWarnings, readInput } from "./io.ts";
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
  revision: { type: "string" },
  remote: { type: "string" },
  token: { type: "string" },
  "token-file": { type: "string" },
  "ca-file": { type: "string" },
} as const;

export const inject: Command = {
  summary: "inject sidecars into a manifest's pods (like istioctl kube-inject)",
  help: `Usage: outrigger inject -f FILE|- [-o FILE] [--config FILE] [--values FILE] [--mesh FILE] [--revision REV] [--diff]
       outrigger inject -f FILE|- [-o FILE] --injectConfigFile FILE [--valuesFile FILE] [--meshConfigFile FILE] [--diff]
       outrigger inject -f FILE|- --remote URL [--token-file FILE] [--ca-file FILE] [-o FILE] [--diff]

Injects the pods of a multi-document YAML or JSON manifest: Pod, Deployment, DaemonSet, StatefulSet,
ReplicaSet, ReplicationController, Job, CronJob, DeploymentConfig, and the items of a v1 List.
Documents of other kinds are written back unchanged, byte for byte; workloads are printed as istioctl
prints them, skipped ones too. As with istioctl kube-inject, the policy
and the never/always selectors do not apply (you asked), but hostNetwork pods, the system namespaces
and sidecar.istio.io/inject: "false" are skipped, each with a line on standard error.

Flags:
  -f, --filename FILE      manifest to read, - for standard input (required)
  -o, --output FILE        write the result here instead of standard output (only once all succeeded)
      --config FILE        Outrigger config, or your cluster's Istio ConfigMaps as kubectl prints them
                           (default: the built-in config)
      --injectConfigFile FILE  Istio's injector config, the istio-sidecar-injector ConfigMap's data.config
      --values FILE        Istio values, the ConfigMap's exported data.values, used as given; alias --valuesFile
      --mesh FILE          mesh config, the istio ConfigMap's data.mesh; alias --meshConfigFile
      --revision REV       with ConfigMaps of several revisions, the revision (or tag) to inject with
      --remote URL         ask a deployed Outrigger (its /inject URL) instead of injecting locally
      --token-file FILE    the URL token of that deployment (sent as /inject/t/TOKEN/...), read from
                           FILE; or set OUTRIGGER_TOKEN; --token TOKEN also works but shows in ps
      --ca-file FILE       PEM CA bundle that signed the deployment's certificate (a private CA)
      --diff               print a unified diff of each changed document instead of the result;
                           exit 0 when nothing changes, 1 when something does, 2 on errors (as diff)

Examples:
  outrigger inject -f deployment.yaml
  kubectl -n istio-system get configmap istio-sidecar-injector -o=jsonpath='{.data.values}' > values.json
  kubectl -n istio-system get configmap istio -o=jsonpath='{.data.mesh}' > mesh.yaml
  kubectl -n istio-system get configmap istio-sidecar-injector -o=jsonpath='{.data.config}' > inject-config.yaml
  outrigger inject -f app.yaml --injectConfigFile inject-config.yaml --valuesFile values.json --meshConfigFile mesh.yaml
  kubectl -n istio-system get configmap istio-sidecar-injector istio -o yaml > istio.yaml
  outrigger inject -f app.yaml --config istio.yaml
  OUTRIGGER_TOKEN=... outrigger inject -f app.yaml --remote https://webhook.example.com/inject --diff

${EXIT_CODES}
`,
  async run(args, out) {
    const { values: v } = parseArgs({ args, options: INJECT_FLAGS, strict: true });
    const local = [
      v.config,
      v.injectConfigFile,
      v.values,
      v.valuesFile,
      v.mesh,
      v.meshConfigFile,
      v.revision,
    ];
    if (v.remote !== undefined && local.some((f) => f !== undefined))
      throw new UsageError(
        "--remote injects with the deployment's config; drop --config, --values and --mesh",
      );
    for (const flag of ["token", "token-file", "ca-file"] as const)
      if (v[flag] !== undefined && v.remote === undefined)
        throw new UsageError(`--${flag} goes with --remote`);
    if (v.token !== undefined && v["token-file"] !== undefined)
      throw new UsageError("--token and --token-file: give one");
    let step: PodStep;
    if (v.remote !== undefined) {
      const remote = remoteInjection(v.remote, {
        token: remoteToken(v.token, v["token-file"]),
        ca: v["ca-file"] === undefined ? undefined : readNamed(v["ca-file"], "--ca-file"),
      });
      if (!remote.ok) throw new UsageError(remote.error);
      step = remote.value;
    } else {
      const engine = engineFromFiles(
        {
          config: v.config,
          injectConfig: v.injectConfigFile,
          values: v.values ?? v.valuesFile,
          mesh: v.mesh ?? v.meshConfigFile,
          revision: v.revision,
        },
        process.env,
      );
      if (!engine.ok) throw new InputError(engine.error);
      printWarnings("inject", engine.value.warnings);
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
      --diff               print a unified diff of each changed document instead of the result;
                           exit 0 when nothing changes, 1 when something does, 2 on errors (as diff)

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

/**
 * The token for --remote: --token, else --token-file, else $OUTRIGGER_TOKEN. The file and the
 * environment keep it out of `ps`; a file's trailing newline is not part of it.
 */
function remoteToken(flag: string | undefined, file: string | undefined): string | undefined {
  if (flag !== undefined) return flag;
  if (file !== undefined) return readNamed(file, "--token-file").replace(/\r?\n$/, "");
  const env = process.env.OUTRIGGER_TOKEN;
  return env === undefined || env === "" ? undefined : env;
}

function readNamed(path: string, flag: string): string {
  try {
    return readInput(path);
  } catch (e) {
    throw new InputError(`${flag}: ${(e as Error).message}`);
  }
}

async function rewriteFile(
  v: FileFlags,
  step: PodStep,
  verb: string,
  out: (s: string) => void,
): Promise<number> {
  if (!v.filename) throw new UsageError("-f FILE is required (-f - reads standard input)");
  if (!v.diff) {
    const result = await rewritten(v.filename, step, verb);
    write(v.output, manifestText(result), out);
    return 0;
  }
  // --diff answers as diff and kubectl diff do: 0 no differences, 1 differences, 2 trouble.
  try {
    const result = await rewritten(v.filename, step, verb);
    const text = diffText(result, sourceName(v.filename));
    write(v.output, text, out);
    return text === "" ? 0 : 1;
  } catch (e) {
    if (e instanceof InputError) throw new InputError(e.message, 2);
    throw e;
  }
}

const sourceName = (file: string) => (file === "-" ? "standard input" : file);

async function rewritten(file: string, step: PodStep, verb: string): Promise<Rewritten> {
  // istioctl prints every workload it decodes, skipped or not; uninjection leaves pods it skips as written.
  const unchanged = verb === "injection" ? "istioctl" : "as-written";
  const result = await rewriteManifest(readInput(file), step, verb, unchanged);
  if (!result.ok) throw new InputError(`${sourceName(file)}: ${result.error}`);
  for (const line of result.value.skipped) process.stderr.write(`${line}\n`);
  return result.value;
}

function write(output: string | undefined, text: string, out: (s: string) => void): void {
  if (output === undefined) out(text);
  else writeAtomically(output, text);
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
      `cannot write ${path}: ${fileProblem((e as NodeJS.ErrnoException).code, (e as Error).message)}`,
    );
  }
}
