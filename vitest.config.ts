import { basename, resolve } from "node:path";
import { defineConfig } from "vitest/config";
import { precompiledModule } from "./core/render/compile.ts";

// Templates ship as .hbs files. The build (scripts/build.mjs) turns each into the module
// precompiledModule writes; this does the same for tests, so both run the very same template code.
const registry = resolve(__dirname, "core/render/precompiled.ts");
const hbsPrecompiled = {
  name: "hbs-precompiled",
  transform(code: string, id: string) {
    if (!id.endsWith(".hbs")) return undefined;
    return { code: precompiledModule(basename(id, ".hbs"), code, registry), map: null };
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
