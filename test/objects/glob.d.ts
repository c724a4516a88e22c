/** Vite's import.meta.glob, used to read the Worker's sources as text (test/objects/residency.test.ts). */
interface ImportMeta {
  glob(pattern: string, options: { query: "?raw"; import: "default"; eager: true }): Record<string, unknown>;
}
