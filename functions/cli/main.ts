import { review } from "./review.ts";
import { serve } from "./serve.ts";
import { InputError, USAGE, UsageError } from "./usage.ts";

const COMMANDS: Record<string, (args: string[], out: (s: string) => void) => number | Promise<number>> = {
  review,
  serve,
};

/** Runs one command line; returns the exit status. Errors are printed as one line, never a stack trace. */
export async function main(argv: string[]): Promise<number> {
  const out = (s: string) => process.stdout.write(s);
  const [command, ...args] = argv;
  if (command === undefined || command === "help" || command === "--help" || command === "-h") {
    out(USAGE);
    return command === undefined ? 2 : 0;
  }
  const run = COMMANDS[command];
  try {
    if (!run) throw new UsageError(`unknown command "${command}"`);
    return await run(args, out);
  } catch (e) {
    if (e instanceof InputError) {
      process.stderr.write(`outrigger ${command}: ${e.message}\n`);
      return 1;
    }
    // node:util parseArgs reports unknown flags and missing values with TypeError + a code.
    if (e instanceof UsageError || (e as NodeJS.ErrnoException).code?.startsWith("ERR_PARSE_ARGS")) {
      process.stderr.write(`outrigger ${command}: ${(e as Error).message}\n\n${USAGE}`);
      return 2;
    }
    process.stderr.write(`outrigger ${command}: internal error: ${(e as Error).message}\n`);
    return 1;
  }
}
