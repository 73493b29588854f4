/**
 * The line every command run without a config prints first (issue 14, item 11: the built-in config
 * says so). Tests about something else take it out of stderr; test/cli/cli-warnings.test.ts tests it.
 */
const BUILTIN_NOTICE = /^outrigger [a-z-]+: warning: no config given: the built-in config injects .*\n/m;

export const withoutNotice = (stderr: string): string => stderr.replace(BUILTIN_NOTICE, "");
