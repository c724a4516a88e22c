/** Reddit behaviour the contract cases cannot show: test mode and Reddit's own email canonicalization. */
import { describe, expect, it } from "vitest";
import { sha256Hex } from "../../src/identity/hash.ts";
import { redditEmail } from "../../src/destinations/reddit/email.ts";
import { RedditSettings, reddit } from "../../src/destinations/reddit/index.ts";
import { adapterContext, leadEvent } from "../contracts/fixture.ts";

const settings = RedditSettings.parse({ ad_account_id: "t2_contract", conversion_token: "REDDIT_TOKEN" });

describe("reddit adapter", () => {
  it("sets test_mode true in the body in test mode", async () => {
    const r = await reddit.build([leadEvent()], adapterContext(settings, { conversion_token: "tok" }, "test", { lead_submitted: "Lead" }));
    expect(JSON.parse(r.requests[0]!.request.body!)).toMatchObject({ test_mode: true });
  });

  it.each([
    ["Al.ice$+Apple@Example.Com", "alice@example.com"],
    ["Jane.Doe@Example.com ", "janedoe@example.com"],
    ["jane_doe+news@example.co.uk", "janedoe@example.co.uk"],
    ["JOSÉ.Núñez@Example.es", "josénúñez@example.es"],
    ["C4D25E9C90FF23E9145397BC6FBD5385CA5FBE78211222CCBECD0B369EBB19A6", "c4d25e9c90ff23e9145397bc6fbd5385ca5fbe78211222ccbecd0b369ebb19a6"],
    ["+tag@example.com", undefined],
    ["no-at-sign", undefined],
    ["user@", undefined],
  ])("canonicalizes %s to %s", (raw, want) => {
    expect(redditEmail(raw)).toBe(want);
  });

  it("reproduces Reddit's documented example hash", async () => {
    expect(await sha256Hex(redditEmail("Al.ice$+Apple@Example.Com")!)).toBe(
      "ff8d9819fc0e12bf0d24892e45987e249a28dce836a85cad60e28eaaa8c6d976",
    );
  });
});
