import { describe, expect, it } from "vitest";
import { redactHeaders, redactor } from "../../src/delivery/redact.ts";

describe("redactor", () => {
  it("replaces every copy of a secret, plain and URL-encoded, with its name", () => {
    const r = redactor({ api_secret: "s3cr/t+key", token: "tok_0000", short: "abc", unset: undefined });
    expect(r("a=s3cr/t+key&b=s3cr%2Ft%2Bkey&c=s3cr/t+key")).toBe("a=[secret:api_secret]&b=[secret:api_secret]&c=[secret:api_secret]");
    expect(r('{"t":"tok_0000","u":"abc"}')).toBe('{"t":"[secret:token]","u":"abc"}');
    expect(r("nothing secret here")).toBe("nothing secret here");
  });

  it("leaves strings alone when no secret is long enough to be told apart", () => {
    expect(redactor({ a: "abc", b: undefined })("abc abc")).toBe("abc abc");
  });

  it("redacts authorization headers whole and secrets inside others", () => {
    const r = redactor({ token: "tok_0000" });
    expect(redactHeaders({ Authorization: "Bearer x", "x-trace": "id tok_0000" }, r)).toEqual({ Authorization: "[redacted]", "x-trace": "id [secret:token]" });
  });
});
