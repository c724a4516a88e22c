/**
 * Salesforce: one Lead per event, upserted through the REST API by the event_id in an External ID field (so a
 * timeout or a redelivery updates the same Lead instead of creating a second one), with an OAuth
 * client-credentials token (delivery exchanges and caches it), or posted to Web-to-Lead when
 * `method = "web_to_lead"` (no auth, no idempotency).
 */
import { classifyStatus } from "../../outcome/classify.ts";
import type { BuildContext, BuiltRequest, DestinationDefinition, Skip } from "../types.ts";
import { leadRecord, webToLeadForm } from "./lead.ts";
import { SALESFORCE_API_VERSION, SalesforceSettings, WEB_TO_LEAD_HOST } from "./settings.ts";

/** An event_id as a path segment; "." too, which Salesforce would read as a format suffix (`.json`). */
function externalIdSegment(id: string): string {
  return encodeURIComponent(id).replace(/\./g, "%2E");
}

/** Salesforce's answer carries no lifetime; sessions last at least this long under default policies. */
const TOKEN_SECONDS = 1800;

export const salesforce: DestinationDefinition<SalesforceSettings> = {
  type: "salesforce",
  title: "Salesforce",
  purpose: "analytics",
  adNetwork: false,
  settings: SalesforceSettings,
  secretKeys: ["client_id", "client_secret"],
  maxBatch: 50,
  freshnessHours: 168,
  // A Lead per lead by default; map other events (purchase_completed = "Lead") to create Leads for them too.
  defaultEventName: (name) => (name === "lead_submitted" ? "Lead" : undefined),
  auth: {
    request(settings, secrets, endpoint) {
      const s = settings as SalesforceSettings;
      const body = new URLSearchParams({ grant_type: "client_credentials", client_id: secrets.client_id ?? "", client_secret: secrets.client_secret ?? "" });
      return {
        method: "POST",
        url: `${endpoint ?? s.instance_url ?? "https://login.salesforce.com"}/services/oauth2/token`,
        headers: { "content-type": "application/x-www-form-urlencoded" },
        body: body.toString(),
      };
    },
    parse(body) {
      const token = (JSON.parse(body) as { access_token?: unknown }).access_token;
      if (typeof token !== "string" || token === "") throw new Error("token endpoint answered without access_token");
      return { token, expiresIn: TOKEN_SECONDS };
    },
    needed: (settings) => (settings as SalesforceSettings).method !== "web_to_lead",
  },
  async build(events, ctx: BuildContext<SalesforceSettings>) {
    const s = ctx.settings;
    const requests: BuiltRequest[] = [];
    const skipped: Skip[] = [];
    for (const e of events) {
      const lead = leadRecord(e, s);
      if (s.method === "web_to_lead") {
        if (!s.oid) {
          skipped.push({ event_id: e.event_id, reason: "web_to_lead needs oid (your Org ID)" });
          continue;
        }
        requests.push({
          event_ids: [e.event_id],
          request: {
            method: "POST",
            url: `${ctx.endpoint ?? WEB_TO_LEAD_HOST}/servlet/servlet.WebToLead?encoding=UTF-8`,
            headers: { "content-type": "application/x-www-form-urlencoded" },
            body: webToLeadForm(s.oid, lead),
          },
        });
        continue;
      }
      const base = ctx.endpoint ?? s.instance_url;
      if (!base) {
        skipped.push({ event_id: e.event_id, reason: "method rest needs instance_url (your My Domain URL)" });
        continue;
      }
      const headers = { "content-type": "application/json", authorization: `Bearer ${ctx.accessToken ?? ""}` };
      const leads = `${base}/services/data/v${SALESFORCE_API_VERSION}/sobjects/Lead`;
      if (!s.external_id_field) {
        requests.push({ event_ids: [e.event_id], request: { method: "POST", url: leads, headers, body: JSON.stringify(lead) } });
        continue;
      }
      // Upsert: 201 when created, 200/204 when the Lead already exists. The field is in the URL, not the body.
      const { [s.external_id_field]: _inUrl, ...fields } = lead;
      requests.push({
        event_ids: [e.event_id],
        request: { method: "PATCH", url: `${leads}/${s.external_id_field}/${externalIdSegment(e.event_id)}`, headers, body: JSON.stringify(fields) },
      });
    }
    return { requests, skipped };
  },
  interpret(res) {
    const detail = res.status >= 300 ? res.body.slice(0, 2000) : undefined;
    // The daily API allowance is spent: retrying within minutes cannot help, within hours it can.
    if (res.status === 403 && res.body.includes("REQUEST_LIMIT_EXCEEDED")) return { kind: "retry", status: 403, retryAfter: 3600, detail };
    return classifyStatus(res.status, res.headers, Date.now(), detail);
  },
};
