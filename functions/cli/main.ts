import pkg from "../../package.json" with { type: "json" };
import { check } from "./check.ts";
import { inject, uninject } from "./inject.ts";
import { review } from "./review.ts";
import { serve } from "./serve.ts";
import { type Command, InputError, overview, UsageError, usageMessage } from "./usage.ts";
import { webhookConfig } from "./webhook-config.ts";

const COMMANDS: Record<string, Command> = {
  inject,
  uninject,
  check,
  "webhook-config": webhookConfig,
  review,
  serve,
};

/** Runs one command line; returns the exit status. Errors are printed as one line, never a stack trace. */
export async function main(argv: string[]): Promise<number> {
  const out = (s: string) => process.stdout.write(s);
  const [name, ...args] = argv;
  const usage = overview(COMMANDS);
  if (name === "--version" || name === "version") {
    out(`outrigger ${pkg.version}\n`);
    return 0;
  }
  if (name === undefined || name === "help" || name === "--help" || name === "-h") {
    const topic =
      name === "help" && args[0] !== undefined && Object.hasOwn(COMMANDS, args[0])
        ? COMMANDS[args[0]]
        : undefined;
    out(topic ? topic.help : usage);
    return name === undefined ? 2 : 0;
  }
  const command = Object.hasOwn(COMMANDS, name) ? COMMANDS[name] : undefined;
  if (!command) {
    process.stderr.write(`outrigger: unknown command ${JSON.stringify(name)}; see outrigger --help\n`);
    return 2;
  }
  if (args.includes("--help") || args.includes("-h")) {
    out(command.help);
    return 0;
  }
  try {
    return await command.run(args, out);
  } catch (e) {
    if (e instanceof InputError) {
      process.stderr.write(`outrigger ${name}: ${e.message}\n`);
      return e.status;
    }
    // node:util parseArgs reports unknown flags and missing values with TypeError + a code.
    if (e instanceof UsageError || (e as NodeJS.ErrnoException).code?.startsWith("ERR_PARSE_ARGS")) {
      const message = e instanceof UsageError ? e.message : usageMessage(e as Error);
      process.stderr.write(`outrigger ${name}: ${message}; see outrigger ${name} --help\n`);
      return 2;
    }
    process.stderr.write(`outrigger ${name}: internal error: ${(e as Error).message}\n`);
    return 1;
  }
}
