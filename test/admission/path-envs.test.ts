import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { admit } from "../../core/admission/admit.ts";
import { parseInjectEnvs, parsePathEnvs, pathWarnings } from "../../core/admission/path-envs.ts";
import { defaultEngine } from "../../core/engine.ts";
import { readSharedJson, reviewFor } from "../helpers/fixtures.ts";

const cases = readSharedJson<{ name: string; path: string; expectedEnv: Record<string, string> }[]>(
  "fixtures/decisions/istio-url-path-envs.json",
);

describe("cluster identity from the webhook URL path: Istio's TestParseInjectEnvs", () => {
  it("has cases", () => expect(cases.length).toBeGreaterThan(0));

  it.each(cases.map((c) => [c.name, c] as const))("%s", (_n, c) => {
    expect(parseInjectEnvs(c.path)).toEqual(c.expectedEnv);
  });
});

describe("parseInjectEnvs beyond the fixtures", () => {
  it("ignores the query string the API server appends, and paths that are not /inject", () => {
    expect(parseInjectEnvs("/inject/cluster/c1?timeout=10s")).toEqual({ ISTIO_META_CLUSTER_ID: "c1" });
    expect(parseInjectEnvs("/inject?cluster=c1")).toEqual({});
    expect(parseInjectEnvs("/injector/cluster/c1")).toEqual({});
    expect(parseInjectEnvs("/healthz")).toEqual({});
    expect(parseInjectEnvs("")).toEqual({});
  });

  it("trims one trailing slash, as Istio does, so a second leaves an empty last value", () => {
    expect(parseInjectEnvs("/inject/a/b/c//")).toEqual({ A: "b", C: "" });
    expect(parseInjectEnvs("/inject/:ENV:root=/foo//")).toEqual({ ROOT: "/foo/" });
    expect(parseInjectEnvs("/inject//")).toEqual({});
    expect(parseInjectEnvs("/inject///")).toEqual({});
  });

  it("keeps empty values and drops empty keys", () => {
    expect(parseInjectEnvs("/inject/net//cluster/c")).toEqual({
      ISTIO_META_NETWORK: "",
      ISTIO_META_CLUSTER_ID: "c",
    });
    expect(parseInjectEnvs("/inject//v/net/n")).toEqual({ ISTIO_META_NETWORK: "n" });
    expect(parseInjectEnvs("/inject/:ENV:a=:ENV:b")).toEqual({ A: "" });
  });

  it("lets a later key win, and maps only the exact lower-case names", () => {
    expect(parseInjectEnvs("/inject/cluster/a/cluster/b")).toEqual({ ISTIO_META_CLUSTER_ID: "b" });
    expect(parseInjectEnvs("/inject/CLUSTER/a/Net/b")).toEqual({ CLUSTER: "a", NET: "b" });
    expect(parseInjectEnvs("/inject/istio_meta_cluster_id/a")).toEqual({ ISTIO_META_CLUSTER_ID: "a" });
  });

  it("does not map keys named like Object's members", () => {
    expect(parseInjectEnvs("/inject/constructor/x/toString/y/__proto__/z")).toEqual({
      CONSTRUCTOR: "x",
      TOSTRING: "y",
      __PROTO__: "z",
    });
    expect(parseInjectEnvs("/inject/:ENV:hasOwnProperty=1")).toEqual({ HASOWNPROPERTY: "1" });
  });

  it("replaces --slash-- only in values of the slash form", () => {
    expect(parseInjectEnvs("/inject/a--slash--b/c--slash----slash--d")).toEqual({ "A--SLASH--B": "c//d" });
    expect(parseInjectEnvs("/inject/:ENV:a=b--slash--c")).toEqual({ A: "b--slash--c" });
  });

  it("decodes percent escapes before splitting, as Go's URL.Path does", () => {
    expect(parseInjectEnvs("/inject/net/a%20b")).toEqual({ ISTIO_META_NETWORK: "a b" });
    expect(parseInjectEnvs("/inject/net/a+b")).toEqual({ ISTIO_META_NETWORK: "a+b" });
    expect(parseInjectEnvs("/inject/net/a%2Fb")).toEqual({ ISTIO_META_NETWORK: "a" });
    expect(parseInjectEnvs("/inject/net/%C3%A9t%C3%A9")).toEqual({ ISTIO_META_NETWORK: "été" });
    expect(parseInjectEnvs("/inject/%3AENV%3Acluster%3Dc1")).toEqual({ ISTIO_META_CLUSTER_ID: "c1" });
    expect(parseInjectEnvs("/inject/net/n%3Fx")).toEqual({ ISTIO_META_NETWORK: "n?x" });
  });

  it("keeps a malformed escape literally and still decodes the rest, with a warning", () => {
    expect(parsePathEnvs("/inject/net/100%/cluster/c%31")).toEqual({
      envs: { ISTIO_META_NETWORK: "100%", ISTIO_META_CLUSTER_ID: "c1" },
      warnings: ["malformed percent-escape in the path kept as it is"],
    });
    expect(parseInjectEnvs("/inject/net/%zz%")).toEqual({ ISTIO_META_NETWORK: "%zz%" });
    const bad = parsePathEnvs("/inject/net/%FF%E0%A4");
    expect(bad.envs).toEqual({ ISTIO_META_NETWORK: "\uFFFD\uFFFD" });
    expect(bad.warnings).toEqual(["percent-escapes in the path are not valid UTF-8; replaced with U+FFFD"]);
  });

  it("warns about what it drops, and about env names the API server refuses", () => {
    expect(pathWarnings("/inject/cluster/c1/net/n1")).toEqual([]);
    expect(pathWarnings("/inject/cluster/c1/network")).toEqual([
      'path env "network" has no value and was ignored',
    ]);
    expect(pathWarnings("/inject/:ENV:a=1:ENV:=x:ENV:b")).toEqual([
      'path env ":ENV:=x" ignored: want :ENV:name=value',
      'path env ":ENV:b" ignored: want :ENV:name=value',
    ]);
    expect(pathWarnings("/inject//v")).toEqual(['path env with an empty name ignored (value "v")']);
    expect(pathWarnings("/inject/a=b/c")).toEqual([
      'path env "A=B" is not a valid env var name; the API server will refuse the pod',
    ]);
    expect(pathWarnings("/inject/%C3%A9/c")).toHaveLength(1);
  });
});

describe("parseInjectEnvs on hostile input", () => {
  it("never throws, returns plain string maps, and never touches a prototype", () => {
    const arbitrary = fc.oneof(
      fc.string({ unit: "binary" }).map((s) => `/inject/${s}`),
      fc.string({ unit: "binary" }),
      fc
        .array(
          fc.constantFrom(
            "/",
            "%",
            "%2F",
            "%zz",
            ":ENV:",
            "=",
            "--slash--",
            "?",
            "cluster",
            "net",
            "__proto__",
            "é",
            "\uD800",
          ),
          {
            maxLength: 30,
          },
        )
        .map((parts) => `/inject/${parts.join("")}`),
    );
    fc.assert(
      fc.property(arbitrary, (s) => {
        const { envs, warnings } = parsePathEnvs(s);
        expect(Object.getPrototypeOf(envs)).toBe(Object.prototype);
        for (const [k, v] of Object.entries(envs)) {
          expect(k).not.toBe("");
          expect(typeof v).toBe("string");
        }
        for (const w of warnings) expect(typeof w).toBe("string");
      }),
      { numRuns: 1000 },
    );
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it("copes with long paths and values that are not strings", () => {
    const long = `/inject/${"k/v/".repeat(50_000)}`;
    expect(Object.keys(parseInjectEnvs(long))).toEqual(["K"]);
    expect(parseInjectEnvs(`/inject/a/${"%41".repeat(10_000)}`).A).toHaveLength(10_000);
    for (const v of [undefined, null, 42, {}, ["/inject/a/b"]]) {
      expect(parseInjectEnvs(v as never)).toEqual({});
    }
  });
});

describe("path warnings reach the admission's log line", () => {
  it("admit() carries them, and still injects with what the path did say", () => {
    const pod = {
      apiVersion: "v1",
      kind: "Pod",
      metadata: { name: "p" },
      spec: { containers: [{ name: "a", image: "i" }] },
    };
    const r = admit(reviewFor(pod), defaultEngine(), "/inject/cluster/c%zz1");
    expect(r.log.outcome).toBe("injected");
    expect(r.log.warnings).toEqual(["malformed percent-escape in the path kept as it is"]);
    expect(JSON.stringify(r.pod)).toContain('"value":"c%zz1"');
  });
});
