import { resolve } from "node:path";
import { MASTER } from "../helpers/parity.ts";
import { paritySuite } from "../helpers/parity-suite.ts";

/**
 * Istio parity over the shared master golden corpus (shared/fixtures/istio) through Outrigger's own
 * config and built-in templates. The floor is parity-baseline.json (see test/helpers/parity-suite.ts).
 */
paritySuite(MASTER, resolve(import.meta.dirname, "parity-baseline.json"));
