/** Dead letters are encrypted at rest, and still replay raw emails to a CRM. */
import { describe, expect, it } from "vitest";
import { DEAD_LETTER_DEFAULTS } from "../../src/config/schema.ts";
import { DeadLetterStore } from "../../src/delivery/deadLetterStore.ts";
import type { Env } from "../../src/env.ts";
import { KEY, dead, rawRows, storeFor } from "./dead-letters-support.ts";

describe("dead letters at rest", () => {
  it("stores no email, name or vendor answer in clear, and lists them decrypted", async () => {
    const { name, store } = storeFor({ shards: 1 });
    await store.add([dead(1, { progress: { done: ["contact"] } })], Date.now());
    const rows = await rawRows(name, "0");
    expect(rows).toHaveLength(1);
    const stored = JSON.stringify(rows[0]);
    // Strings with characters base64 never holds, so random ciphertext cannot contain them by chance.
    for (const clear of ["jane.doe@example.com", "Jane.Doe@Example.com", "Property values", "+1 (415)", '"Doe"', '"Jane"']) expect(stored).not.toContain(clear);
    expect(String(rows[0]!.payload)).toMatch(/^v1\.[0-9a-f]{16}\./);

    const [d] = await store.list({});
    expect(d).toMatchObject({ event_id: "evt_dead_001", encrypted: true, progress: { done: ["contact"] }, reason: "drop", status: 400 });
    expect(d!.event?.user.email).toBe("Jane.Doe@Example.com ");
    expect(d!.body).toContain("Property values were not valid");
  });

  it("takes a dead letter for replay with its raw traits, so HubSpot and Salesforce get the email again", async () => {
    const { store } = storeFor({ shards: 2 });
    await store.add([dead(1), dead(2)], Date.now());
    const taken = await store.takeForReplay({ destination: "crm" }, Date.now());
    expect(taken.map((d) => d.event?.user.email)).toEqual(["Jane.Doe@Example.com ", "Jane.Doe@Example.com "]);
    expect(await store.takeForReplay({ destination: "crm" }, Date.now())).toEqual([]);
    await store.unmark(taken.map((d) => d.id));
    expect(await store.list({})).toHaveLength(2);
  });

  it("cannot open a row after the key changed, keeps it a dead letter, and opens it again with previous_key_secret", async () => {
    const { name, env, store } = storeFor({ shards: 1 });
    await store.add([dead(1)], Date.now());
    const settings = { ...DEAD_LETTER_DEFAULTS, shards: 1 };
    const rotated = { ...env, TAGWIRE_DEAD_LETTER_KEY: "dlk_new_key_ffffffffffffffffffffffffffff" } as Env;
    const moved = new DeadLetterStore(rotated, settings, name);
    const [locked] = await moved.list({});
    expect(locked).toMatchObject({ event: null, encrypted: true, problem: expect.stringContaining("not set") });
    expect(await moved.takeForReplay({}, Date.now())).toEqual([]);

    const withPrevious = new DeadLetterStore({ ...rotated, OLD_DEAD_LETTER_KEY: KEY } as Env, { ...settings, previous_key_secret: "OLD_DEAD_LETTER_KEY" }, name);
    expect((await withPrevious.list({}))[0]!.event?.event_id).toBe("evt_dead_001");
  });
});
