/** Thrown for a command line that cannot be run; main() prints it with the usage and exits 2. */
export class UsageError extends Error {}

/** Thrown for input that cannot be read or parsed; main() prints it and exits 1. */
export class InputError extends Error {}

export const USAGE = `Usage: outrigger <command> [flags]

Commands:
  review  -f FILE|- [--config FILE]     answer one AdmissionReview (JSON) as the webhook would
  serve   [--port N] [--host H] [--config FILE]
                                         run the webhook locally over HTTP
  help                                   show this text

Exit status: 0 when the command did its job (a review that denies is still answered),
1 when the input could not be read, 2 for a wrong command line.
`;
