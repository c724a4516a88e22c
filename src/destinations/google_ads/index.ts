/**
 * Google Ads click conversions (shared/reference/destinations.md §3): customers/{id}:uploadClickConversions
 * with an OAuth access token (refresh-token exchange, cached by delivery) and the developer token. Each row
 * carries exactly one of gclid / gbraid / wbraid, or, for enhanced conversions for leads, only hashed
 * identifiers. partialFailure is always on: rows Google rejects come back per row and are dead-lettered alone.
 */
import { z } from "zod";
import { classifyStatus } from "../../outcome/classify.ts";
import type { CanonicalEvent } from "../../event/canonical.ts";
import { hashNormalized } from "../../identity/hash.ts";
import { normalizeEmail, normalizePhone } from "../../identity/normalize.ts";
import { baseUrl, defaultPhoneCountrySetting, mapEvents, orderIdOf, phoneCountryOf, secretNameSetting } from "../adFields.ts";
import type { BuildContext, BuildResult, BuiltRequest, DestinationDefinition, Outcome, VendorResponse } from "../types.ts";

export const GOOGLE_ADS_API_VERSION = "v22";
const HOST = "https://googleads.googleapis.com";
const TOKEN_HOST = "https://oauth2.googleapis.com";
const MAX_IDENTIFIERS = 5;

const digits = z.string().transform((v) => v.replace(/-/g, "")).pipe(z.string().regex(/^\d{10}$/, "a 10-digit customer id (dashes allowed)"));

export const GoogleAdsSettings = z.object({
  customer_id: digits.describe("The Google Ads account that owns the conversion actions"),
  login_customer_id: digits.optional().describe("Manager (MCC) account id when access goes through one"),
  developer_token: secretNameSetting("the Google Ads API developer token"),
  client_id: secretNameSetting("the OAuth client id"),
  client_secret: secretNameSetting("the OAuth client secret"),
  refresh_token: secretNameSetting("an OAuth refresh token with the adwords scope"),
  enhanced_conversions_for_leads: z
    .boolean()
    .default(true)
    .describe("Send events without a click id when they carry a hashed email or phone (the action must accept it)"),
  default_phone_country: defaultPhoneCountrySetting,
});
export type GoogleAdsSettings = z.infer<typeof GoogleAdsSettings>;

/** "2026-06-01 12:00:00+00:00": Google's format; UTC is always a correct offset for the instant. */
export function conversionDateTime(iso: string): string {
  return `${new Date(iso).toISOString().slice(0, 19).replace("T", " ")}+00:00`;
}

function actionOf(mapped: string, customerId: string): string | undefined {
  if (/^customers\/\d{10}\/conversionActions\/\d+$/.test(mapped)) return mapped;
  if (/^\d+$/.test(mapped)) return `customers/${customerId}/conversionActions/${mapped}`;
  return undefined;
}

async function identifiers(e: CanonicalEvent, phoneCountry: string | undefined): Promise<Record<string, string>[]> {
  const out: Record<string, string>[] = [];
  const email = e.user.email ? normalizeEmail(e.user.email, { googleDots: true }) : undefined;
  if (email) out.push({ hashedEmail: await hashNormalized(email), userIdentifierSource: "FIRST_PARTY" });
  const phone = e.user.phone ? normalizePhone(e.user.phone, "e164", phoneCountryOf(phoneCountry, e)) : undefined;
  if (phone) out.push({ hashedPhoneNumber: await hashNormalized(phone), userIdentifierSource: "FIRST_PARTY" });
  return out.slice(0, MAX_IDENTIFIERS);
}

async function row(e: CanonicalEvent, ctx: BuildContext<GoogleAdsSettings>): Promise<Record<string, unknown> | string> {
  const s = ctx.settings;
  const mapped = ctx.eventName(e);
  const action = mapped ? actionOf(mapped, s.customer_id) : undefined;
  if (!action) return `"${mapped}" is not a conversion action (use its numeric id or customers/<id>/conversionActions/<id>)`;
  const ids = await identifiers(e, s.default_phone_country);
  // Exactly one click id: gclid wins, then gbraid (iOS app campaigns), then wbraid (iOS web).
  const click = e.click_ids.gclid ? { gclid: e.click_ids.gclid } : e.click_ids.gbraid ? { gbraid: e.click_ids.gbraid } : e.click_ids.wbraid ? { wbraid: e.click_ids.wbraid } : undefined;
  if (!click && (!s.enhanced_conversions_for_leads || ids.length === 0)) {
    return s.enhanced_conversions_for_leads ? "no gclid/gbraid/wbraid and no email or phone to match" : "no gclid/gbraid/wbraid";
  }
  const r: Record<string, unknown> = { conversionAction: action, ...click, conversionDateTime: conversionDateTime(e.time) };
  if (e.value !== null) r.conversionValue = e.value;
  if (e.currency !== null) r.currencyCode = e.currency;
  const lead = e.properties.lead_id;
  r.orderId = orderIdOf(e) ?? (typeof lead === "string" && lead ? lead : e.event_id);
  if (ids.length) r.userIdentifiers = ids;
  r.consent = { adUserData: e.consent.ad_user_data ? "GRANTED" : "DENIED" };
  return r;
}

async function build(events: readonly CanonicalEvent[], ctx: BuildContext<GoogleAdsSettings>): Promise<BuildResult> {
  const s = ctx.settings;
  const { payloads, ids, skipped } = await mapEvents(events, (e) => row(e, ctx));
  if (payloads.length === 0) return { requests: [], skipped };
  const headers: Record<string, string> = {
    "content-type": "application/json",
    authorization: `Bearer ${ctx.accessToken ?? ""}`,
    "developer-token": ctx.secrets.developer_token ?? "",
  };
  if (s.login_customer_id) headers["login-customer-id"] = s.login_customer_id;
  const body: Record<string, unknown> = { conversions: payloads, partialFailure: true };
  if (ctx.mode === "test") body.validateOnly = true;
  return {
    skipped,
    requests: [
      {
        event_ids: ids,
        request: {
          method: "POST",
          url: `${baseUrl(ctx.endpoint, HOST)}/${GOOGLE_ADS_API_VERSION}/customers/${s.customer_id}:uploadClickConversions`,
          headers,
          body: JSON.stringify(body),
        },
      },
    ],
  };
}

interface PartialFailure {
  message?: string;
  details?: { errors?: { message?: string; location?: { fieldPathElements?: { fieldName?: string; index?: number }[] } }[] }[];
}

/** Rows named in partialFailureError are dropped one by one; the rest of the request succeeded. */
function interpret(res: VendorResponse, built: BuiltRequest): Outcome {
  if (res.status < 200 || res.status >= 300) {
    const o = classifyStatus(res.status, res.headers, Date.now(), res.body.slice(0, 500));
    // RESOURCE_EXHAUSTED is sometimes answered 400 by intermediaries; it is a quota, not a bad row.
    return o.kind === "drop" && res.body.includes("RESOURCE_EXHAUSTED") ? { ...o, kind: "retry", retryAfter: 600 } : o;
  }
  let pf: PartialFailure | undefined;
  try {
    pf = (JSON.parse(res.body) as { partialFailureError?: PartialFailure }).partialFailureError;
  } catch {
    return { kind: "ok", status: res.status };
  }
  if (!pf) return { kind: "ok", status: res.status };
  const perEvent: Record<string, Outcome> = {};
  for (const d of pf.details ?? []) {
    for (const err of d.errors ?? []) {
      const idx = err.location?.fieldPathElements?.find((f) => f.fieldName === "conversions")?.index;
      const id = idx === undefined ? undefined : built.event_ids[idx];
      if (id) perEvent[id] = { kind: "drop", status: res.status, detail: (err.message ?? pf.message ?? "rejected").slice(0, 500) };
    }
  }
  for (const id of built.event_ids) perEvent[id] ??= { kind: "ok", status: res.status };
  return { kind: "ok", status: res.status, perEvent };
}

export const googleAds: DestinationDefinition<GoogleAdsSettings> = {
  type: "google_ads",
  title: "Google Ads (click conversions)",
  purpose: "ads",
  adNetwork: true,
  settings: GoogleAdsSettings,
  secretKeys: ["developer_token", "client_id", "client_secret", "refresh_token"],
  maxBatch: 2000,
  freshnessHours: 7 * 24,
  build,
  interpret,
  auth: {
    request(_settings, secrets, endpoint) {
      const body = new URLSearchParams({
        grant_type: "refresh_token",
        client_id: secrets.client_id ?? "",
        client_secret: secrets.client_secret ?? "",
        refresh_token: secrets.refresh_token ?? "",
      });
      return {
        method: "POST",
        url: `${baseUrl(endpoint, TOKEN_HOST)}/token`,
        headers: { "content-type": "application/x-www-form-urlencoded" },
        body: body.toString(),
      };
    },
    parse(body) {
      const t = JSON.parse(body) as { access_token?: unknown; expires_in?: unknown };
      if (typeof t.access_token !== "string" || t.access_token === "") throw new Error("token endpoint answered without access_token");
      return { token: t.access_token, expiresIn: typeof t.expires_in === "number" ? t.expires_in : 3600 };
    },
  },
};
