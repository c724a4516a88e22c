import { createExecutionContext, waitOnExecutionContext } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import devWorker from "../../dev/worker.ts";
import { configFor } from "../../src/config/bundled.ts";
import type { Env } from "../../src/env.ts";
import worker from "../../src/index.ts";
import { tagwire } from "../../src/worker.ts";
import { BASE, P, testEnv } from "../helpers/worker.ts";

const noVar = { ...testEnv, TAGWIRE_CONFIG: undefined } as unknown as Env;

async function health(w: { fetch: (r: Request, e: Env, c: ExecutionContext) => Promise<Response> }, env: Env) {
  const ctx = createExecutionContext();
  // The details (version, destinations) are for the admin token; the public answer is only ok or not.
  const res = await w.fetch(new Request(`${BASE}${P}/health`, { headers: { authorization: "Bearer admin_test_token_0123456789" } }), env, ctx);
  await waitOnExecutionContext(ctx);
  return { status: res.status, body: (await res.json()) as Record<string, any> };
}

describe("the config file bundled into the Worker", () => {
  it("is what production runs when no TAGWIRE_CONFIG var is set (tagwire.config.toml)", async () => {
    const { status, body } = await health(worker, noVar);
    expect(status).toBe(200);
    expect(body).toMatchObject({ version: "2026-11-22.1" });
    // Its live webhook has no secret set here: the config is running, and health says it is degraded.
    expect(body.status).toBe("degraded");
    expect(body.destinations.map((d: { id: string }) => d.id)).toEqual(["warehouse"]);
  });

  it("is the demo config in [env.dev] (dev/tagwire.config.toml)", async () => {
    const { body } = await health(devWorker, noVar);
    expect(body).toMatchObject({ status: "ok", version: "demo", events_in_plan: 3 });
  });

  it("runs the demo out of the box: no archive key needed, nothing missing that loses data", async () => {
    const bare = { ...noVar, TAGWIRE_ARCHIVE_KEY: undefined, TAGWIRE_DEAD_LETTER_KEY: undefined } as unknown as Env;
    const { body } = await health(devWorker, bare);
    expect(body.status).toBe("ok");
    expect(body.missing_secrets.map((m: { path: string }) => m.path)).not.toContain("archive.key_secret");
  });

  it("is replaced by a TAGWIRE_CONFIG var when one is set", async () => {
    const { body } = await health(worker, testEnv);
    expect(body.version).toBe("test");
    const asJson = { ...testEnv, TAGWIRE_CONFIG: JSON.stringify({ version: "from-json", prefix: "/k7q" }) } as Env;
    expect((await health(worker, asJson)).body.version).toBe("from-json");
  });

  it("is parsed once per isolate, not per request", () => {
    const configOf = configFor({ name: "t.toml", text: 'version = "once"\nprefix = "/k7q"\n' });
    const first = configOf(noVar);
    expect(first.ok && first.config.version).toBe("once");
    expect(configOf(noVar)).toBe(first);
  });

  it("answers 500 config_invalid naming the file and the line of a TOML syntax error", async () => {
    const broken = tagwire({ name: "tagwire.config.toml", text: 'version = "x"\nprefix = "/k7q"\n[plan\n' });
    const { status, body } = await health(broken, noVar);
    expect(status).toBe(500);
    expect(body.error).toBe("config_invalid");
    expect(body.problems).toEqual([{ path: "tagwire.config.toml", message: expect.stringMatching(/^is not valid TOML at line 3, column \d+: /) }]);
  });

  it("reaches the queue consumer too: it reads the file's config from env when no var is set", () => {
    const file = { name: "t.toml", text: 'version = "q"\nprefix = "/k7q"\n' };
    expect(configFor(file).env(noVar).TAGWIRE_CONFIG).toBe(file.text);
    expect(configFor(file).env(testEnv)).toBe(testEnv);
  });
});
