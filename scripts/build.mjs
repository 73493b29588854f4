// Bundles each entry point with esbuild into dist/. CommonJS output: yaml and handlebars are CJS
// and an ESM bundle of them needs a createRequire banner; CJS needs nothing and loads as fast.
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, resolve } from "node:path";
import { build } from "esbuild";

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
const { precompileSource } = createRequire(import.meta.url)(resolve("dist/.build/compile.cjs"));
const registry = resolve("core/render/precompiled.ts");
const hbsPrecompiled = {
  name: "hbs-precompiled",
  setup(b) {
    b.onLoad({ filter: /\.hbs$/ }, (args) => {
      const text = readFileSync(args.path, "utf8");
      return {
        contents: `import { registerPrecompiled } from ${JSON.stringify(registry)};
const text = ${JSON.stringify(text)};
registerPrecompiled(text, ${precompileSource(text)});
export default text;`,
        loader: "js",
        resolveDir: dirname(args.path),
      };
    });
  },
};

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
  { in: "functions/gcp/index.ts", out: "dist/gcp/index.js", minify: true, handler: true },
  { in: "functions/aws/index.ts", out: "dist/aws/index.js", minify: true, handler: true },
  { in: "bench/index.ts", out: "dist/bench/index.cjs", minify: false },
  { in: "bench/load.ts", out: "dist/bench/load.cjs", minify: false },
  { in: "bench/fuzz.ts", out: "dist/bench/fuzz.cjs", minify: false },
];

await Promise.all(
  entries.map((e) =>
    build({
      ...common,
      entryPoints: [e.in],
      outfile: e.out,
      minify: e.minify,
      // The handlers only parse YAML: yaml's ES module build lets esbuild drop the rest (17 KB).
      ...(e.handler ? { alias: { yaml: "./node_modules/yaml/browser/index.js" } } : {}),
    }),
  ),
);

// The repository's package.json says "type": "module"; each bundle folder says what its files are.
// dist/gcp/package.json is the one Cloud Functions deploys with: functions-framework is the runtime
// that loads `inject` from index.js, so it is the only dependency (the bundle has everything else).
const rootPkg = JSON.parse(readFileSync("package.json", "utf8"));
const folders = {
  "dist/cli": { type: "commonjs" },
  "dist/bench": { type: "commonjs" },
  "dist/aws": { type: "commonjs" },
  "dist/gcp": {
    name: "outrigger-gcp",
    version: rootPkg.version,
    private: true,
    type: "commonjs",
    main: "index.js",
    engines: { node: ">=22" },
    dependencies: {
      "@google-cloud/functions-framework": rootPkg.dependencies["@google-cloud/functions-framework"],
    },
  },
};
for (const [dir, pkg] of Object.entries(folders)) {
  mkdirSync(dir, { recursive: true });
  writeFileSync(`${dir}/package.json`, `${JSON.stringify(pkg, null, 2)}\n`);
}
