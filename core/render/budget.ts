import Handlebars from "handlebars/dist/cjs/handlebars.js";

/**
 * Render budget for Handlebars templates. Handlebars runs templates as synchronous JavaScript with no
 * hook between statements, so a config's template is bounded where it can be: at every helper call
 * and every block (each, with, if, unless, let, and `{{#path}}` sections), which is where all repeated
 * work starts. Each of those is a step; what a helper returns and what a block renders is charged to
 * the output (output nested in blocks is charged once per level, which over-counts by the nesting
 * depth: the limits leave room for that); and the clock is read every 256 steps, so the time budget is
 * kept to within 256 steps of work. Helpers that could allocate far more than they are given (indent,
 * nindent, replace, join) check the size before building their result. Work between two steps is
 * bounded by the template's own size, and a partial that recurses forever ends on JavaScript's stack
 * limit, which the render reports as an error.
 */

export interface HelperBudget {
  maxSteps: number;
  maxOutputBytes: number;
  maxMillis: number;
  now: () => number;
}

interface Meter {
  budget: HelperBudget;
  steps: number;
  output: number;
  deadline: number;
}

/** The render under way: renders are synchronous, so one at a time. */
let meter: Meter | undefined;

/** Helpers called outside a render (tests, tools) still refuse to build strings larger than this. */
const UNMETERED_MAX_BYTES = 16 * 1024 * 1024;

/** Runs `render` with the budget enforced by every helper call it makes. */
export function withBudget<T>(budget: HelperBudget, render: () => T): T {
  const outer = meter;
  meter = { budget, steps: 0, output: 0, deadline: budget.now() + budget.maxMillis };
  try {
    return render();
  } finally {
    meter = outer;
  }
}

export function step(): void {
  const m = meter;
  if (!m) return;
  m.steps += 1;
  if (m.steps > m.budget.maxSteps)
    throw new Error(
      `exceeded the limit of ${m.budget.maxSteps} render steps (helper calls and block iterations)`,
    );
  if ((m.steps & 255) === 0 && m.budget.now() > m.deadline)
    throw new Error(`exceeded the render time limit of ${m.budget.maxMillis} ms`);
}

export function maxBytes(): number {
  return meter ? meter.budget.maxOutputBytes : UNMETERED_MAX_BYTES;
}

/** Refuses to build a string of `bytes` (before it is built, so nothing huge is allocated). */
export function allow(bytes: number, what: string): void {
  if (bytes > maxBytes())
    throw new Error(`${what} would produce ${Math.round(bytes)} bytes, above the limit of ${maxBytes()}`);
}

export function charge(bytes: number): void {
  const m = meter;
  if (!m) return;
  m.output += bytes;
  if (m.output > m.budget.maxOutputBytes)
    throw new Error(`output exceeds the limit of ${m.budget.maxOutputBytes} bytes`);
}

/** The size a helper result stands for: text by its length, a list by its number of items. */
export function sizeOf(v: unknown): number {
  if (typeof v === "string") return v.length;
  if (v instanceof Handlebars.SafeString) return v.toString().length;
  if (Array.isArray(v)) return v.length;
  return 0;
}

/** A block's output, charged to the budget. */
export function charged<T>(out: T): T {
  charge(sizeOf(out));
  return out;
}

/** A block's body and else-body, each run counted as a step and its output charged. */
export function meteredProgram(fn: Handlebars.TemplateDelegate | undefined): Handlebars.TemplateDelegate {
  if (typeof fn !== "function") return fn as unknown as Handlebars.TemplateDelegate;
  const run: Handlebars.TemplateDelegate = (context, options) => {
    step();
    return charged(fn(context, options));
  };
  // Handlebars reads a program's blockParams and depth off the function itself.
  return Object.assign(run, fn);
}

export function meteredOptions(options: Handlebars.HelperOptions): Handlebars.HelperOptions {
  return {
    ...options,
    fn: meteredProgram(options.fn),
    inverse: meteredProgram(options.inverse),
  };
}

/** Handlebars' own block helper (each, with, blockHelperMissing) with its body runs metered. */
export function meteredBuiltin(name: string): (...args: unknown[]) => unknown {
  const builtin = (Handlebars.helpers as Record<string, (...args: unknown[]) => unknown>)[name];
  if (!builtin) throw new Error(`Handlebars has no built-in helper ${name}`);
  return function (this: unknown, ...args: unknown[]) {
    step();
    const last = args[args.length - 1];
    if (isOptions(last)) args[args.length - 1] = meteredOptions(last);
    return builtin.apply(this, args);
  };
}

/** Handlebars appends an options object to every helper call. */
export function isOptions(v: unknown): v is Handlebars.HelperOptions {
  return typeof v === "object" && v !== null && "hash" in v && "data" in v && "name" in v;
}
