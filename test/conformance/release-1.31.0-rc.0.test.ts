import { resolve } from "node:path";
import { releaseCorpus } from "../helpers/istio-releases.ts";
import { paritySuite } from "../helpers/parity-suite.ts";

/**
 * Istio 1.31.0-rc.0's golden corpus through 1.31.0-rc.0's own ConfigMaps and Go templates (issue "Your cluster's
 * Istio, verbatim"): the webhook leg on the ConfigMaps, the CLI leg with istioctl's three files.
 */
paritySuite(releaseCorpus("1.31.0-rc.0"), resolve(import.meta.dirname, "baseline-1.31.0-rc.0.json"));
