/**
 * The shape a source sends (browser SDK, pixel query, server). Validated here before the tracking plan;
 * errors carry the field's path and the rule it broke.
 */
import { z } from "zod";

const s = (max: number) => z.string().max(max, `at most ${max} characters`);
const consentSignal = z.union([z.boolean(), z.enum(["granted", "denied"])]);

export const IncomingTraits = z.strictObject({
  email: s(256).optional(),
  phone: s(64).optional(),
  first_name: s(128).optional(),
  last_name: s(128).optional(),
  gender: s(32).optional(),
  date_of_birth: s(32).optional(),
  street: s(256).optional(),
  city: s(128).optional(),
  state: s(128).optional(),
  /** What many CRMs call the state; read as `state` when that is absent. */
  region: s(128).optional(),
  postal_code: s(32).optional(),
  country: s(64).optional(),
  external_id: s(256).optional(),
});

export const IncomingEvent = z.strictObject({
  event_id: s(128).optional().describe("Your id for this occurrence (UUID or order number); generated when absent"),
  name: s(100).min(1, "must not be empty").describe("snake_case event name from the tracking plan"),
  type: z.enum(["track", "page", "identify"]).optional(),
  time: z
    .union([s(40), z.number().finite()])
    .optional()
    .describe("When it happened: ISO 8601 or Unix milliseconds"),
  properties: z.record(s(100), z.unknown()).optional(),
  page: z
    .strictObject({
      url: s(2048).optional(),
      path: s(2048).optional(),
      title: s(512).optional(),
      referrer: s(2048).optional(),
    })
    .optional(),
  user_id: s(256).optional(),
  user_id_signature: s(128)
    .optional()
    .describe("HMAC-SHA256(secret, user_id) in hex, from your backend (identity.verify_user_id)"),
  traits: IncomingTraits.optional(),
  consent: z
    .strictObject({
      analytics_storage: consentSignal.optional(),
      ad_storage: consentSignal.optional(),
      ad_user_data: consentSignal.optional(),
      ad_personalization: consentSignal.optional(),
    })
    .optional(),
  // Server-to-server sources may say who the visitor is and what they clicked; browsers are read from cookies.
  anonymous_id: s(128).optional(),
  session_id: s(64).optional(),
  click_ids: z.record(s(32), s(512)).optional(),
  context: z
    .strictObject({
      ip: s(64).optional(),
      user_agent: s(1024).optional(),
      locale: s(35).optional(),
    })
    .optional(),
});
export type IncomingEvent = z.infer<typeof IncomingEvent>;

export interface FieldError {
  path: string;
  message: string;
}

const RESERVED = new Set(["__proto__", "constructor", "prototype"]);
const MAX_DEPTH = 5;
const MAX_STRING = 1024;
const MAX_KEYS = 100;
const MAX_ITEMS = 100;

/** Property values: JSON only, bounded depth, size and width; no prototype-polluting keys. */
export function checkPropertyValue(value: unknown, path: string, depth: number, errors: FieldError[]): void {
  if (errors.length > 20) return;
  switch (typeof value) {
    case "string":
      if (value.length > MAX_STRING) errors.push({ path, message: `at most ${MAX_STRING} characters` });
      return;
    case "number":
      if (!Number.isFinite(value)) errors.push({ path, message: "expected a finite number" });
      return;
    case "boolean":
      return;
    case "object": {
      if (value === null) return;
      if (depth >= MAX_DEPTH) {
        errors.push({ path, message: `nested deeper than ${MAX_DEPTH} levels` });
        return;
      }
      if (Array.isArray(value)) {
        if (value.length > MAX_ITEMS) errors.push({ path, message: `at most ${MAX_ITEMS} items` });
        else value.forEach((v, i) => checkPropertyValue(v, `${path}[${i}]`, depth + 1, errors));
        return;
      }
      const keys = Object.keys(value);
      if (keys.length > MAX_KEYS) {
        errors.push({ path, message: `at most ${MAX_KEYS} keys` });
        return;
      }
      for (const k of keys) {
        const p = `${path}.${k}`;
        if (RESERVED.has(k)) errors.push({ path: p, message: "reserved key name" });
        else if (k.length > 100) errors.push({ path: `${path}`, message: "keys are at most 100 characters" });
        else checkPropertyValue((value as Record<string, unknown>)[k], p, depth + 1, errors);
      }
      return;
    }
    default:
      errors.push({ path, message: "expected a JSON value" });
  }
}

function joinPath(prefix: string, path: readonly PropertyKey[]): string {
  let out = prefix;
  for (const seg of path) {
    if (typeof seg === "number") out += `[${seg}]`;
    else out += out ? `.${String(seg)}` : String(seg);
  }
  return out;
}

/** Validates one raw item; `prefix` is "" for a single event or "batch[3]" inside a batch. */
export function validateIncoming(
  raw: unknown,
  prefix: string,
): { ok: true; event: IncomingEvent } | { ok: false; errors: FieldError[] } {
  if (typeof raw !== "object" || raw === null || Array.isArray(raw)) {
    return { ok: false, errors: [{ path: prefix || "body", message: "expected an event object" }] };
  }
  for (const k of Object.keys(raw)) {
    if (RESERVED.has(k)) return { ok: false, errors: [{ path: joinPath(prefix, [k]), message: "reserved key name" }] };
  }
  // Walk properties before zod copies them, so a "__proto__" key never reaches an object literal.
  const rawProps = (raw as Record<string, unknown>).properties;
  if (typeof rawProps === "object" && rawProps !== null && !Array.isArray(rawProps)) {
    const errors: FieldError[] = [];
    checkPropertyValue(rawProps, joinPath(prefix, ["properties"]), 0, errors);
    if (errors.length) return { ok: false, errors };
  }
  const parsed = IncomingEvent.safeParse(raw);
  if (!parsed.success) {
    return {
      ok: false,
      errors: parsed.error.issues.slice(0, 20).map((i) => ({
        path: joinPath(prefix, i.code === "unrecognized_keys" ? [...i.path, i.keys[0]!] : i.path),
        message: i.code === "unrecognized_keys" ? "unknown field" : i.message,
      })),
    };
  }
  return { ok: true, event: parsed.data };
}
