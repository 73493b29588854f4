import { resolve } from "node:path";
import { defineConfig } from "vitest/config";
import { precompileSource } from "./core/render/compile.ts";

// Templates ship as .hbs files. The build (scripts/build.mjs) bundles each as its text plus its
// precompiled form; this does the same for tests, so both run the very same template code.
const registry = resolve(__dirname, "core/render/precompiled.ts");
const hbsPrecompiled = {
  name: "hbs-precompiled",
  transform(code: string, id: string) {
    if (!id.endsWith(".hbs")) return undefined;
    return {
      code: `import { registerPrecompiled } from ${JSON.stringify(registry)};
const text = ${JSON.stringify(code)};
registerPrecompiled(text, ${precompileSource(code)});
export default text;`,
      map: null,
    };
  },
};

export default defineConfig({
  plugins: [hbsPrecompiled],
  test: {
    include: ["test/**/*.test.ts"],
    testTimeout: 30_000,
    pool: "forks",
  },
});
