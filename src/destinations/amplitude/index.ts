/**
 * Amplitude HTTP API v2 (shared/reference/destinations.md §9.4): `{api_key, events:[…]}` with insert_id =
 * event_id (Amplitude ignores a repeat within 7 days). A 400 names the invalid events by index: those are
 * dead-lettered and the rest retried, as Amplitude asks.
 */
import { z } from "zod";
import { classifyResponse } from "../../outcome/classify.ts";
import type { CanonicalEvent } from "../../event/canonical.ts";
import { baseUrl, lineItemsOf, orderIdOf, secretNameSetting } from "../adFields.ts";
import { attributionProps, traitsOf } from "../analyticsFields.ts";
import type { BuildContext, BuildResult, BuiltRequest, DestinationDefinition, Outcome, Skip, VendorResponse } from "../types.ts";

export const AMPLITUDE_API = "2/httpapi";
const HOSTS = { us: "https://api2.amplitude.com", eu: "https://api.eu.amplitude.com" } as const;
const MAX_BYTES = 1_000_000;

export const AmplitudeSettings = z.object({
  api_key: secretNameSetting("the project API key"),
  region: z.enum(["us", "eu"]).default("us"),
});
export type AmplitudeSettings = z.infer<typeof AmplitudeSettings>;

function event(e: CanonicalEvent, name: string): Record<string, unknown> | string {
  const out: Record<string, unknown> = { event_type: name, time: Date.parse(e.time), insert_id: e.event_id };
  // Amplitude rejects ids shorter than 5 characters by default.
  if (e.user_id && e.user_id.length >= 5) out.user_id = e.user_id;
  if (e.anonymous_id) out.device_id = e.anonymous_id;
  if (!out.user_id && !out.device_id) return "no user_id (≥ 5 characters) or device id";
  const props: Record<string, unknown> = { ...attributionProps(e), ...e.properties };
  if (e.currency !== null) props.currency = e.currency;
  if (e.page.url) props.page_url = e.page.url;
  out.event_properties = props;
  const traits = traitsOf(e.user);
  if (traits) out.user_properties = traits;
  if (e.session_id && /^\d+$/.test(e.session_id)) out.session_id = Number(e.session_id) * 1000;
  if (e.context.ip) out.ip = e.context.ip;
  if (e.context.locale) out.language = e.context.locale;
  if (e.context.geo.country) out.country = e.context.geo.country;
  if (e.context.device.os) out.os_name = e.context.device.os;
  if (e.value !== null && e.value_kind === "actual") {
    out.revenue = e.value;
    const items = lineItemsOf(e);
    if (items.length === 1 && items[0]!.price !== undefined) {
      out.price = items[0]!.price;
      out.quantity = items[0]!.quantity;
      out.productId = items[0]!.id;
    }
    out.revenueType = orderIdOf(e) ? "purchase" : "revenue";
  }
  return out;
}

async function build(events: readonly CanonicalEvent[], ctx: BuildContext<AmplitudeSettings>): Promise<BuildResult> {
  const skipped: Skip[] = [];
  const requests: BuiltRequest[] = [];
  const url = `${baseUrl(ctx.endpoint, HOSTS[ctx.settings.region])}/${AMPLITUDE_API}`;
  const key = JSON.stringify(ctx.secrets.api_key ?? "");
  let chunk: string[] = [];
  let ids: string[] = [];
  let bytes = 0;
  const flush = () => {
    if (!chunk.length) return;
    requests.push({
      event_ids: ids,
      request: { method: "POST", url, headers: { "content-type": "application/json" }, body: `{"api_key":${key},"events":[${chunk.join(",")}]}` },
    });
    chunk = [];
    ids = [];
    bytes = 0;
  };
  for (const e of events) {
    const ev = event(e, ctx.eventName(e) ?? e.name);
    if (typeof ev === "string") {
      skipped.push({ event_id: e.event_id, reason: ev });
      continue;
    }
    const json = JSON.stringify(ev);
    if (bytes + json.length > MAX_BYTES) flush();
    chunk.push(json);
    ids.push(e.event_id);
    bytes += json.length + 1;
  }
  flush();
  return { requests, skipped };
}

function interpret(res: VendorResponse, built: BuiltRequest): Outcome {
  if (res.status === 400) {
    try {
      const b = JSON.parse(res.body) as Record<string, unknown>;
      const bad = new Set<number>();
      for (const k of ["events_with_invalid_fields", "events_with_missing_fields"]) {
        const m = b[k];
        if (m && typeof m === "object") for (const list of Object.values(m)) if (Array.isArray(list)) for (const i of list) if (typeof i === "number") bad.add(i);
      }
      if (bad.size) {
        const perEvent: Record<string, Outcome> = {};
        built.event_ids.forEach((id, i) => {
          perEvent[id] = bad.has(i)
            ? { kind: "drop", status: 400, detail: `invalid event: ${String(b.error ?? "").slice(0, 300)}` }
            : { kind: "retry", status: 400, detail: "resent without the invalid events of its batch" };
        });
        return { kind: "retry", status: 400, perEvent };
      }
    } catch {
      /* fall through */
    }
  }
  return classifyResponse(res, Date.now());
}

export const amplitude: DestinationDefinition<AmplitudeSettings> = {
  type: "amplitude",
  title: "Amplitude (HTTP API v2)",
  purpose: "analytics",
  adNetwork: false,
  settings: AmplitudeSettings,
  secretKeys: ["api_key"],
  maxBatch: 2000,
  freshnessHours: 7 * 24,
  defaultEventName: (name) => name,
  build,
  interpret,
};
