import { parseArgs } from "node:util";
import { admit } from "../../core/admission/admit.ts";
import { engineFromFile } from "../shared/engine-file.ts";
import { readInput } from "./io.ts";
import { InputError, UsageError } from "./usage.ts";

/** `outrigger review -f FILE|- [--config FILE]`: one AdmissionReview in, its response out. */
export function review(args: string[], out: (s: string) => void): number {
  const { values } = parseArgs({
    args,
    options: { filename: { type: "string", short: "f" }, config: { type: "string" } },
    strict: true,
    allowPositionals: false,
  });
  if (!values.filename) throw new UsageError("review needs -f FILE (or -f - for standard input)");
  const engine = engineFromFile(values.config);
  if (!engine.ok) throw new InputError(engine.error);
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
