/** Starts the destination test double before the suite and hands its port to the Worker's bindings. */
import type { TestProject } from "vitest/node";
import { startDouble } from "./double.ts";

declare module "vitest" {
  export interface ProvidedContext {
    doublePort: number;
  }
}

export default async function setup(project: TestProject) {
  const { server, port } = await startDouble();
  project.provide("doublePort", port);
  return () => new Promise<void>((resolve) => server.close(() => resolve()));
}
