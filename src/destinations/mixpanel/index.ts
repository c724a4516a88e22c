/**
 * Mixpanel /import (shared/reference/destinations.md §9.3): a JSON array of events, strict validation, Basic
 * auth with a service account (or the project token). `$insert_id` comes from the event_id, so Mixpanel
 * dedupes retries; a 400 lists failed records by index, which are dead-lettered alone.
 */
import { z } from "zod";
import { classifyResponse } from "../../outcome/classify.ts";
import type { CanonicalEvent } from "../../event/canonical.ts";
import { sha256Hex } from "../../identity/hash.ts";
import { baseUrl, secretNameSetting } from "../adFields.ts";
import { attributionProps, distinctIdOf } from "../analyticsFields.ts";
import type { BuildContext, BuildResult, BuiltRequest, DestinationDefinition, Outcome, Skip, VendorResponse } from "../types.ts";

export const MIXPANEL_API = "import";
const HOSTS = { us: "https://api.mixpanel.com", eu: "https://api-eu.mixpanel.com", in: "https://api-in.mixpanel.com" } as const;

export const MixpanelSettings = z.object({
  project_id: z.string().regex(/^\d+$/, "the numeric project id"),
  region: z.enum(["us", "eu", "in"]).default("us"),
  service_account_user: secretNameSetting("the service account user name").optional(),
  service_account_secret: secretNameSetting("the service account secret").optional(),
  project_token: secretNameSetting("the project token (used when no service account is set)").optional(),
});
export type MixpanelSettings = z.infer<typeof MixpanelSettings>;

/** $insert_id: ≤ 36 characters of letters, digits and "-"; other event_ids become a 32-hex digest. */
export async function insertIdOf(eventId: string): Promise<string> {
  return /^[A-Za-z0-9-]{1,36}$/.test(eventId) ? eventId : (await sha256Hex(eventId)).slice(0, 32);
}

async function record(e: CanonicalEvent, name: string, distinctId: string): Promise<Record<string, unknown>> {
  const p: Record<string, unknown> = { ...attributionProps(e), ...e.properties, time: Date.parse(e.time), distinct_id: distinctId, $insert_id: await insertIdOf(e.event_id) };
  if (e.anonymous_id) p.$device_id = e.anonymous_id;
  if (e.user_id) p.$user_id = e.user_id;
  if (e.value !== null) p.value = e.value;
  if (e.currency !== null) p.currency = e.currency;
  if (e.context.ip) p.ip = e.context.ip;
  if (e.page.url) p.$current_url = e.page.url;
  if (e.page.referrer) p.$referrer = e.page.referrer;
  if (e.context.geo.country) p.mp_country_code = e.context.geo.country;
  for (const [k, v] of Object.entries(e.campaign)) if (v !== null) p[`utm_${k === "name" ? "campaign" : k}`] = v;
  return { event: name, properties: p };
}

async function build(events: readonly CanonicalEvent[], ctx: BuildContext<MixpanelSettings>): Promise<BuildResult> {
  const s = ctx.settings;
  const skipped: Skip[] = [];
  const rows: Record<string, unknown>[] = [];
  const ids: string[] = [];
  for (const e of events) {
    const distinct = distinctIdOf(e);
    if (!distinct) {
      skipped.push({ event_id: e.event_id, reason: "no distinct_id (user_id or visitor id)" });
      continue;
    }
    rows.push(await record(e, ctx.eventName(e) ?? e.name, distinct));
    ids.push(e.event_id);
  }
  if (!rows.length) return { requests: [], skipped };
  const user = s.service_account_user ? ctx.secrets.service_account_user : ctx.secrets.project_token;
  const pass = s.service_account_user ? ctx.secrets.service_account_secret : "";
  return {
    skipped,
    requests: [
      {
        event_ids: ids,
        request: {
          method: "POST",
          url: `${baseUrl(ctx.endpoint, HOSTS[s.region])}/${MIXPANEL_API}?strict=1&project_id=${s.project_id}`,
          headers: { "content-type": "application/json", authorization: `Basic ${btoa(`${user ?? ""}:${pass ?? ""}`)}` },
          body: JSON.stringify(rows),
        },
      },
    ],
  };
}

function interpret(res: VendorResponse, built: BuiltRequest): Outcome {
  if (res.status === 400) {
    try {
      const failed = (JSON.parse(res.body) as { failed_records?: { index?: number; field?: string; message?: string }[] }).failed_records;
      if (Array.isArray(failed) && failed.length) {
        const perEvent: Record<string, Outcome> = {};
        for (const f of failed) {
          const id = f.index === undefined ? undefined : built.event_ids[f.index];
          if (id) perEvent[id] = { kind: "drop", status: 400, detail: `${f.field ?? ""}: ${f.message ?? "rejected"}`.slice(0, 500) };
        }
        // Mixpanel imported the others (partial success).
        for (const id of built.event_ids) perEvent[id] ??= { kind: "ok", status: 400 };
        return { kind: "ok", status: 400, perEvent };
      }
    } catch {
      /* an unreadable 400 is a bad request as a whole */
    }
  }
  return classifyResponse(res, Date.now());
}

export const mixpanel: DestinationDefinition<MixpanelSettings> = {
  type: "mixpanel",
  title: "Mixpanel (/import)",
  purpose: "analytics",
  adNetwork: false,
  settings: MixpanelSettings,
  secretKeys: ["service_account_user", "service_account_secret", "project_token"],
  maxBatch: 2000,
  freshnessHours: 7 * 24,
  defaultEventName: (name) => name,
  build,
  interpret,
};
