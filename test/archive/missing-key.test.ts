/** The archive without its key: deliveries go on, and the consumer says so once per isolate, as a warning. */
import { afterEach, expect, it, vi } from "vitest";
import { archiveBatch } from "../../src/archive/store.ts";
import { Config } from "../../src/config/schema.ts";
import type { Env } from "../../src/env.ts";
import { purchaseEvent } from "../contracts/fixture.ts";
import { testEnv } from "../helpers/worker.ts";

afterEach(() => vi.restoreAllMocks());

it("warns once per isolate that events are not archived when the key is unset, never as an error per batch", async () => {
  const name = `MISSING_ARCHIVE_KEY_${crypto.randomUUID().slice(0, 8).toUpperCase().replace(/-/g, "")}`;
  const cfg = Config.parse({ prefix: "/k7q", archive: { key_secret: name } });
  const errors = vi.spyOn(console, "error");
  const warnings = vi.spyOn(console, "warn");
  for (let i = 0; i < 3; i++) await archiveBatch(cfg, testEnv as Env, [purchaseEvent()], [`msg_${i}`], Date.now());
  expect(errors).not.toHaveBeenCalled();
  expect(warnings.mock.calls.map((c) => String(c[0]))).toEqual([`tagwire: events not archived: the secret ${name} (archive.key_secret) is not set`]);
});
