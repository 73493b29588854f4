// Bundles each entry point with esbuild into dist/. CommonJS output: yaml and handlebars are CJS
// and an ESM bundle of them needs a createRequire banner; CJS needs nothing and loads as fast.
import { mkdirSync, writeFileSync } from "node:fs";
import { build } from "esbuild";

const common = {
  bundle: true,
  platform: "node",
  target: "node22",
  format: "cjs",
  loader: { ".hbs": "text" },
  // handlebars requires source-map inside a try/catch, only for precompiling to files; 27 KB saved.
  external: ["source-map"],
  logLevel: "warning",
  legalComments: "linked",
};

const entries = [
  { in: "functions/cli/index.ts", out: "dist/cli/index.cjs", minify: false },
  { in: "bench/index.ts", out: "dist/bench/index.cjs", minify: false },
];

await Promise.all(
  entries.map((e) => build({ ...common, entryPoints: [e.in], outfile: e.out, minify: e.minify })),
);
mkdirSync("dist/cli", { recursive: true });
writeFileSync("dist/cli/package.json", `${JSON.stringify({ type: "commonjs" }, null, 2)}\n`);
