import { parseArgs } from "node:util";
import { admit } from "../../core/admission/admit.ts";
import { engineFromFile } from "../shared/engine-file.ts";
import { printWarnings, readInput } from "./io.ts";
import { type Command, EXIT_CODES, InputError, UsageError } from "./usage.ts";

export const review: Command = {
  summary: "answer one AdmissionReview (JSON) exactly as the webhook would",
  help: `Usage: outrigger review -f FILE|- [--config FILE]

Reads one AdmissionReview (v1 or v1beta1) and prints the AdmissionReview the webhook answers with,
JSON Patch included (base64, as the API server gets it). A review the webhook denies is still an
answer: exit 0.

Flags:
  -f, --filename FILE   the AdmissionReview, - for standard input (required)
      --config FILE     Outrigger config (default: the built-in config)

Examples:
  outrigger review -f request.json
  outrigger review -f request.json | jq -r .response.patch | base64 -d | jq .

${EXIT_CODES}
`,
  run: runReview,
};

/** One AdmissionReview in, its response out. */
function runReview(args: string[], out: (s: string) => void): number {
  const { values } = parseArgs({
    args,
    options: { filename: { type: "string", short: "f" }, config: { type: "string" } },
    strict: true,
    allowPositionals: false,
  });
  if (!values.filename) throw new UsageError("review needs -f FILE (or -f - for standard input)");
  const engine = engineFromFile(values.config, process.env);
  if (!engine.ok) throw new InputError(engine.error);
  printWarnings("review", engine.value.warnings);
  const text = readInput(values.filename);
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    throw new InputError(`${values.filename === "-" ? "standard input" : values.filename} is not JSON`);
  }
  out(`${JSON.stringify(admit(body, engine.value).review, null, 2)}\n`);
  return 0;
}
