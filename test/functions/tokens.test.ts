import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { booleanEnv } from "../../functions/shared/config/auth.ts";
import { configureLogs } from "../../functions/shared/log.ts";
import { loadTokens, matchToken, parseTokens, tokenFromPath } from "../../functions/shared/tokens.ts";
import { type GoogleFake, startGoogleFake } from "../helpers/gcs-fake.ts";

/**
 * URL tokens: the path split, the constant-time match, loading from the environment and from both
 * secret stores (Secret Manager through the in-repo Google fake; Secrets Manager through a small
 * node:http fake of its JSON protocol below), and that no token ever reaches a log or an error.
 */

// timingSafeEqual is wrapped to record its arguments: that is how "constant time" is checked here,
// since timing itself is too noisy to assert on a shared CI machine.
const compared = vi.hoisted(() => [] as [number, number][]);
vi.mock("node:crypto", async (importOriginal) => {
  const actual = await importOriginal<typeof import("node:crypto")>();
  return {
    ...actual,
    timingSafeEqual: (a: NodeJS.ArrayBufferView, b: NodeJS.ArrayBufferView) => {
      compared.push([a.byteLength, b.byteLength]);
      return actual.timingSafeEqual(a, b);
    },
  };
});

const logged: string[] = [];
configureLogs({ format: "gcp", sink: (l) => logged.push(l) });

const OLD = "0ld-token-Aq3xVb9LkPz2Wm";
const NEW = "n3w-token-Rt7yHc4NsQe8Ju";

describe("tokenFromPath", () => {
  it.each([
    ["/inject/t/abc/cluster/c1", { token: "abc", rest: "/inject/cluster/c1" }],
    ["/inject/t/abc", { token: "abc", rest: "/inject" }],
    ["/inject/t/abc/", { token: "abc", rest: "/inject/" }],
    ["/inject/t/", { token: "", rest: "/inject" }],
    ["/inject/t", { token: "", rest: "/inject" }],
    ["/inject", { rest: "/inject" }],
    ["/inject/cluster/c1", { rest: "/inject/cluster/c1" }],
    ["/inject/tx/abc", { rest: "/inject/tx/abc" }],
    ["/healthz", { rest: "/healthz" }],
  ])("%s", (path, expected) => {
    expect(tokenFromPath(path)).toEqual(expected);
  });
});

describe("matchToken", () => {
  beforeEach(() => {
    compared.length = 0;
  });

  it("accepts either token during a rotation, and nothing else", () => {
    const tokens = [OLD, NEW];
    expect(matchToken(OLD, tokens)).toBe(true);
    expect(matchToken(NEW, tokens)).toBe(true);
    expect(matchToken(NEW.slice(0, -1), tokens)).toBe(false);
    expect(matchToken(`${NEW}x`, tokens)).toBe(false);
    expect(matchToken(NEW.toUpperCase(), tokens)).toBe(false);
    expect(matchToken("", tokens)).toBe(false);
    expect(matchToken(NEW, [])).toBe(false);
    expect(matchToken("", [])).toBe(false);
  });

  it("compares equal-length digests, against every token, whatever the candidate", () => {
    for (const candidate of [OLD, NEW, "x", "y".repeat(4096)]) {
      compared.length = 0;
      matchToken(candidate, [OLD, NEW, "third-token-5tY7uI9oP1aS"]);
      // Three comparisons even when the first matches: no early exit. 32 bytes each: the length does not leak.
      expect(compared).toEqual([
        [32, 32],
        [32, 32],
        [32, 32],
      ]);
    }
  });
});

describe("loadTokens from the environment", () => {
  it("reads comma-separated tokens, trimmed and de-duplicated", async () => {
    expect(await loadTokens({ OUTRIGGER_TOKENS: ` ${OLD} , ${NEW},,${NEW}` })).toEqual({
      ok: true,
      value: [OLD, NEW],
    });
  });

  it("with none configured, is an empty list (open /inject, local use) unless OUTRIGGER_REQUIRE_TOKEN=true", async () => {
    expect(await loadTokens({})).toEqual({ ok: true, value: [] });
    expect(await loadTokens({ OUTRIGGER_TOKENS: "  " })).toEqual({ ok: true, value: [] });
    expect(await loadTokens({ OUTRIGGER_REQUIRE_TOKEN: "true" })).toEqual({
      ok: false,
      error:
        "OUTRIGGER_REQUIRE_TOKEN is true but no token is configured (set OUTRIGGER_TOKENS or OUTRIGGER_TOKENS_SECRET)",
    });
    expect(await loadTokens({ OUTRIGGER_REQUIRE_TOKEN: "true", OUTRIGGER_TOKENS: NEW })).toEqual({
      ok: true,
      value: [NEW],
    });
    expect(await loadTokens({ OUTRIGGER_REQUIRE_TOKEN: "yes please" })).toEqual({
      ok: false,
      error: "OUTRIGGER_REQUIRE_TOKEN: must be true or false",
    });
  });

  it("reads a switch of the environment (booleanEnv, shared with OUTRIGGER_PRIME) in any case, else names it", () => {
    for (const v of ["true", "TRUE", " 1 "])
      expect(booleanEnv({ X: v }, "X", false)).toEqual({ ok: true, value: true });
    for (const v of ["false", "False", "0"])
      expect(booleanEnv({ X: v }, "X", true)).toEqual({ ok: true, value: false });
    for (const v of [undefined, "", "  "]) {
      expect(booleanEnv({ X: v }, "X", true)).toEqual({ ok: true, value: true });
      expect(booleanEnv({ X: v }, "X", false)).toEqual({ ok: true, value: false });
    }
    for (const v of ["yes", "on", "2", "truthy"])
      expect(booleanEnv({ X: v }, "X", true)).toEqual({ ok: false, error: "X: must be true or false" });
  });

  it("refuses both sources at once, and unknown secret schemes", async () => {
    expect(await loadTokens({ OUTRIGGER_TOKENS: NEW, OUTRIGGER_TOKENS_SECRET: "awssm://x" })).toMatchObject({
      ok: false,
    });
    expect(await loadTokens({ OUTRIGGER_TOKENS_SECRET: "vault://x" })).toMatchObject({ ok: false });
    expect(await loadTokens({ OUTRIGGER_TOKENS_SECRET: "gcpsm://projects/p" })).toMatchObject({ ok: false });
  });

  it("names a bad token by its position, never by its value", async () => {
    const bad = "s3cret/with-slash-Kq8zP";
    const r = await loadTokens({ OUTRIGGER_TOKENS: `${OLD},${bad}` });
    expect(r).toEqual({
      ok: false,
      error:
        "OUTRIGGER_TOKENS: token 2 of 2 has characters other than A-Z a-z 0-9 - . _ ~ (it goes in a URL path)",
    });
    expect(JSON.stringify(r)).not.toContain("s3cret");
  });

  it("warns about short tokens without naming them", () => {
    logged.length = 0;
    expect(parseTokens("short-tok", "OUTRIGGER_TOKENS")).toEqual({ ok: true, value: ["short-tok"] });
    expect(logged).toHaveLength(1);
    expect(logged[0]).toContain("token 1 of 1 is shorter than 16 characters");
    expect(logged[0]).not.toContain("short-tok");
  });
});

describe("loadTokens from GCP Secret Manager (in-repo fake, token from the fake metadata server)", () => {
  let google: GoogleFake;
  beforeAll(async () => {
    google = await startGoogleFake({ bearer: "ya29.sm-token" });
  });
  afterAll(() => google.close());
  const env = () => ({ GCE_METADATA_HOST: google.host });
  const via = () => ({
    fetch: ((input, init) =>
      fetch(
        String(input).replace("https://secretmanager.googleapis.com", google.base),
        init,
      )) as typeof fetch,
  });

  it("reads the payload (base64) of the named version, or of latest", async () => {
    google.putSecret("projects/p1/secrets/outrigger-tokens/versions/3", `${OLD}\n${NEW}\n`);
    google.putSecret("projects/p1/secrets/outrigger-tokens/versions/latest", NEW);
    const r = await loadTokens(
      { ...env(), OUTRIGGER_TOKENS_SECRET: "gcpsm://projects/p1/secrets/outrigger-tokens/versions/3" },
      via(),
    );
    expect(r).toEqual({ ok: true, value: [OLD, NEW] });
    const access = google.requests.find((q) => q.path.endsWith(":access"));
    expect(access?.headers.authorization).toBe("Bearer ya29.sm-token");
    expect(
      await loadTokens(
        { ...env(), OUTRIGGER_TOKENS_SECRET: "gcpsm://projects/p1/secrets/outrigger-tokens" },
        via(),
      ),
    ).toEqual({
      ok: true,
      value: [NEW],
    });
  });

  it("reports a missing secret by status, as an error (never as an empty token list)", async () => {
    const r = await loadTokens(
      { ...env(), OUTRIGGER_TOKENS_SECRET: "gcpsm://projects/p1/secrets/nope/versions/1" },
      via(),
    );
    expect(r).toEqual({
      ok: false,
      error: "gcpsm://projects/p1/secrets/nope/versions/1: HTTP 404 NOT_FOUND",
    });
  });
});

/** Secrets Manager's JSON protocol, just GetSecretValue. Signatures are checked for shape, not verified. */
describe("loadTokens from AWS Secrets Manager (node:http fake of the JSON protocol)", () => {
  let server: Server;
  let endpoint = "";
  const seen: { headers: IncomingMessage["headers"]; body: string }[] = [];
  const secrets = new Map<string, string>();
  let rawAnswer: string | undefined;
  beforeAll(async () => {
    server = createServer((req, res) => {
      let body = "";
      req.setEncoding("utf8").on("data", (c: string) => (body += c));
      req.on("end", () => {
        seen.push({ headers: req.headers, body });
        if (rawAnswer !== undefined)
          return res.writeHead(200, { "content-type": "application/x-amz-json-1.1" }).end(rawAnswer);
        const id = (JSON.parse(body) as { SecretId: string }).SecretId;
        const value = secrets.get(id);
        if (value === undefined)
          return res.writeHead(400, { "content-type": "application/x-amz-json-1.1" }).end(
            JSON.stringify({
              __type: "ResourceNotFoundException",
              message: "Secrets Manager can't find the specified secret.",
            }),
          );
        res
          .writeHead(200, { "content-type": "application/x-amz-json-1.1" })
          .end(JSON.stringify({ ARN: `arn:${id}`, Name: id, SecretString: value }));
      });
    });
    await new Promise<void>((done) => server.listen(0, "127.0.0.1", done));
    endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((done) => server.close(() => done())));
  const env = () => ({
    AWS_ACCESS_KEY_ID: "AKIDEXAMPLE",
    AWS_SECRET_ACCESS_KEY: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
    AWS_SESSION_TOKEN: "session-token-example",
    AWS_REGION: "eu-west-1",
    AWS_ENDPOINT_URL_SECRETS_MANAGER: endpoint,
  });

  it("calls GetSecretValue signed with the role's credentials and splits on commas and newlines", async () => {
    secrets.set("outrigger/tokens", `${OLD},\n${NEW}`);
    const r = await loadTokens({ ...env(), OUTRIGGER_TOKENS_SECRET: "awssm://outrigger/tokens" });
    expect(r).toEqual({ ok: true, value: [OLD, NEW] });
    const call = seen.at(-1);
    expect(call?.headers["x-amz-target"]).toBe("secretsmanager.GetSecretValue");
    expect(call?.headers["content-type"]).toBe("application/x-amz-json-1.1");
    expect(call?.headers["x-amz-security-token"]).toBe("session-token-example");
    expect(call?.headers.authorization).toMatch(
      /^AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE\/\d{8}\/eu-west-1\/secretsmanager\/aws4_request, /,
    );
    expect(JSON.parse(call?.body ?? "")).toEqual({ SecretId: "outrigger/tokens" });
  });

  it("reports AWS's error type, as an error", async () => {
    const r = await loadTokens({
      ...env(),
      OUTRIGGER_TOKENS_SECRET: "awssm://arn:aws:secretsmanager:eu-west-1:1:secret:gone",
    });
    expect(r).toEqual({
      ok: false,
      error: "awssm://arn:aws:secretsmanager:eu-west-1:1:secret:gone: HTTP 400 ResourceNotFoundException",
    });
  });

  it("never puts a token in an error or a log line, even when the answer is garbled", async () => {
    logged.length = 0;
    const errors: string[] = [];
    // Not JSON: JSON.parse's own message would quote it.
    rawAnswer = `${NEW},${OLD} and not json`;
    const garbled = await loadTokens({ ...env(), OUTRIGGER_TOKENS_SECRET: "awssm://outrigger/tokens" });
    rawAnswer = JSON.stringify({ SecretString: `${NEW}\nbad token with spaces ${OLD}` });
    const invalid = await loadTokens({ ...env(), OUTRIGGER_TOKENS_SECRET: "awssm://outrigger/tokens" });
    rawAnswer = JSON.stringify({ SecretString: "tiny" });
    const short = await loadTokens({ ...env(), OUTRIGGER_TOKENS_SECRET: "awssm://outrigger/tokens" });
    rawAnswer = undefined;
    for (const r of [garbled, invalid]) {
      expect(r.ok).toBe(false);
      if (!r.ok) errors.push(r.error);
    }
    expect(errors).toEqual([
      "awssm://outrigger/tokens: the answer has no SecretString",
      "awssm://outrigger/tokens: token 2 of 2 has characters other than A-Z a-z 0-9 - . _ ~ (it goes in a URL path)",
    ]);
    expect(short).toEqual({ ok: true, value: ["tiny"] });
    const everything = [...errors, ...logged].join("\n");
    for (const secret of [NEW, OLD, "tiny", "AKIDEXAMPLE", "wJalrXUtnFEMI", "session-token-example"])
      expect(everything).not.toContain(secret);
  });
});
