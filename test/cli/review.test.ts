import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runCli } from "../helpers/cli.ts";
import { readShared, sharedPath } from "../helpers/fixtures.ts";
import { withoutNotice } from "./notice.ts";

const capture = sharedPath("fixtures/apiserver/sample-admissionreview-v1.json");

describe("outrigger review", () => {
  it("answers a captured AdmissionReview from a file, exit 0", () => {
    const r = runCli(["review", "-f", capture]);
    expect(r.status).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out).toMatchObject({ apiVersion: "admission.k8s.io/v1", kind: "AdmissionReview" });
    expect(out.response).toMatchObject({
      uid: "0de6848f-a084-4840-bbfd-aaf470fa8649",
      allowed: true,
      patchType: "JSONPatch",
    });
  });

  it("reads standard input with -f -", () => {
    const r = runCli(
      ["review", "-f", "-"],
      readShared("fixtures/apiserver/sample-admissionreview-v1beta1.json"),
    );
    expect(r.status).toBe(0);
    expect(JSON.parse(r.stdout).apiVersion).toBe("admission.k8s.io/v1beta1");
  });

  it("exits 0 for a review it denies", () => {
    const r = runCli(
      ["review", "-f", "-"],
      JSON.stringify({ kind: "AdmissionReview", apiVersion: "admission.k8s.io/v1" }),
    );
    expect(r.status).toBe(0);
    expect(JSON.parse(r.stdout).response.allowed).toBe(false);
  });

  it("exits 1 for unreadable input or config, with one line and no stack trace", () => {
    for (const args of [
      ["review", "-f", "/nonexistent/review.json"],
      ["review", "-f", "-"],
      ["review", "-f", capture, "--config", "/nonexistent/config.yaml"],
    ]) {
      const r = runCli(args, "this is not json");
      expect(r.status).toBe(1);
      expect(withoutNotice(r.stderr).trim().split("\n")).toHaveLength(1);
      expect(r.stderr).not.toMatch(/\n\s+at /);
    }
  });

  it("exits 1 naming the field when the config is invalid", () => {
    const dir = mkdtempSync(join(tmpdir(), "outrigger-"));
    const config = join(dir, "config.yaml");
    writeFileSync(config, "policy: enabled\nnativeSidecars: maybe\nbogus: 1\n");
    const r = runCli(["review", "-f", capture, "--config", config]);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain("nativeSidecars: must be true or false");
    expect(r.stderr).toContain("bogus: unknown key");
  });

  it("exits 2 for usage errors", () => {
    expect(runCli(["review"]).status).toBe(2);
    expect(runCli(["review", "-f", capture, "--nope"]).status).toBe(2);
    expect(runCli(["frobnicate"]).status).toBe(2);
  });
});
