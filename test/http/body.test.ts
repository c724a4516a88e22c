import { describe, expect, it } from "vitest";
import { readText } from "../../src/http/body.ts";
import { HttpError } from "../../src/http/responses.ts";

const post = (body: BodyInit, headers: Record<string, string> = {}) => new Request("https://t.example.com/e", { method: "POST", body, headers });
const streamOf = (...parts: string[]) =>
  new ReadableStream<Uint8Array>({
    start(c) {
      for (const p of parts) c.enqueue(new TextEncoder().encode(p));
      c.close();
    },
  });
const failure = async (p: Promise<unknown>) => {
  const e = await p.then(() => undefined, (x: unknown) => x);
  expect(e).toBeInstanceOf(HttpError);
  return e as HttpError;
};

describe("readText", () => {
  it("reads a body with a declared length and one streamed without, the same text", async () => {
    const text = '{"name":"purchase_completed","é":"✓"}';
    const bytes = new TextEncoder().encode(text);
    expect(await readText(post(bytes, { "content-length": String(bytes.length) }), 100)).toBe(text);
    expect(await readText(post(streamOf(text.slice(0, 10), text.slice(10))), 100)).toBe(text);
  });

  it("refuses a declared or streamed body over the limit with 413, and bytes that are not UTF-8 with 400", async () => {
    expect((await failure(readText(post("x".repeat(101), { "content-length": "101" }), 100))).status).toBe(413);
    expect((await failure(readText(post(streamOf("x".repeat(60), "y".repeat(60))), 100))).status).toBe(413);
    const bad = new Uint8Array([0x7b, 0xff, 0x7d]);
    expect((await failure(readText(post(bad, { "content-length": "3" }), 100))).status).toBe(400);
    expect((await failure(readText(post(new ReadableStream({ start: (c) => (c.enqueue(bad), c.close()) })), 100))).status).toBe(400);
  });
});
