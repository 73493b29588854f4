#!/usr/bin/env node
// The CLI runs from its bundle; `npm run build` (part of `npm start` and `npm test`) makes it.
try {
  require("../dist/cli/index.cjs");
} catch (e) {
  if (e && e.code === "MODULE_NOT_FOUND" && String(e.message).includes("dist/cli/index.cjs")) {
    process.stderr.write("outrigger: not built yet; run `npm run build` first\n");
    process.exitCode = 1;
  } else {
    throw e;
  }
}
