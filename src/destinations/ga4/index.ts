/**
 * GA4 Measurement Protocol (shared/reference/destinations.md §1): POST /mp/collect?measurement_id&api_secret
 * with `{client_id, user_id, consent, user_data, events:[…]}`. Events that share a client, user, consent and
 * user_data go in one request (GA4 applies those to every event of a request), at most 25 and under 130 kB.
 * Live GA4 answers 2xx even for malformed payloads: mode = "test" sends to /debug/mp/collect instead, where
 * validation messages become dead letters that say what is wrong.
 * transport = "collect": events that came from gtag.js / GTM (`ga4_hit`) go to GA4's own /g/collect as the
 * browser sent them, keeping GA4's session attribution (see ./collect.ts); other events still take the
 * Measurement Protocol when an api_secret is configured.
 */
import { z } from "zod";
import type { CanonicalEvent } from "../../event/canonical.ts";
import { classifyResponse } from "../../outcome/classify.ts";
import { baseUrl, secretNameSetting } from "../adFields.ts";
import type { BuildContext, BuildResult, BuiltRequest, DestinationDefinition, Outcome, Skip, VendorResponse } from "../types.ts";
import { collectRequest } from "./collect.ts";
import { clientIdOf, eventParams, nameProblem, userData } from "./event.ts";

/** The Measurement Protocol has no version in its path; this names the API the adapter is written against. */
export const GA4_API = "mp/collect";
const HOSTS = { global: "https://www.google-analytics.com", eu: "https://region1.google-analytics.com" } as const;
const MAX_EVENTS = 25;
const MAX_BYTES = 130_000;
const MAX_AGE_MS = 72 * 3_600_000;

const DEFAULT_NAMES: Readonly<Record<string, string>> = {
  purchase_completed: "purchase",
  product_added: "add_to_cart",
  product_removed: "remove_from_cart",
  product_viewed: "view_item",
  checkout_started: "begin_checkout",
  lead_submitted: "generate_lead",
  signup_completed: "sign_up",
  login_completed: "login",
  page_viewed: "page_view",
  search_performed: "search",
};

export const Ga4Settings = z.object({
  measurement_id: z.string().regex(/^G-[A-Z0-9]{4,16}$/, "a web stream measurement id such as G-ABC123XYZ9"),
  api_secret: secretNameSetting("the Measurement Protocol API secret (Admin → Data streams → Measurement Protocol)")
    .optional()
    .describe("Name of the Worker secret holding the Measurement Protocol API secret; required unless transport = \"collect\""),
  transport: z
    .enum(["mp", "collect"])
    .default("mp")
    .describe("collect: gtag.js / GTM hits go to /g/collect as sent (sessions intact); mp: everything as Measurement Protocol events"),
  region: z.enum(["global", "eu"]).default("global").describe("eu sends to region1.google-analytics.com"),
  engagement_time_msec: z.int().positive().default(100).describe("Sent with each event so it counts in sessions"),
});
export type Ga4Settings = z.infer<typeof Ga4Settings>;

const granted = (b: boolean) => (b ? "GRANTED" : "DENIED");

interface Group {
  /** The envelope's JSON (client, user, consent, user_data), the key events are grouped by. */
  envelope: string;
  /** Each event with its JSON, written once: it sizes the request and goes into its body. */
  events: { id: string; json: string }[];
}

async function build(events: readonly CanonicalEvent[], ctx: BuildContext<Ga4Settings>): Promise<BuildResult> {
  const s = ctx.settings;
  const skipped: Skip[] = [];
  const groups = new Map<string, Group>();
  const host = baseUrl(ctx.endpoint, HOSTS[s.region]);
  const requests: BuiltRequest[] = [];
  for (const e of events) {
    if (s.transport === "collect" && e.ga4_hit) {
      const hit = new URLSearchParams(e.ga4_hit.params);
      const tid = hit.get("tid");
      if (tid !== s.measurement_id) skipped.push({ event_id: e.event_id, reason: `a hit for ${tid}, not ${s.measurement_id}` });
      else requests.push(collectRequest(host, hit, e, ctx.mode));
      continue;
    }
    if (e.ga4_only) {
      skipped.push({ event_id: e.event_id, reason: "a gtag hit outside the tracking plan goes only to transport = \"collect\"" });
      continue;
    }
    if (!s.api_secret) {
      skipped.push({ event_id: e.event_id, reason: "not a gtag hit, and no api_secret for the Measurement Protocol" });
      continue;
    }
    const name = ctx.eventName(e) ?? e.name;
    const problem = nameProblem(name);
    if (problem) {
      skipped.push({ event_id: e.event_id, reason: problem });
      continue;
    }
    const t = Date.parse(e.time);
    if (ctx.now() - t > MAX_AGE_MS) {
      skipped.push({ event_id: e.event_id, reason: "older than GA4's 72 h window" });
      continue;
    }
    const client_id = await clientIdOf(e);
    if (!client_id) {
      skipped.push({ event_id: e.event_id, reason: "no client id (_ga cookie, visitor id or user_id)" });
      continue;
    }
    const envelope: Record<string, unknown> = { client_id };
    if (e.user_id) envelope.user_id = e.user_id;
    envelope.consent = { ad_user_data: granted(e.consent.ad_user_data), ad_personalization: granted(e.consent.ad_personalization) };
    // User-provided data serves Google's ads features: only with ad_user_data consent.
    const ud = e.consent.ad_user_data ? await userData(e) : undefined;
    if (ud) envelope.user_data = ud;
    const key = JSON.stringify(envelope);
    const g = groups.get(key) ?? { envelope: key, events: [] };
    g.events.push({ id: e.event_id, json: JSON.stringify({ name, params: eventParams(e, name, s.engagement_time_msec), timestamp_micros: t * 1000 }) });
    groups.set(key, g);
  }

  const path = ctx.mode === "test" ? "debug/mp/collect" : GA4_API;
  const url = `${host}/${path}?measurement_id=${encodeURIComponent(s.measurement_id)}&api_secret=${encodeURIComponent(ctx.secrets.api_secret ?? "")}`;
  // The body is the JSON of {...envelope, events, validation_behavior?}, put together from the pieces above.
  const tail = ctx.mode === "test" ? `],"validation_behavior":"ENFORCE_RECOMMENDATIONS"}` : "]}";
  const flush = (g: Group, chunk: Group["events"]) => {
    if (!chunk.length) return;
    const body = `${g.envelope.slice(0, -1)},"events":[${chunk.map((c) => c.json).join(",")}${tail}`;
    requests.push({
      event_ids: chunk.map((c) => c.id),
      request: { method: "POST", url, headers: { "content-type": "application/json" }, body },
    });
  };
  for (const g of groups.values()) {
    let chunk: Group["events"] = [];
    let bytes = g.envelope.length + 16;
    for (const ev of g.events) {
      const size = ev.json.length + 1;
      if (chunk.length === MAX_EVENTS || bytes + size > MAX_BYTES) {
        flush(g, chunk);
        chunk = [];
        bytes = g.envelope.length + 16;
      }
      chunk.push(ev);
      bytes += size;
    }
    flush(g, chunk);
  }
  return { requests, skipped };
}

function interpret(res: VendorResponse, built: BuiltRequest): Outcome {
  if (res.status >= 200 && res.status < 300 && built.request.url.includes("/debug/mp/collect")) {
    try {
      const messages = (JSON.parse(res.body) as { validationMessages?: { fieldPath?: string; description?: string; validationCode?: string }[] })
        .validationMessages ?? [];
      if (messages.length) {
        const detail = messages.map((m) => `${m.validationCode ?? "INVALID"} ${m.fieldPath ?? ""}: ${m.description ?? ""}`.trim()).join("; ");
        return { kind: "drop", status: res.status, detail: detail.slice(0, 1000) };
      }
    } catch {
      return { kind: "retry", status: res.status, detail: "unreadable validation answer" };
    }
  }
  return classifyResponse(res, Date.now());
}

export const ga4: DestinationDefinition<Ga4Settings> = {
  type: "ga4",
  title: "Google Analytics 4 (Measurement Protocol)",
  purpose: "analytics",
  adNetwork: false,
  settings: Ga4Settings,
  secretKeys: ["api_secret"],
  checkSettings: (d) =>
    d.transport !== "collect" && !d.api_secret
      ? [{ path: "api_secret", message: 'required (the Measurement Protocol needs it) unless transport = "collect"' }]
      : [],
  maxBatch: 500,
  freshnessHours: 72,
  // Canonical names map to GA4's recommended events where one fits; others keep their (valid) name.
  defaultEventName: (name) => (name === "user_identified" ? undefined : DEFAULT_NAMES[name] ?? name),
  build,
  interpret,
};
