import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseAllDocuments } from "yaml";
import type { JsonObject } from "../../core/json.ts";
import { kubeYaml } from "../../core/manifest/kube-yaml.ts";
import { runCli, startServer } from "../helpers/cli.ts";
import { REPO } from "../helpers/fixtures.ts";
import { withoutNotice } from "./notice.ts";

const EXAMPLE = resolve(REPO, "examples/manual-injection");
const dir = mkdtempSync(join(tmpdir(), "outrigger-inject-"));
const file = (name: string, text: string) => {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
};

const docs = (text: string) =>
  parseAllDocuments(text)
    .map((d) => d.toJS() as JsonObject)
    .filter((d) => d !== null);

/** The pod spec of a workload document, wherever its kind keeps it. */
function podSpec(doc: JsonObject): JsonObject {
  const spec = doc.spec as JsonObject;
  if (doc.kind === "Pod") return spec;
  if (doc.kind === "CronJob")
    return (((spec.jobTemplate as JsonObject).spec as JsonObject).template as JsonObject).spec as JsonObject;
  return (spec.template as JsonObject).spec as JsonObject;
}

const containerNames = (doc: JsonObject) =>
  ["containers", "initContainers"].flatMap((f) =>
    ((podSpec(doc)[f] as JsonObject[] | undefined) ?? []).map((c) => c.name as string),
  );

const deployment = (
  name: string,
  extra: { ns?: string; annotations?: object; labels?: object; hostNetwork?: boolean } = {},
) => `apiVersion: apps/v1
kind: Deployment
metadata:
  name: ${name}
${extra.ns ? `  namespace: ${extra.ns}\n` : ""}spec:
  selector:
    matchLabels:
      app: ${name}
  template:
    metadata:
      labels: ${JSON.stringify({ app: name, ...extra.labels })}
      annotations: ${JSON.stringify(extra.annotations ?? {})}
    spec:
${extra.hostNetwork ? "      hostNetwork: true\n" : ""}      containers:
        - name: app
          image: example/app:1
`;

const SEED_ARGS = [
  "inject",
  "-f",
  join(EXAMPLE, "example.yaml"),
  "--values",
  join(EXAMPLE, "values.json"),
  "--mesh",
  join(EXAMPLE, "mesh.yaml"),
];

describe("outrigger inject: the seed's walkthrough", () => {
  it("injects the example Deployment with the values and mesh exported from a cluster", () => {
    const r = runCli(SEED_ARGS);
    expect(r.stderr).toBe("");
    expect(r.status).toBe(0);
    const [service, dep] = docs(r.stdout) as [JsonObject, JsonObject];
    expect(service.kind).toBe("Service");
    expect(dep.kind).toBe("Deployment");
    const spec = podSpec(dep);
    const proxy = (spec.containers as JsonObject[]).find((c) => c.name === "istio-proxy") as JsonObject;
    // From values.json: hub and tag; from mesh.yaml: holdApplicationUntilProxyStarts puts the proxy first.
    expect(proxy.image).toBe("docker.io/istio/proxyv2:1.28.0");
    expect((spec.containers as JsonObject[])[0]?.name).toBe("istio-proxy");
    expect((spec.initContainers as JsonObject[]).map((c) => c.name)).toEqual(["istio-init"]);
    const env = Object.fromEntries(((proxy.env as JsonObject[]) ?? []).map((e) => [e.name, e.value]));
    expect(env.ISTIO_META_DNS_CAPTURE).toBe("true");
    expect(env.ISTIO_META_CLUSTER_ID).toBe("prod-eu");
    expect(env.ISTIO_META_OWNER).toBe("kubernetes://apis/apps/v1/namespaces/shop/deployments/example");
  });

  it("takes istioctl's flag names as written in the seed, to the same result", () => {
    const ours = runCli(SEED_ARGS);
    const out = join(dir, "example-injected.yaml");
    const istioctl = runCli([
      "inject",
      "--filename",
      join(EXAMPLE, "example.yaml"),
      "--valuesFile",
      join(EXAMPLE, "values.json"),
      "--meshConfigFile",
      join(EXAMPLE, "mesh.yaml"),
      "--output",
      out,
    ]);
    expect(istioctl.status).toBe(0);
    expect(istioctl.stdout).toBe("");
    expect(readFileSync(out, "utf8")).toBe(ours.stdout);
  });

  it("gives other documents back byte for byte, comments and key order included", () => {
    const service = `# the front door\nkind: Service   # kind first, on purpose\napiVersion: v1\nmetadata: {name: web}\nspec:\n  ports: [{port: 80}]\n`;
    const r = runCli(["inject", "-f", file("mixed.yaml", `${service}---\n${deployment("web")}`)]);
    expect(r.status).toBe(0);
    expect(r.stdout.startsWith(`${service}---\n`)).toBe(true);
  });
});

describe("outrigger inject: kinds", () => {
  const kinds = `apiVersion: v1
kind: Pod
metadata: {name: p}
spec: {containers: [{name: app, image: a}]}
---
${deployment("d")}---
apiVersion: apps/v1
kind: DaemonSet
metadata: {name: ds}
spec: {selector: {matchLabels: {a: b}}, template: {metadata: {labels: {a: b}}, spec: {containers: [{name: app, image: a}]}}}
---
apiVersion: apps/v1
kind: StatefulSet
metadata: {name: ss}
spec: {serviceName: ss, selector: {matchLabels: {a: b}}, template: {metadata: {labels: {a: b}}, spec: {containers: [{name: app, image: a}]}}}
---
apiVersion: apps/v1
kind: ReplicaSet
metadata: {name: rs}
spec: {selector: {matchLabels: {a: b}}, template: {metadata: {labels: {a: b}}, spec: {containers: [{name: app, image: a}]}}}
---
apiVersion: v1
kind: ReplicationController
metadata: {name: rc}
spec: {template: {metadata: {labels: {a: b}}, spec: {containers: [{name: app, image: a}]}}}
---
apiVersion: batch/v1
kind: Job
metadata: {name: j}
spec: {template: {spec: {restartPolicy: Never, containers: [{name: app, image: a}]}}}
---
apiVersion: batch/v1
kind: CronJob
metadata: {name: cj}
spec: {schedule: "* * * * *", jobTemplate: {spec: {template: {spec: {restartPolicy: Never, containers: [{name: app, image: a}]}}}}}
---
apiVersion: apps.openshift.io/v1
kind: DeploymentConfig
metadata: {name: dc}
spec: {template: {metadata: {labels: {a: b}}, spec: {containers: [{name: app, image: a}]}}}
---
apiVersion: v1
kind: List
items:
- apiVersion: v1
  kind: List
  items:
  - {apiVersion: v1, kind: Pod, metadata: {name: nested}, spec: {containers: [{name: app, image: a}]}}
  - {apiVersion: v1, kind: ConfigMap, metadata: {name: cm}, data: {a: b}}
`;

  it("injects every pod-bearing kind, and List items recursively", () => {
    const r = runCli(["inject", "-f", file("kinds.yaml", kinds)]);
    expect(withoutNotice(r.stderr)).toBe("");
    expect(r.status).toBe(0);
    const out = docs(r.stdout);
    expect(out.map((d) => d.kind)).toEqual([
      "Pod",
      "Deployment",
      "DaemonSet",
      "StatefulSet",
      "ReplicaSet",
      "ReplicationController",
      "Job",
      "CronJob",
      "DeploymentConfig",
      "List",
    ]);
    for (const doc of out.slice(0, -1))
      expect(containerNames(doc), String(doc.kind)).toContain("istio-proxy");
    const inner = ((out.at(-1) as JsonObject).items as JsonObject[])[0] as JsonObject;
    const [pod, configMap] = inner.items as JsonObject[];
    expect(containerNames(pod as JsonObject)).toContain("istio-proxy");
    expect(configMap).toEqual({
      apiVersion: "v1",
      kind: "ConfigMap",
      metadata: { name: "cm" },
      data: { a: "b" },
    });
  });

  it("names each workload as its controller does (owner and workload name)", () => {
    const r = runCli(["inject", "-f", file("kinds2.yaml", kinds)]);
    const owners = docs(r.stdout)
      .slice(0, -1)
      .map((doc) => {
        const proxy = ["containers", "initContainers"]
          .flatMap((f) => (podSpec(doc)[f] as JsonObject[] | undefined) ?? [])
          .find((c) => c.name === "istio-proxy") as JsonObject;
        return (proxy.env as JsonObject[]).find((e) => e.name === "ISTIO_META_OWNER")?.value;
      });
    expect(owners).toEqual([
      "kubernetes://apis/v1/namespaces/default/pods/p",
      "kubernetes://apis/apps/v1/namespaces/default/deployments/d",
      "kubernetes://apis/apps/v1/namespaces/default/daemonsets/ds",
      "kubernetes://apis/apps/v1/namespaces/default/statefulsets/ss",
      "kubernetes://apis/apps/v1/namespaces/default/replicasets/rs",
      "kubernetes://apis/v1/namespaces/default/replicationcontrollers/rc",
      "kubernetes://apis/batch/v1/namespaces/default/jobs/j",
      "kubernetes://apis/batch/v1/namespaces/default/cronjobs/cj",
      "kubernetes://apis/apps.openshift.io/v1/namespaces/default/deploymentconfigs/dc",
    ]);
  });

  it("does not leave the controller's simulation (generateName, ownerReferences, namespace) in the output", () => {
    const r = runCli(["inject", "-f", file("sim.yaml", deployment("sim"))]);
    const [dep] = docs(r.stdout) as [JsonObject];
    const meta = (dep.spec as JsonObject).template as JsonObject;
    expect(Object.keys(meta.metadata as JsonObject).sort()).toEqual(["annotations", "labels"]);
  });

  it("reads a JSON manifest", () => {
    const json = JSON.stringify(docs(deployment("json"))[0]);
    const r = runCli(["inject", "-f", "-"], json);
    expect(r.status).toBe(0);
    expect(containerNames(docs(r.stdout)[0] as JsonObject)).toContain("istio-proxy");
  });
});

describe("outrigger inject: the manual decision", () => {
  it("skips hostNetwork, the system namespaces and inject=false, one line each on stderr", () => {
    const input = [
      deployment("host", { ns: "shop", hostNetwork: true }),
      deployment("sys", { ns: "kube-system" }),
      deployment("off", { ns: "shop", annotations: { "sidecar.istio.io/inject": "false" } }),
      deployment("on", { ns: "shop" }),
    ].join("---\n");
    const r = runCli(["inject", "-f", file("skips.yaml", input)]);
    expect(r.status).toBe(0);
    expect(withoutNotice(r.stderr).trim().split("\n")).toEqual([
      'Skipping injection because Deployment "shop/host" has host networking enabled',
      'Skipping injection because Deployment "kube-system/sys" is in a system namespace, where sidecars are never injected',
      'Skipping injection because Deployment "shop/off" has sidecar injection disabled',
    ]);
    const out = docs(r.stdout);
    expect(out.map(containerNames)).toEqual([
      ["app"],
      ["app"],
      ["app"],
      expect.arrayContaining(["app", "istio-proxy"]),
    ]);
    // A skipped workload is printed as istioctl prints it: decoded into its type and encoded again.
    const host = deployment("host", { ns: "shop", hostNetwork: true });
    const printed = r.stdout.split("---\n")[0] as string;
    expect(printed).toBe(kubeYaml(docs(host)[0] as JsonObject));
    expect(printed).not.toBe(host);
    expect(printed).toMatch(/^ {2}strategy: \{\}$/m);
    expect(printed).toMatch(/^ {8}resources: \{\}$/m);
    expect(printed).toMatch(/^status: \{\}$/m);
    expect(printed).toMatch(/^ {6}hostNetwork: true$/m);
  });

  it("prints a skipped List in the typed form too, other kinds inside it sorted as istioctl does", () => {
    const list = `kind: List\napiVersion: v1\nitems:\n- {kind: Service, apiVersion: v1, metadata: {name: s}}\n- ${JSON.stringify(docs(deployment("h", { hostNetwork: true }))[0])}\n`;
    const r = runCli(["inject", "-f", file("list.yaml", list)]);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toBe(`${kubeYaml(docs(list)[0] as JsonObject)}---\n`);
    expect(r.stdout).toMatch(/^- apiVersion: v1\n {2}kind: Service$/m);
  });

  it("leaves documents skipped by uninject as written: there is no istioctl printing to match", () => {
    const host = deployment("host", { ns: "shop", hostNetwork: true });
    const r = runCli(["uninject", "-f", file("un.yaml", host)]);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toBe(`${host}---\n`);
  });

  it("ignores the policy and the selectors, as istioctl kube-inject does", () => {
    const config = file(
      "disabled.yaml",
      "policy: disabled\nneverInjectSelector:\n  - matchLabels: {app: never}\n",
    );
    const r = runCli(["inject", "-f", file("never.yaml", deployment("never")), "--config", config]);
    expect(r.status).toBe(0);
    expect(containerNames(docs(r.stdout)[0] as JsonObject)).toContain("istio-proxy");
  });
});

describe("outrigger inject: output", () => {
  it("--diff prints a unified diff of the changed documents only", () => {
    const service = "apiVersion: v1\nkind: Service\nmetadata: {name: s}\n";
    const r = runCli(["inject", "-f", file("diff.yaml", `${service}---\n${deployment("web")}`), "--diff"]);
    // As diff and kubectl diff: 1 when there are differences.
    expect(r.status).toBe(1);
    expect(r.stdout).toMatch(/^Index: .*document 2\n={10,}\n--- .*document 2\n\+\+\+ .*document 2\n@@ /);
    expect(r.stdout).not.toContain("document 1");
    expect(r.stdout).toContain("+        name: istio-proxy\n");
    // The untouched parts of the Deployment are context, not changes.
    expect(r.stdout).toContain("\n   strategy: {}\n   template:\n");
  });

  it("-o leaves an existing file alone when the input is bad", () => {
    const out = file("keep.yaml", "precious\n");
    const r = runCli([
      "inject",
      "-f",
      file("bad.yaml", `${deployment("ok")}---\nkind: [unclosed\n`),
      "-o",
      out,
    ]);
    expect(r.status).toBe(1);
    expect(readFileSync(out, "utf8")).toBe("precious\n");
  });
});

describe("outrigger inject: bad input", () => {
  it("malformed YAML: exit 1 naming the file and the document", () => {
    const first = deployment("ok");
    const path = file("malformed.yaml", `${first}---\nmetadata:\n  name: [oops\n`);
    const r = runCli(["inject", "-f", path]);
    expect(r.status).toBe(1);
    expect(r.stdout).toBe("");
    // The error's own line (the unclosed `[`), counted in the file, not the document's first line.
    const line = first.split("\n").length + 2;
    expect(r.stderr).toMatch(`outrigger inject: ${path}: document 2 (line ${line}): not valid YAML or JSON:`);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });

  it("a document with no kind: exit 1 naming the document and the field", () => {
    const r = runCli(["inject", "-f", "-"], "apiVersion: v1\nmetadata: {name: x}\n");
    expect(r.status).toBe(1);
    expect(withoutNotice(r.stderr)).toBe(
      "outrigger inject: standard input: document 1 (line 1): kind: missing; every Kubernetes object names its kind\n",
    );
  });

  it("a workload without its pod template: exit 1 naming workload and field", () => {
    const r = runCli(
      ["inject", "-f", "-"],
      "apiVersion: v1\nkind: ReplicationController\nmetadata: {name: rc, namespace: x}\nspec: {}\n",
    );
    expect(r.status).toBe(1);
    expect(r.stderr).toContain(
      'document 1 (line 1): ReplicationController "x/rc": spec.template is required',
    );
  });

  it("an annotation Istio refuses: exit 1 with Istio's message", () => {
    const input = deployment("bad", {
      annotations: { "traffic.sidecar.istio.io/includeInboundPorts": "nope" },
    });
    const r = runCli(["inject", "-f", "-"], input);
    expect(r.status).toBe(1);
    expect(r.stderr.toLowerCase()).toContain("includeinboundports");
  });

  it("an empty file: nothing to inject, exit 0 and nothing written", () => {
    const r = runCli(["inject", "-f", file("empty.yaml", "")]);
    expect(r.status).toBe(0);
    expect(r.stdout).toBe("");
  });

  it("a missing file or bad config: exit 1 with one line", () => {
    const missing = runCli(["inject", "-f", join(dir, "nope.yaml")]);
    expect(missing.status).toBe(1);
    expect(withoutNotice(missing.stderr)).toBe(
      `outrigger inject: cannot read ${join(dir, "nope.yaml")}: no such file or directory\n`,
    );
    const bad = runCli([
      "inject",
      "-f",
      file("ok.yaml", deployment("ok")),
      "--values",
      file("v.json", "[1]"),
    ]);
    expect(bad.status).toBe(1);
    expect(bad.stderr).toContain("v.json: the values must be a mapping");
  });

  it("usage errors exit 2", () => {
    expect(runCli(["inject"]).status).toBe(2);
    expect(runCli(["inject", "-f", "x", "--bogus"]).status).toBe(2);
    expect(runCli(["inject", "-f", "x", "--remote", "https://h/inject", "--config", "c"]).status).toBe(2);
    expect(runCli(["inject", "-f", "x", "--token", "t"]).status).toBe(2);
  });

  it("streams a 5,000-document file", () => {
    const parts: string[] = [];
    for (let i = 0; i < 5000; i++) {
      parts.push(
        i % 10 === 0
          ? deployment(`app-${i}`)
          : `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cm-${i}\ndata:\n  n: "${i}"\n`,
      );
    }
    const r = runCli(["inject", "-f", file("big.yaml", parts.join("---\n"))], undefined, 120_000);
    expect(r.status).toBe(0);
    const out = r.stdout.split(/^---$/m);
    expect(out.length).toBe(5001);
    expect((r.stdout.match(/name: istio-proxy\n/g) ?? []).length).toBe(500);
  });
});

describe("outrigger inject --remote", () => {
  let server: Awaited<ReturnType<typeof startServer>>;
  beforeAll(async () => {
    server = await startServer([], { OUTRIGGER_TOKENS: "s3cret-token" });
  });
  afterAll(async () => {
    await server?.stop();
  });

  it("gets the deployed webhook's answer, which is what local injection gives for the same config", () => {
    const input = file("remote.yaml", deployment("remote", { ns: "shop" }));
    const remote = runCli([
      "inject",
      "-f",
      input,
      "--remote",
      `${server.url}/inject`,
      "--token",
      "s3cret-token",
    ]);
    expect(remote.stderr).toBe("");
    expect(remote.status).toBe(0);
    const local = runCli(["inject", "-f", input]);
    expect(docs(remote.stdout)).toEqual(docs(local.stdout));
  });

  it("a wrong token: exit 1, and the token is not printed", () => {
    const r = runCli([
      "inject",
      "-f",
      file("r2.yaml", deployment("r2")),
      "--remote",
      `${server.url}/inject`,
      "--token",
      "wrong-token",
    ]);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain("answered HTTP 404 (wrong URL or token?)");
    expect(r.stderr).not.toContain("wrong-token");
  });

  it("the webhook's own decision applies: a pod its policy skips is left alone", () => {
    const input = deployment("r3", { labels: { "sidecar.istio.io/inject": "false" } });
    const r = runCli(
      ["inject", "-f", "-", "--remote", `${server.url}/inject`, "--token", "s3cret-token"],
      input,
    );
    expect(r.status).toBe(0);
    expect(r.stdout).toBe(`${kubeYaml(docs(input)[0] as JsonObject)}---\n`);
    expect(r.stderr).toContain('Skipping injection because Deployment "/r3" was not injected by the webhook');
  });
});

describe("outrigger uninject", () => {
  const app = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  namespace: shop
spec:
  selector:
    matchLabels: {app: web}
  template:
    metadata:
      labels: {app: web}
      annotations: {team: blue}
    spec:
      containers:
        - name: web
          image: nginx
          ports: [{name: http, containerPort: 8080}]
          readinessProbe: {httpGet: {path: /ready, port: http}}
`;

  it("inject | uninject gives the manifest back (in istioctl's printed form)", () => {
    const injected = runCli(["inject", "-f", "-"], app);
    expect(injected.stdout).toContain("/app-health/web/readyz");
    const back = runCli(["uninject", "-f", "-"], injected.stdout);
    expect(back.stderr).toBe("");
    expect(back.status).toBe(0);
    const original = docs(app)[0] as JsonObject;
    const spec = original.spec as JsonObject;
    const template = spec.template as JsonObject;
    const containers = (template.spec as JsonObject).containers as JsonObject[];
    // What the typed round trip adds, and nothing else.
    const expected = {
      ...original,
      spec: {
        ...spec,
        strategy: {},
        template: { ...template, spec: { containers: [{ ...containers[0], resources: {} }] } },
      },
      status: {},
    };
    expect(docs(back.stdout)).toEqual([expected]);
  });

  it("leaves pods that were never injected as they are, saying so on stderr", () => {
    const r = runCli(["uninject", "-f", "-"], app);
    expect(r.status).toBe(0);
    expect(r.stdout).toBe(`${app}---\n`);
    expect(r.stderr).toBe('Skipping uninjection because Deployment "shop/web" has no injected sidecar\n');
  });

  it("--diff shows what uninjection takes out", () => {
    const injected = runCli(["inject", "-f", "-"], app).stdout;
    const r = runCli(["uninject", "-f", file("injected.yaml", injected), "--diff"]);
    expect(r.status).toBe(1);
    expect(r.stdout).toContain("-        name: istio-proxy\n");
    expect(r.stdout).not.toContain("+        name: istio-proxy");
  });

  it("a status annotation it cannot read: exit 1 naming it, nothing written", () => {
    const broken = deployment("broken", { annotations: { "sidecar.istio.io/status": "{not json" } });
    const r = runCli(["uninject", "-f", "-"], broken);
    expect(r.status).toBe(1);
    expect(r.stdout).toBe("");
    expect(r.stderr).toContain('Deployment "/broken"');
    expect(r.stderr).toContain("sidecar.istio.io/status");
  });
});

describe("every verb", () => {
  it("--version prints the package version", () => {
    const pkg = JSON.parse(readFileSync(resolve(REPO, "package.json"), "utf8")) as { version: string };
    const r = runCli(["--version"]);
    expect(r.status).toBe(0);
    expect(r.stdout).toBe(`outrigger ${pkg.version}\n`);
  });

  for (const verb of ["inject", "uninject", "check", "webhook-config", "review", "serve"]) {
    it(`${verb} --help shows its flags and examples, exit 0`, () => {
      const r = runCli([verb, "--help"]);
      expect(r.status).toBe(0);
      expect(r.stdout).toMatch(new RegExp(`^Usage: outrigger ${verb} `));
      expect(r.stdout).toContain("Examples:");
    });
  }

  it("an unknown verb exits 2 with one line pointing at the overview", () => {
    const r = runCli(["frobnicate"]);
    expect(r.status).toBe(2);
    expect(r.stderr).toBe('outrigger: unknown command "frobnicate"; see outrigger --help\n');
  });
});
