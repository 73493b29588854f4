import type { TemplateSyntax } from "../config/types.ts";

/**
 * Which language a template in Outrigger's own config is written in. Istio's ConfigMaps are always
 * Go; Outrigger's config may hold either, so a template an Istio user pastes works as it is.
 */

const ACTION = /\{\{(\{?)([\s\S]*?)\}\}/g;

/**
 * Whether a template is Go text/template syntax (Istio's) rather than Handlebars: some action uses
 * Go-only syntax (`.Field` or `$var` operands, `{{- ` / ` -}}` trimming, Go comments, `end`) and
 * none uses Handlebars-only syntax (`{{#…}}`, `{{/…}}`, `{{^…}}`, `{{>…}}`, `{{!…}}`, `{{~…}}`,
 * `{{{…}}}`, `@data`). A template with neither, such as plain YAML, is the same in both.
 */
export function isGoTemplate(text: string): boolean {
  let go = false;
  for (const m of text.matchAll(ACTION)) {
    if (m[1] === "{") return false;
    const body = m[2] as string;
    if (/^[#^>!~&]|^\/(?!\*)|[\s(]@[A-Za-z]|^@/.test(body)) return false;
    if (
      /^-\s|\s-$|^\/\*|^\s*end\s*$|(?:^|[\s(|,])[.$][A-Za-z_]|(?:^|[\s(|,])\$(?:[\s.)|]|$)|(?:^|\s)\.(?:\s|$)/.test(
        body,
      )
    )
      go = true;
  }
  return go;
}

export function templateSyntax(text: string): TemplateSyntax {
  return isGoTemplate(text) ? "go" : "handlebars";
}
