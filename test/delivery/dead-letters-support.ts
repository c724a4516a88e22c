/** A dead-letter store of its own per test (its objects named apart), and raw reads of what a shard holds. */
import { runInDurableObject } from "cloudflare:test";
import { DEAD_LETTER_DEFAULTS, type DeadLetterSettings } from "../../src/config/schema.ts";
import { DeadLetterStore, type DeadLetterInput } from "../../src/delivery/deadLetterStore.ts";
import type { Env } from "../../src/env.ts";
import { leadEvent } from "../contracts/fixture.ts";
import { testEnv } from "../helpers/worker.ts";

export const KEY = "dlk_test_0123456789abcdef0123456789abcdef";

export function storeFor(settings: Partial<DeadLetterSettings> = {}, env: Partial<Env> = {}) {
  const name = `dl-${crypto.randomUUID()}`;
  const e = { ...testEnv, TAGWIRE_DEAD_LETTER_KEY: KEY, ...env } as Env;
  return { name, env: e, store: new DeadLetterStore(e, { ...DEAD_LETTER_DEFAULTS, ...settings }, name) };
}

/** Every column of every row of one shard ("" = the unsharded object of earlier versions). */
export async function rawRows(name: string, shard: string): Promise<Record<string, unknown>[]> {
  const stub = testEnv.DEAD_LETTERS.get(testEnv.DEAD_LETTERS.idFromName(shard === "" ? name : `${name}-${shard}`));
  return runInDurableObject(stub, (_d, state) => state.storage.sql.exec("SELECT * FROM dead ORDER BY id").toArray() as Record<string, unknown>[]);
}

export const dead = (i: number, extra: Partial<DeadLetterInput> = {}): DeadLetterInput => ({
  destination: "crm",
  event: leadEvent({ event_id: `evt_dead_${String(i).padStart(3, "0")}` }),
  attempts: 1,
  reason: "drop",
  status: 400,
  body: '{"message":"Property values were not valid: jane.doe@example.com"}',
  ...extra,
});
