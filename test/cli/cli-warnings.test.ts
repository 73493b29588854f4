import { spawnSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parse } from "yaml";
import { unknownMeshFields } from "../../core/config/mesh-fields.ts";
import { builtCli, runCli, startServer } from "../helpers/cli.ts";
import { REPO, sharedPath } from "../helpers/fixtures.ts";
import { selfSignedCert } from "../helpers/tls.ts";

/** Issue 14, items 4, 10, 11 and 12: what the CLI says about a config and a server that need a word. */

const dir = mkdtempSync(join(tmpdir(), "outrigger-cli-warnings-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const file = (name: string, text: string) => {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
};
const APP = resolve(REPO, "examples/quick-start/app.yaml");
const warnings = (stderr: string) => stderr.split("\n").filter((l) => l.includes(": warning: "));

describe("unknown fields of a mesh config are named (as istiod drops them without a word)", () => {
  it("walks MeshConfig and the messages in it, by proto JSON name, with the path to each", () => {
    expect(
      unknownMeshFields({
        defaultConfig: { proxyMetadta: {}, proxyMetadata: { ANY_KEY: "x" }, tracing: { zipkn: {} } },
        extensionProviders: [{ name: "a", envoyOtelAls: { service: "s", bogus: 1 } }],
        trustDomain: "cluster.local",
        enablePrometheusMerge: true,
        outboundTrafficPolicy: { mode: "REGISTRY_ONLY" },
        trustDomainAliases: null,
      }),
    ).toEqual([
      "defaultConfig.proxyMetadta: unknown field (did you mean proxyMetadata?)",
      "defaultConfig.tracing.zipkn: unknown field (did you mean zipkin?)",
      "extensionProviders[0].envoyOtelAls.bogus: unknown field",
    ]);
  });

  it("knows the proto's own snake_case names, which jsonpb reads too, and leaves wrappers and maps alone", () => {
    expect(
      unknownMeshFields({
        default_config: { proxy_metadata: { a_b: "c" }, hold_application_until_proxy_starts: true },
        enable_auto_mtls: false,
      }),
    ).toEqual([]);
  });

  it("finds nothing to say about the mesh config of any release Istio ships", () => {
    const roots = [sharedPath("fixtures/istio"), sharedPath("fixtures/istio-releases")];
    const meshes = [
      join(roots[0] as string, "base-mesh.effective.yaml"),
      ...readdirSync(roots[1] as string)
        .filter((r) => /^\d+\.\d+/.test(r))
        .map((r) => join(roots[1] as string, r, "base-mesh.effective.yaml")),
    ];
    expect(meshes.length).toBeGreaterThan(1);
    for (const path of meshes) expect(unknownMeshFields(parse(readFileSync(path, "utf8"))), path).toEqual([]);
  });

  const mesh = "defaultConfig:\n  proxyMetadta: {A: b}\n  discoveryAddress: istiod:15012\ntrustDomian: x\n";

  it("--mesh FILE: one line each on stderr, naming the file, and the injection still runs", () => {
    const path = file("mesh.yaml", mesh);
    const r = runCli(["inject", "-f", APP, "--mesh", path]);
    expect(r.status, r.stderr).toBe(0);
    expect(warnings(r.stderr)).toEqual([
      `outrigger inject: warning: ${path}: defaultConfig.proxyMetadta: unknown field (did you mean proxyMetadata?)`,
      `outrigger inject: warning: ${path}: trustDomian: unknown field (did you mean trustDomain?)`,
    ]);
    expect(r.stdout).toContain("istio-proxy");
  });

  it("the istio ConfigMap's data.mesh, and the config's meshConfig, are checked the same way", () => {
    const configMaps = readFileSync(
      sharedPath("fixtures/istio-releases/1.30.3/configmaps/istio-sidecar-injector.yaml"),
      "utf8",
    );
    const meshMap = `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: istio}\ndata:\n  mesh: ${JSON.stringify(mesh)}\n`;
    const both = file("maps.yaml", `${configMaps}\n---\n${meshMap}`);
    const fromMaps = runCli(["inject", "-f", APP, "--config", both]);
    expect(fromMaps.status, fromMaps.stderr).toBe(0);
    expect(warnings(fromMaps.stderr)).toContain(
      "outrigger inject: warning: ConfigMap istio data.mesh: defaultConfig.proxyMetadta: unknown field (did you mean proxyMetadata?)",
    );
    const own = file("own.yaml", `meshConfig:\n  defaultConfig:\n    proxyMetadta: {}\n`);
    const fromOwn = runCli(["check", "-f", APP, "--config", own]);
    expect(fromOwn.status, fromOwn.stderr).toBe(0);
    expect(warnings(fromOwn.stderr)).toEqual([
      "outrigger check: warning: meshConfig.defaultConfig.proxyMetadta: unknown field (did you mean proxyMetadata?)",
    ]);
  });
});

describe("the built-in config, used without a config given, says so once", () => {
  it("names the test image and the cluster id, and points at 'Use your cluster's Istio'", () => {
    for (const verb of ["inject", "check"]) {
      const r = runCli([verb, "-f", APP]);
      expect(r.status, r.stderr).toBe(0);
      const said = warnings(r.stderr);
      expect(said, verb).toHaveLength(1);
      expect(said[0]).toContain("registry.istio.io/testing/proxyv2:latest");
      expect(said[0]).toContain("cluster id Kubernetes");
      expect(said[0]).toContain(`"Use your cluster's Istio"`);
    }
  });

  it("is not said when a config is given", () => {
    const r = runCli(["inject", "-f", APP, "--config", file("empty.yaml", "{}\n")]);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stderr).toBe("");
  });

  it("serve with no config and no config variables logs it as one WARNING", async () => {
    const env = { OUTRIGGER_CONFIG: "", OUTRIGGER_CONFIG_URL: "", OUTRIGGER_TOKENS: "" };
    const server = await startServer([], env);
    await server.stop();
    const lines = server.logs
      .join("")
      .split("\n")
      .filter((l) => l.includes('"severity":"WARNING"'));
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain("registry.istio.io/testing/proxyv2:latest");
  });
});

describe("serve on a public address", () => {
  const logWarnings = async (args: string[], env: Record<string, string>) => {
    const server = await startServer(["--config", file("serve.yaml", "{}\n"), ...args], env);
    await server.stop();
    return server.logs
      .join("")
      .split("\n")
      .filter((l) => l.includes('"severity":"WARNING"'));
  };

  it("--host 0.0.0.0 with no token and no TLS: one warning line that says what is missing", async () => {
    const lines = await logWarnings(["--host", "0.0.0.0"], { OUTRIGGER_TOKENS: "" });
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain("0.0.0.0");
    expect(lines[0]).toContain("no URL token");
    expect(lines[0]).toContain("no TLS");
  });

  it("loopback, or tokens and TLS both given: no warning", async () => {
    expect(await logWarnings([], { OUTRIGGER_TOKENS: "" })).toEqual([]);
    const cert = join(dir, "cert.pem");
    const key = join(dir, "key.pem");
    selfSignedCert(cert, key);
    expect(
      await logWarnings(["--host", "0.0.0.0", "--tls-cert", cert, "--tls-key", key], {
        OUTRIGGER_TOKENS: "a-long-enough-token-0123456789",
      }),
    ).toEqual([]);
  });
});

describe("TLS files that cannot serve are named before serve listens", () => {
  const cert = join(dir, "tls-cert.pem");
  const key = join(dir, "tls-key.pem");
  const otherCert = join(dir, "other-cert.pem");
  const otherKey = join(dir, "other-key.pem");
  beforeAll(() => {
    selfSignedCert(cert, key);
    selfSignedCert(otherCert, otherKey);
  });
  const serve = (c: string, k: string) => {
    const r = spawnSync(
      process.execPath,
      [
        builtCli(),
        "serve",
        "--port",
        "0",
        "--config",
        file("tls.yaml", "{}\n"),
        "--tls-cert",
        c,
        "--tls-key",
        k,
      ],
      { encoding: "utf8", timeout: 15_000 },
    );
    return { status: r.status, stderr: r.stderr };
  };

  it.each([
    [
      "swapped",
      () => [key, cert],
      (c: string, k: string) =>
        `--tls-cert ${c} holds a private key and --tls-key ${k} a certificate: swap them`,
    ],
    [
      "a key that is no key",
      () => [cert, cert],
      (_c: string, k: string) => `--tls-key ${k}: no PEM private key (-----BEGIN ... PRIVATE KEY-----) in it`,
    ],
    [
      "another certificate's key",
      () => [cert, otherKey],
      (c: string, k: string) =>
        `--tls-cert ${c} and --tls-key ${k} cannot be used together: the key is not the certificate's`,
    ],
    [
      "a missing file",
      () => [join(dir, "none.pem"), key],
      (c: string) => `--tls-cert ${c}: cannot read: no such file or directory`,
    ],
  ] as const)("%s", (_name, files, message) => {
    const [c, k] = files() as [string, string];
    const r = serve(c, k);
    expect(r.status).toBe(1);
    expect(r.stderr.trim()).toBe(`outrigger serve: ${message(c, k)}`);
  });
});

describe("config files that cannot be used say why, naming the file once", () => {
  it.each([
    ["--values", "values file"],
    ["--mesh", "mesh config file"],
    ["--config", "config file"],
  ])("%s of a missing file or a directory", (flag, what) => {
    const missing = join(dir, "absent.yaml");
    const gone = runCli(["inject", "-f", APP, flag, missing]);
    expect(gone.status).toBe(1);
    expect(gone.stderr).toBe(
      `outrigger inject: ${missing}: cannot read the ${what}: no such file or directory\n`,
    );
    const folder = runCli(["inject", "-f", APP, flag, dir]);
    expect(folder.stderr).toBe(
      `outrigger inject: ${dir}: cannot read the ${what}: is a directory, not a file\n`,
    );
  });

  it.each(["--values", "--valuesFile"])("a %s file of several documents gets our message", (flag) => {
    const path = file("multi-values.yaml", "global:\n  hub: a\n---\nglobal:\n  tag: b\n");
    const trio =
      flag === "--valuesFile"
        ? [
            "--injectConfigFile",
            sharedPath("fixtures/istio-releases/1.30.3/configmaps/istio-sidecar-injector.yaml"),
          ]
        : [];
    const r = runCli(["inject", "-f", APP, ...trio, flag, path]);
    expect(r.status).toBe(1);
    expect(r.stderr.trim().split("\n")).toHaveLength(1);
    expect(r.stderr).toContain(
      `outrigger inject: ${path}: holds 2 YAML documents (--- lines); the values file is one document`,
    );
    expect(r.stderr).toContain("data.values");
  });

  it("a values file nested past the limit reports the documented depth limit", () => {
    const deep = `global:\n${Array.from({ length: 3000 }, (_, i) => `${"  ".repeat(i + 1)}a${i}:`).join("\n")} 1\n`;
    const r = runCli(["inject", "-f", APP, "--values", file("deep-values.yaml", deep)]);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain("document is nested deeper than 100 levels");
    expect(r.stderr).not.toMatch(/call stack|YAMLParseError/);
  });
});
