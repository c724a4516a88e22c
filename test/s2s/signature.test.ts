import { describe, expect, it } from "vitest";
import { bucket, call, configWithHook, doubleRequests } from "../helpers/worker.ts";
import { signedRequest } from "../helpers/s2s.ts";

const lead = () => ({
  name: "lead_submitted",
  event_id: `evt_s2s_${crypto.randomUUID()}`,
  properties: { lead_id: "lead_1" },
  anonymous_id: "anon_from_backend",
  traits: { email: "jane@example.com" },
  context: { ip: "198.51.100.7", user_agent: "Mozilla/5.0" },
});

async function errorOf(res: Response): Promise<string> {
  expect(res.status).toBe(401);
  return ((await res.json()) as { error: string }).error;
}

describe("POST P/s2s", () => {
  it("accepts a validly signed event as a server event and delivers it", async () => {
    const b = bucket();
    const e = lead();
    const res = await call(await signedRequest(e), { config: configWithHook(b) });
    expect(res.status).toBe(202);
    expect(res.headers.get("access-control-allow-origin")).toBeNull();
    const sent = JSON.parse((await doubleRequests(b))[0]!.body).events[0];
    expect(sent).toMatchObject({ event_id: e.event_id, source: "server", anonymous_id: "anon_from_backend" });
  });

  it("rejects a signature made with the wrong secret as signature_invalid", async () => {
    expect(await errorOf(await call(await signedRequest(lead(), { secret: "not_the_secret" })))).toBe("signature_invalid");
  });

  it("rejects a body changed after signing as signature_invalid", async () => {
    const e = lead();
    const tampered = JSON.stringify({ ...e, properties: { lead_id: "lead_2" } });
    expect(await errorOf(await call(await signedRequest(e, { sentBody: tampered })))).toBe("signature_invalid");
  });

  it("rejects a timestamp more than 300 s away as timestamp_out_of_window", async () => {
    const old = Math.floor(Date.now() / 1000) - 301;
    expect(await errorOf(await call(await signedRequest(lead(), { timestamp: old })))).toBe("timestamp_out_of_window");
    const ahead = Math.floor(Date.now() / 1000) + 301;
    expect(await errorOf(await call(await signedRequest(lead(), { timestamp: ahead })))).toBe("timestamp_out_of_window");
  });

  it("delivers a replayed signed request's events once: the consumer discards the second use of a signature", async () => {
    const b = bucket();
    const config = configWithHook(b);
    const anonymous_id = `anon_${crypto.randomUUID()}`;
    const first = { ...lead(), anonymous_id };
    const second = { ...lead(), anonymous_id, properties: { lead_id: "lead_2" } };
    // One signed batch of two events: events 2..N of one request pass the replay check.
    const req = await signedRequest({ batch: [first, second] });
    const again = req.clone();
    expect((await call(req, { config })).status).toBe(202);
    // The request path reaches no Durable Object, so a replay is answered 202 too (see docs/s2s.md).
    expect((await call(again, { config })).status).toBe(202);
    const ids = (await doubleRequests(b)).flatMap((r) => (JSON.parse(r.body).events as { event_id: string }[]).map((e) => e.event_id));
    expect(ids.sort()).toEqual([first.event_id, second.event_id].sort());
  });

  it("rejects a missing signature header as signature_missing and an unknown source as unknown_source", async () => {
    const req = await signedRequest(lead());
    const bare = new Request(req, { headers: { "content-type": "application/json" } });
    expect(await errorOf(await call(bare))).toBe("signature_missing");
    expect(await errorOf(await call(await signedRequest(lead(), { source: "elsewhere" })))).toBe("unknown_source");
  });
});
