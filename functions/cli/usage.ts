/** Thrown for a command line that cannot be run; main() prints it with the verb's usage and exits 2. */
export class UsageError extends Error {}

/** Thrown for input that cannot be read or parsed; main() prints it and exits with `status` (1). */
export class InputError extends Error {
  constructor(
    message: string,
    readonly status = 1,
  ) {
    super(message);
  }
}

/** node:util parseArgs' messages, in one short line each. */
export function usageMessage(e: Error): string {
  const code = (e as NodeJS.ErrnoException).code;
  const quoted = /'([^']+)'/.exec(e.message)?.[1] ?? "";
  if (code === "ERR_PARSE_ARGS_UNKNOWN_OPTION") return `unknown flag ${quoted}`;
  if (code === "ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL") return `unexpected argument ${JSON.stringify(quoted)}`;
  if (code === "ERR_PARSE_ARGS_INVALID_OPTION_VALUE") {
    const flag = quoted.replace(/ <value>$/, "");
    return e.message.includes("does not take") ? `${flag} takes no value` : `${flag} needs a value`;
  }
  return e.message.split("\n")[0] ?? "";
}

/** One verb of the CLI: its help text (usage, flags, examples) and what it does. */
export interface Command {
  summary: string;
  help: string;
  run(args: string[], out: (s: string) => void): number | Promise<number>;
}

export const EXIT_CODES = `Exit status: 0 when the command did its job, 1 for input or config that cannot be used
(the message names the file, document and field), 2 for a wrong command line.`;

export function overview(commands: Record<string, Command>): string {
  const width = Math.max(...Object.keys(commands).map((n) => n.length));
  const lines = Object.entries(commands).map(([name, c]) => `  ${name.padEnd(width)}  ${c.summary}`);
  return `Usage: outrigger <command> [flags]

Istio-compatible sidecar injection: the same engine as the Outrigger webhook, at the terminal.

Commands:
${lines.join("\n")}

Run \`outrigger <command> --help\` for a command's flags and examples; \`outrigger --version\` for the version.

${EXIT_CODES}
`;
}
