import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative, resolve } from "node:path";
import { parse } from "@cdktf/hcl2json";
import { REPO } from "../helpers/fixtures.ts";

/**
 * The Terraform under infra/terraform, parsed with hashicorp/hcl (compiled to WASM in
 * @cdktf/hcl2json). No Terraform binary runs here, so these helpers give the tests what can be read
 * statically: the blocks of each module, and the references in its expressions.
 */

export const TERRAFORM = resolve(REPO, "infra/terraform");

/** hcl2json's shape: blocks are arrays of bodies; expressions are strings wrapped in `${...}`. */
// biome-ignore lint/suspicious/noExplicitAny: parsed HCL is untyped JSON.
export type Hcl = any;
type Blocks = Record<string, Hcl>;

export interface TfFile {
  name: string;
  text: string;
  json: Record<string, Hcl>;
}

export interface TfModule {
  /** Absolute directory. */
  dir: string;
  /** Directory relative to infra/terraform, e.g. `modules/gcp`. */
  rel: string;
  files: TfFile[];
  variables: Blocks;
  outputs: Blocks;
  locals: Blocks;
  /** type -> name -> body */
  resources: Record<string, Blocks>;
  data: Record<string, Blocks>;
  modules: Blocks;
  /** provider local name -> { source, version } */
  requiredProviders: Record<string, { source?: string; version?: string }>;
  /** Providers configured by a `provider` block here (in a root module). */
  providerBlocks: Set<string>;
}

/** The directories under infra/terraform holding .tf files, sorted. */
export function moduleDirs(root = TERRAFORM): string[] {
  const out: string[] = [];
  const walk = (dir: string) => {
    const entries = readdirSync(dir).sort();
    if (entries.some((e) => e.endsWith(".tf"))) out.push(dir);
    for (const e of entries) {
      if (e.startsWith(".")) continue;
      const p = join(dir, e);
      if (statSync(p).isDirectory()) walk(p);
    }
  };
  walk(root);
  return out;
}

export async function parseFile(path: string): Promise<TfFile> {
  const text = readFileSync(path, "utf8");
  const json = await parse(path, text);
  return { name: relative(TERRAFORM, path), text, json };
}

/** Every .tf file of a directory, parsed and merged by block type (duplicates are an error). */
export async function loadModule(dir: string): Promise<TfModule> {
  const files: TfFile[] = [];
  for (const f of readdirSync(dir).sort()) if (f.endsWith(".tf")) files.push(await parseFile(join(dir, f)));
  const mod: TfModule = {
    dir,
    rel: relative(TERRAFORM, dir),
    files,
    variables: {},
    outputs: {},
    locals: {},
    resources: {},
    data: {},
    modules: {},
    requiredProviders: {},
    providerBlocks: new Set(),
  };
  const put = (into: Blocks, name: string, body: Hcl, what: string) => {
    if (name in into) throw new Error(`${mod.rel}: ${what} "${name}" is declared twice`);
    into[name] = body;
  };
  for (const { json } of files) {
    for (const [name, bodies] of Object.entries<Hcl[]>(json.variable ?? {}))
      put(mod.variables, name, bodies[0], "variable");
    for (const [name, bodies] of Object.entries<Hcl[]>(json.output ?? {}))
      put(mod.outputs, name, bodies[0], "output");
    for (const [name, bodies] of Object.entries<Hcl[]>(json.module ?? {}))
      put(mod.modules, name, bodies[0], "module");
    for (const body of json.locals ?? [])
      for (const [k, v] of Object.entries(body)) put(mod.locals, k, v, "local");
    for (const [kind, into] of [
      ["resource", mod.resources],
      ["data", mod.data],
    ] as const) {
      for (const [type, byName] of Object.entries<Record<string, Hcl[]>>(json[kind] ?? {})) {
        into[type] ??= {};
        for (const [name, bodies] of Object.entries(byName))
          put(into[type], name, bodies[0], `${kind} ${type}`);
      }
    }
    for (const p of Object.keys(json.provider ?? {})) mod.providerBlocks.add(p);
    for (const tf of json.terraform ?? [])
      for (const rp of tf.required_providers ?? []) Object.assign(mod.requiredProviders, rp);
  }
  return mod;
}

export async function loadAll(): Promise<TfModule[]> {
  const out: TfModule[] = [];
  for (const dir of moduleDirs()) out.push(await loadModule(dir));
  return out;
}

/**
 * The expression strings of a parsed body (values holding `${` or `%{`), skipping `description` values so
 * that prose naming a variable does not count as a use of it.
 */
export function expressions(value: Hcl, out: string[] = []): string[] {
  if (typeof value === "string") {
    // `%{` too: hcl2json writes a conditional inside a template as %{if ...} directives.
    if (value.includes("${") || value.includes("%{")) out.push(value);
  } else if (Array.isArray(value)) {
    for (const v of value) expressions(v, out);
  } else if (value !== null && typeof value === "object") {
    for (const [k, v] of Object.entries(value)) if (k !== "description") expressions(v, out);
  }
  return out;
}

export function moduleExpressions(mod: TfModule): string[] {
  return mod.files.flatMap((f) => expressions(f.json));
}

export interface References {
  vars: Set<string>;
  locals: Set<string>;
  /** `module.NAME.OUTPUT` as [name, output]. */
  moduleOutputs: [string, string][];
  /** `TYPE.NAME` of managed resources. */
  resources: Set<string>;
  /** `TYPE.NAME` of data sources. */
  data: Set<string>;
}

/** Provider prefixes whose resource types a bare `type.name` reference may name. */
const PROVIDER_PREFIXES = ["google", "aws", "kubernetes", "random", "archive", "terraform"];
const RESOURCE_REF = new RegExp(
  `(?<![\\w.])((?:${PROVIDER_PREFIXES.join("|")})_[a-z0-9_]+)\\.([A-Za-z_][\\w-]*)`,
  "g",
);

export function references(mod: TfModule): References {
  const refs: References = {
    vars: new Set(),
    locals: new Set(),
    moduleOutputs: [],
    resources: new Set(),
    data: new Set(),
  };
  for (const e of moduleExpressions(mod)) {
    for (const m of e.matchAll(/(?<![\w.])var\.([A-Za-z_][\w-]*)/g)) refs.vars.add(m[1]!);
    for (const m of e.matchAll(/(?<![\w.])local\.([A-Za-z_][\w-]*)/g)) refs.locals.add(m[1]!);
    for (const m of e.matchAll(/(?<![\w.])module\.([A-Za-z_][\w-]*)(?:\[[^\]]*\])?\.([A-Za-z_][\w-]*)/g))
      refs.moduleOutputs.push([m[1]!, m[2]!]);
    for (const m of e.matchAll(/(?<![\w.])data\.([a-z0-9_]+)\.([A-Za-z_][\w-]*)/g))
      refs.data.add(`${m[1]}.${m[2]}`);
    for (const m of e.matchAll(RESOURCE_REF)) refs.resources.add(`${m[1]}.${m[2]}`);
  }
  return refs;
}

/** Meta-arguments of a module block, which are not input variables of the called module. */
export const MODULE_META = new Set(["source", "version", "count", "for_each", "depends_on", "providers"]);

/** The directory a local module source names, relative to the calling module. */
export function moduleSourceDir(mod: TfModule, source: string): string | undefined {
  if (!source.startsWith("./") && !source.startsWith("../")) return undefined;
  return resolve(mod.dir, source);
}

export function isModuleDir(dir: string): boolean {
  return existsSync(dir) && statSync(dir).isDirectory() && readdirSync(dir).some((f) => f.endsWith(".tf"));
}

/** `${var.x}` -> `var.x`; a literal stays as it is. */
export function unwrap(expr: unknown): unknown {
  if (typeof expr === "string") {
    const m = /^\$\{([\s\S]*)\}$/.exec(expr);
    if (m) return m[1];
  }
  return expr;
}

/** The first body of a nested block (hcl2json keeps blocks as arrays). */
export function block(body: Hcl, ...path: string[]): Hcl {
  let b = body;
  for (const p of path) {
    b = b?.[p];
    if (Array.isArray(b)) b = b[0];
  }
  return b;
}

/** Names of the rows of Markdown tables whose first cell is a backquoted name: | `name` | ... */
export function tableNames(markdown: string): Set<string> {
  return new Set([...markdown.matchAll(/^\|\s*`([^`]+)`\s*\|/gm)].map((m) => m[1]!));
}
