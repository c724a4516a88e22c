/** Vite's `?raw` imports (a fixture's text). */
declare module "*.csv?raw" {
  const text: string;
  export default text;
}
