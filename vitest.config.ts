import { defineConfig } from "vitest/config";

// Templates ship as .hbs files; esbuild bundles them with the text loader, and this does the same for
// tests, so both run the very same template text.
const hbsText = {
  name: "hbs-text",
  transform(code: string, id: string) {
    if (id.endsWith(".hbs")) return { code: `export default ${JSON.stringify(code)};`, map: null };
    return undefined;
  },
};

export default defineConfig({
  plugins: [hbsText],
  test: {
    include: ["test/**/*.test.ts"],
    testTimeout: 30_000,
    pool: "forks",
  },
});
