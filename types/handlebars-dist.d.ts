// The dist build is the full compiler without lib/index.js's require.extensions hook, and bundles
// smaller (see shared/reference/ecosystem-measurements.md Q2); it ships no types of its own.
declare module "handlebars/dist/cjs/handlebars.js" {
  import Handlebars from "handlebars";
  export default Handlebars;
}
