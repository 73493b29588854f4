import { resolve } from "node:path";
import { releaseCorpus } from "../helpers/istio-releases.ts";
import { paritySuite } from "../helpers/parity-suite.ts";

/**
 * Istio 1.30.3's golden corpus through 1.30.3's own ConfigMaps and Go templates (issue "Your cluster's
 * Istio, verbatim"): the webhook leg on the ConfigMaps, the CLI leg with istioctl's three files.
 */
paritySuite(releaseCorpus("1.30.3"), resolve(import.meta.dirname, "baseline-1.30.3.json"));
