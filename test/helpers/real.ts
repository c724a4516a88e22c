/** Sends a request to the Worker as a real invocation: deployed bindings, real queue, bound config. */
import { exports } from "cloudflare:workers";

const entry = (exports as unknown as { default: Fetcher }).default;

export async function viaWorker<T>(req: Request): Promise<{ status: number; body: T }> {
  const res = await entry.fetch(req);
  return { status: res.status, body: (await res.json()) as T };
}
