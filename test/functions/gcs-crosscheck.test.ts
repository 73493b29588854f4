import { Storage } from "@google-cloud/storage";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { gcsSource } from "../../functions/shared/config/gcs.ts";
import { type GoogleFake, startGoogleFake } from "../helpers/gcs-fake.ts";

// There is no GCS emulator on this machine, so the in-repo fake stands in for GCS. To keep the
// fake honest, Google's own client (@google-cloud/storage, a dev dependency) reads through it too:
// if the fake's answers drifted from the real API's shapes, the SDK would fail here.
describe("the GCS fake, cross-checked with @google-cloud/storage", () => {
  let google: GoogleFake;
  let storage: Storage;
  const previous = process.env.STORAGE_EMULATOR_HOST;
  beforeAll(async () => {
    google = await startGoogleFake();
    process.env.STORAGE_EMULATOR_HOST = google.base;
    storage = new Storage({ projectId: "test", apiEndpoint: google.base });
  });
  afterAll(async () => {
    if (previous === undefined) delete process.env.STORAGE_EMULATOR_HOST;
    else process.env.STORAGE_EMULATOR_HOST = previous;
    await google?.close();
  });

  it("serves the same object and generation to the SDK and to Outrigger's loader", async () => {
    const generation = google.put("cfg", "outrigger/config.yaml", "policy: enabled\n");
    const [meta] = await storage.bucket("cfg").file("outrigger/config.yaml").getMetadata();
    expect(String(meta.generation)).toBe(String(generation));
    const [bytes] = await storage.bucket("cfg").file("outrigger/config.yaml").download();
    expect(bytes.toString("utf8")).toBe("policy: enabled\n");

    const source = gcsSource(
      "gs://cfg/outrigger/config.yaml",
      { STORAGE_EMULATOR_HOST: google.host },
      { fetch, now: Date.now },
    );
    expect(source.ok).toBe(true);
    if (!source.ok) return;
    const first = await source.value.load();
    expect(first).toMatchObject({ kind: "changed", text: "policy: enabled\n" });
    const validator = first.kind === "changed" ? first.validator : undefined;
    expect(validator?.value).toBe(String(generation));
    expect(await source.value.load(validator)).toEqual({ kind: "unchanged" });
  });

  it("sees a new generation after an update, through both clients", async () => {
    const g2 = google.put("cfg", "outrigger/config.yaml", "policy: disabled\n");
    const [meta] = await storage.bucket("cfg").file("outrigger/config.yaml").getMetadata();
    expect(String(meta.generation)).toBe(String(g2));
    const source = gcsSource(
      "gs://cfg/outrigger/config.yaml",
      { STORAGE_EMULATOR_HOST: google.host },
      { fetch, now: Date.now },
    );
    if (!source.ok) throw new Error(source.error);
    expect(await source.value.load()).toMatchObject({ kind: "changed", text: "policy: disabled\n" });
  });

  it("answers a missing object the way the SDK expects (404 error with a reason)", async () => {
    await expect(storage.bucket("cfg").file("nope.yaml").getMetadata()).rejects.toMatchObject({ code: 404 });
  });
});
