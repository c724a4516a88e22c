/** Vite's `?raw` imports (a file's text), used to check documentation examples. */
declare module "*.md?raw" {
  const text: string;
  export default text;
}
