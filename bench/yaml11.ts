// Micro benchmark of core/document/yaml11.ts (not part of `npm run bench`): parse time of rendered
// sidecar text by the fast path, the general path, and the `yaml` package as core/document/yaml.ts
// uses it. Run: npx esbuild bench/yaml11.ts --bundle --platform=node --outfile=/tmp/yaml11.cjs && node /tmp/yaml11.cjs [file.yaml...]
import { readFileSync } from "node:fs";
import { parse } from "yaml";
import { parseYaml11, parseYaml11Fast, parseYaml11General } from "../core/document/yaml11.ts";

/** A sidecar-shaped text when no file is given: the parts a rendered sidecar template has. */
function sample(): string {
  const env = Array.from({ length: 20 }, (_, i) => `    - name: ENV_${i}\n      value: "value-${i}"\n`).join(
    "",
  );
  const ref =
    "    - name: POD_NAME\n      valueFrom:\n        fieldRef:\n          fieldPath: metadata.name\n";
  return [
    'metadata:\n  labels:\n    security.istio.io/tlsMode: "istio"\n  annotations: {\n',
    '    sidecar.istio.io/status: \'{"initContainers":["istio-init"]}\',\n\n    prometheus.io/port: "15020",\n  }\n',
    'spec:\n  initContainers:\n  - name: istio-init\n    image: "proxyv2:latest"\n    args:\n    - istio-iptables\n',
    '    - "-p"\n    - "15001"\n    resources: {"limits":{"cpu":"2000m","memory":"1024Mi"}}\n',
    "  containers:\n  - name: istio-proxy\n    ports:\n    - containerPort: 15090\n      protocol: TCP\n    env:\n",
    env,
    ref.repeat(6),
    '    - name: ISTIO_META_POD_PORTS\n      value: |-\n        [\n            {"containerPort":80}\n        ]\n',
    "    readinessProbe:\n      httpGet:\n        path: /healthz/ready\n        port: 15021\n      periodSeconds: 15\n",
    "  volumes:\n  - name: workload-socket\n  - emptyDir:\n    name: istio-envoy\n",
  ].join("");
}

function median(run: () => void, n: number): number {
  try {
    run();
  } catch {
    return Number.NaN; // the yaml package's parse refuses several documents
  }
  for (let i = 0; i < 200; i++) run();
  const t = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const t0 = process.hrtime.bigint();
    run();
    t[i] = Number(process.hrtime.bigint() - t0) / 1e6;
  }
  t.sort();
  return t[Math.floor(n / 2)] ?? 0;
}

const files = process.argv.slice(2);
const texts = files.length > 0 ? files.map((f) => [f, readFileSync(f, "utf8")]) : [["sample", sample()]];
console.log("| text | bytes | yaml package (ms) | parseYaml11 (ms) | fast path (ms) | general path (ms) |");
console.log("|---|---|---|---|---|---|");
for (const [name, text] of texts as [string, string][]) {
  const fastOk = parseYaml11Fast(text) !== undefined;
  const row = [
    median(() => parse(text), 2000),
    median(() => parseYaml11(text), 2000),
    fastOk ? median(() => parseYaml11Fast(text), 2000) : Number.NaN,
    median(() => parseYaml11General(text), 2000),
  ];
  console.log(`| ${name} | ${text.length} | ${row.map((x) => x.toFixed(3)).join(" | ")} |`);
}
