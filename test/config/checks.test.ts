/** config:check's checks beyond the schema: secrets, cookie domain against origins, placeholders, typos. */
import { describe, expect, it } from "vitest";
import { checkConfig, closestKey, domainCovers, keyTypos } from "../../src/config/checks.ts";
import { Config, type ConfigInput } from "../../src/config/schema.ts";

const base = (over: Partial<ConfigInput> = {}): ConfigInput => ({
  prefix: "/k7q",
  allowed_origins: ["https://shop.acme.io", "https://www.shop.acme.io"],
  cookies: { domain: "shop.acme.io" },
  destinations: {
    hook: { type: "webhook", url: "https://hooks.acme.io/t", secret: "HOOK_SECRET", pii: "hashed" },
    meta_test: { type: "meta", mode: "dry_run", pixel_id: "1234567890123456", access_token: "META_TOKEN" },
  },
  sources: { crm: { secret: "CRM_SIGNING_SECRET" } },
  ...over,
});
const KEYS = ["TAGWIRE_ARCHIVE_KEY", "TAGWIRE_DEAD_LETTER_KEY"];
const check = (raw: ConfigInput, secrets: string[] | null, production = false) =>
  checkConfig(Config.parse(raw), { secrets: secrets && new Set(secrets), production, raw });

describe("config checks", () => {
  it("reports each secret a live destination or a source names and the Worker lacks, by name", () => {
    const findings = check(base(), ["TAGWIRE_ADMIN_TOKEN"]);
    expect(findings.filter((f) => f.level === "error").map((f) => f.path)).toEqual(["destinations.hook.secret", "sources.crm.secret"]);
    expect(findings[0]!.message).toContain("HOOK_SECRET is not set");
  });

  it("does not ask for the secret of a dry_run destination, and is silent when every secret exists", () => {
    expect(check(base(), ["HOOK_SECRET", "CRM_SIGNING_SECRET", "TAGWIRE_ADMIN_TOKEN", ...KEYS])).toEqual([]);
  });

  it("warns about every other secret the config names: the archive and dead-letter keys, the alerts webhook, the user-id secret", () => {
    const raw = base({ alerts: { webhook_secret: "ALERTS_HOOK" }, identity: { verify_user_id: true } });
    const findings = check(raw, ["HOOK_SECRET", "CRM_SIGNING_SECRET", "TAGWIRE_ADMIN_TOKEN"]);
    expect(findings.map((f) => [f.level, f.path])).toEqual([
      ["warning", "identity.secret"],
      ["warning", "archive.key_secret"],
      ["warning", "dead_letters.key_secret"],
      ["warning", "alerts.webhook_secret"],
    ]);
    expect(findings.find((f) => f.path === "archive.key_secret")!.message).toBe(
      "secret TAGWIRE_ARCHIVE_KEY is not set: archive off: events are not archived, so there is no backfill source (wrangler secret put TAGWIRE_ARCHIVE_KEY; locally a line in .dev.vars)",
    );
    // The archive turned off needs no key.
    expect(check(base({ archive: { enabled: false } }), ["HOOK_SECRET", "CRM_SIGNING_SECRET", "TAGWIRE_ADMIN_TOKEN", "TAGWIRE_DEAD_LETTER_KEY"])).toEqual([]);
  });

  it("warns when the admin token is missing and skips secrets when their names are unknown", () => {
    expect(check(base(), ["HOOK_SECRET", "CRM_SIGNING_SECRET", ...KEYS])).toEqual([expect.objectContaining({ level: "warning", path: "admin.token_secret" })]);
    expect(check(base(), null)).toEqual([]);
  });

  it("fails a cookie domain that covers none of the allowed origins and warns for one it misses", () => {
    const none = check(base({ cookies: { domain: "shop.other.io" } }), null);
    expect(none).toEqual([expect.objectContaining({ level: "error", path: "cookies.domain" })]);
    const one = check(base({ allowed_origins: ["https://shop.acme.io", "https://acme-shop.io"] }), null);
    expect(one).toEqual([expect.objectContaining({ level: "warning", message: expect.stringContaining("https://acme-shop.io") })]);
  });

  it("matches domains as browsers do: a parent domain covers subdomains, not look-alikes", () => {
    expect(domainCovers(".acme.io", "shop.acme.io")).toBe(true);
    expect(domainCovers("acme.io", "acme.io")).toBe(true);
    expect(domainCovers("acme.io", "notacme.io")).toBe(false);
  });

  it("flags example.com placeholders in a production config only", () => {
    const raw = base({ allowed_origins: ["https://shop.example.com"], cookies: { domain: "shop.example.com" } });
    const prod = check(raw, null, true).map((f) => f.path);
    expect(prod).toEqual(expect.arrayContaining(["allowed_origins[0]", "cookies.domain"]));
    expect(check(raw, null, false)).toEqual([]);
  });

  it("suggests the closest known key for a typo, in nested objects and inside a destination", () => {
    const raw = { ...base(), cookies: { domian: "shop.acme.io" }, alowed_origins: [] } as Record<string, unknown>;
    (raw.destinations as Record<string, Record<string, unknown>>).hook!.mdoe = "live";
    const msgs = Object.fromEntries(keyTypos(raw).map((f) => [f.path, f.message]));
    expect(msgs["cookies.domian"]).toContain('did you mean "domain"');
    expect(msgs["alowed_origins"]).toContain('did you mean "allowed_origins"');
    expect(msgs["destinations.hook.mdoe"]).toContain('did you mean "mode"');
  });

  it("does not guess when nothing known is close", () => {
    expect(closestKey("zzzzzzzz", ["domain", "id_name"])).toBeUndefined();
  });
});
