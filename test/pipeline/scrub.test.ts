/** Emails and phone numbers outside the traits never reach a destination: URLs, referrer, title, ids, properties. */
import { describe, expect, it } from "vitest";
import { Config } from "../../src/config/schema.ts";
import { runPipeline } from "../../src/pipeline/index.ts";
import { scrubText, scrubUrl } from "../../src/pipeline/scrub.ts";
import { testConfig } from "../support/testConfig.ts";
import { CONTRACTS } from "../contracts/index.ts";
import { runContract } from "../contracts/run.ts";

const LEAKS = [
  "url.person@example.com",
  "url.person%40example.com",
  "path.person@example.com",
  "path.person%40example.com",
  "ref.person",
  "title.person",
  "prop.person",
  "nested.person",
  "id.person",
  "utm.person",
  "415 555 0100",
  "415-555-0100",
  "7946 0958",
  "7946%200958",
  "secretpw",
];

function scrubbed(extra: Record<string, unknown> = {}, keep: string[] = []) {
  const cfg = Config.parse({ ...testConfig("http://127.0.0.1:9"), privacy: { keep_properties: keep } });
  const now = Date.now();
  const r = runPipeline({
    cfg,
    items: [
      {
        name: "purchase_completed",
        event_id: "evt_scrub_0001",
        user_id: "id.person@example.com",
        properties: {
          order_id: "ord_1",
          value: 10,
          currency: "USD",
          note: "call +44 (0)20 7946 0958 or mail prop.person@example.com",
          contact: { list: ["nested.person@example.com", "(415) 555-0100"] },
          items: [{ id: "sku_1", name: "For prop.person@example.com", quantity: 1, price: 10 }],
        },
        page: {
          url: "https://user:secretpw@shop.example.com/u/path.person%40example.com/done?email=url.person%40example.com&tel=%2B1%20415%20555%200100&utm_source=newsletter&utm_content=utm.person@example.com#m=url.person@example.com",
          title: "Thanks title.person@example.com, we call 415-555-0100",
          referrer: "https://mail.example.com/?to=ref.person@example.com",
        },
        ...extra,
      },
    ],
    batch: false,
    source: "browser",
    request: new Request("https://t.shop.example.com/k7q/e", { method: "POST", headers: { "cf-connecting-ip": "203.0.113.10", "user-agent": "Mozilla/5.0 (Macintosh) Chrome/126.0.0.0 Safari/537.36" } }),
    now,
  });
  expect(r.rejected).toEqual([]);
  return r.events[0]!;
}

describe("PII scrub", () => {
  it("masks emails and formatted phone numbers in text, and leaves ids, dates, IPs and prices alone", () => {
    const EMAIL = /^\[email:[0-9a-f]{16}\]$/;
    const PHONE = /^\[phone:[0-9a-f]{16}\]$/;
    expect(scrubText("mail jane.doe+x@example.co.uk now")).toMatch(/^mail \[email:[0-9a-f]{16}\] now$/);
    expect(scrubText("jane%40example.com")).toMatch(EMAIL);
    expect(scrubText("+1 (415) 555-0100")).toMatch(PHONE);
    expect(scrubText("tel 0044 20 7946 0958")).toMatch(/^tel \[phone:[0-9a-f]{16}\]$/);
    expect(scrubText("020 7946 0958")).toMatch(PHONE);
    for (const same of ["ord_1780315000", "1780315000", "2026-06-01T12:00:00.000Z", "203.0.113.10", "01970a5e-2f00-7000-8000-000000000001", "129.99", "SKU-1234-5678"]) {
      expect(scrubText(same)).toBe(same);
    }
  });

  it("keeps distinct values distinct, and one value one mark whatever its case or encoding", () => {
    expect(scrubText("a@example.com")).not.toBe(scrubText("b@example.com"));
    expect(scrubText("A@Example.com")).toBe(scrubText("a%40example.com"));
    expect(scrubText("+1 415 555 0100")).toBe(scrubText("+1 (415) 555-0100"));
  });

  it("cleans a URL's path, query, fragment and credentials, and leaves a clean URL byte for byte", () => {
    const clean = "https://shop.example.com/a%20b/c?q=shoes+red&gclid=Cj0_x";
    expect(scrubUrl(clean)).toBe(clean);
    const u = scrubUrl("https://u:p@shop.example.com/x/jane%40example.com?e=jane@example.com&gclid=G1#jane@example.com");
    expect(u).not.toMatch(/jane|u:p@/);
    expect(new URL(u).searchParams.get("gclid")).toBe("G1");
    expect(scrubUrl("https://shop.example.com/?tel=%2B1+415+555+0100&x=1")).not.toContain("415");
    expect(scrubUrl("https://shop.example.com/call/+14155550100")).not.toContain("4155550100");
  });

  it("cleans the canonical event: page, referrer, title, campaign, user_id and properties", () => {
    const e = scrubbed();
    const text = JSON.stringify({ ...e, user: {} });
    for (const leak of LEAKS) expect(text).not.toContain(leak);
    expect(e.user_id).toBeNull();
    expect(e.properties.order_id).toBe("ord_1");
    expect(e.campaign.source).toBe("newsletter");
  });

  it("leaves the properties the config allows as they were sent", () => {
    const e = scrubbed({}, ["note"]);
    expect(e.properties.note).toBe("call +44 (0)20 7946 0958 or mail prop.person@example.com");
    expect(JSON.stringify(e.properties.contact)).not.toContain("nested.person");
  });

  it("replaces an event_id holding an email", () => {
    expect(scrubbed({ event_id: "order-for-id.person@example.com" }).event_id).not.toContain("person");
  });

  for (const mod of CONTRACTS) {
    it(`sends no email or phone from URL, referrer, title, ids or properties to ${mod.type}`, async () => {
      const e = scrubbed();
      // With an email trait, as a real purchase has, so CRM destinations build their requests too.
      const { requests } = await runContract(mod, [{ ...e, user: { email: "trait@example.com" }, time: "2026-06-01T12:00:00.000Z", received_at: "2026-06-01T12:00:01.000Z" }]);
      expect(requests.length).toBeGreaterThan(0);
      for (const r of requests) {
        const wire = decodeURIComponent(`${r.url}\n${JSON.stringify(r.headers)}\n${r.body ?? ""}`.replace(/%(?![0-9a-f]{2})/gi, "%25"));
        for (const leak of LEAKS) expect(wire, `${mod.type}: ${leak}`).not.toContain(leak.replace("%40", "@").replace("%20", " "));
      }
    });
  }
});

describe("UUIDs are not phone numbers", () => {
  it("keeps a client event_id and a URL path holding a UUID whose middle groups are all digits, and still scrubs a real phone", async () => {
    const { scrubText, hasPii } = await import("../../src/pipeline/scrub.ts");
    const id = "evt_63214cf1-7736-4937-9247-bd262fa88b84";
    expect(hasPii(id)).toBe(false);
    expect(scrubText(`https://shop.example.com/orders/${id.slice(4)}?x=1`)).toBe(`https://shop.example.com/orders/${id.slice(4)}?x=1`);
    expect(scrubText("call 415-555-0100 now")).toMatch(/^call \[phone:[0-9a-f]{16}\] now$/);
  });
});
