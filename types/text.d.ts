// Template files are bundled as text by esbuild and by the vitest plugin in vitest.config.ts.
declare module "*.hbs" {
  const text: string;
  export default text;
}
