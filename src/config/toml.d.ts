/** Config files are bundled as text modules (wrangler.toml [[rules]] type "Text"): importing one gives its text. */
declare module "*.toml" {
  const text: string;
  export default text;
}
