import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { parseInjectEnvs } from "../../core/admission/path-envs.ts";
import { readSharedJson } from "../helpers/fixtures.ts";

const cases = readSharedJson<{ name: string; path: string; expectedEnv: Record<string, string> }[]>(
  "fixtures/decisions/istio-url-path-envs.json",
);

describe("cluster identity from the webhook URL path", () => {
  it.each(cases.map((c) => [c.name, c] as const))("%s", (_n, c) => {
    expect(parseInjectEnvs(c.path)).toEqual(c.expectedEnv);
  });

  it("ignores the query string the API server appends, and paths that are not /inject", () => {
    expect(parseInjectEnvs("/inject/cluster/c1?timeout=10s")).toEqual({ ISTIO_META_CLUSTER_ID: "c1" });
    expect(parseInjectEnvs("/injector/cluster/c1")).toEqual({});
    expect(parseInjectEnvs("/healthz")).toEqual({});
  });

  it("decodes percent escapes, and survives malformed ones", () => {
    expect(parseInjectEnvs("/inject/net/a%20b")).toEqual({ ISTIO_META_NETWORK: "a b" });
    expect(parseInjectEnvs("/inject/net/%E0%A4%A")).toEqual({ ISTIO_META_NETWORK: "%E0%A4%A" });
  });

  it("never throws and never sets a prototype", () => {
    fc.assert(
      fc.property(fc.string({ unit: "binary" }), (s) => {
        const envs = parseInjectEnvs(`/inject/${s}`);
        expect(Object.getPrototypeOf(envs)).toBe(Object.prototype);
        for (const v of Object.values(envs)) expect(typeof v).toBe("string");
      }),
      { numRuns: 500 },
    );
    expect(parseInjectEnvs("/inject/__proto__/x")).toEqual({});
  });
});
