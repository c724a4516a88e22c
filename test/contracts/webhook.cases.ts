/** Contract of the signed webhook: body `{"events": [canonical…]}`, PII per policy, signed headers. */
import { DENIED, leadEvent, minimalEvent, purchaseEvent } from "./fixture.ts";
import type { ContractModule } from "./types.ts";

const URL = "https://hooks.example.com/tagwire";
const HASHED_USER = {
  email: "86e0b9e56c17cc4d12387e1949b85053fbe73bc3ce5a1188713a9d300cc6133d",
  phone: "5e7ec4c79ccac6e420876e65ad0e6b4b2ccf73ec3dccb50297bf2890a1ec73b9",
  first_name: "81f8f6dde88365f3928796ec7aa53f72820b06db8664f5fe76a7eb13e24546a2",
  last_name: "799ef92a11af918e3fb741df42934f3b568ed2d93ac1df74f1b8d41a27932a6f",
  city: "1a2290470e0aa7549ab1e04b2453274374149ffee517a57715e5206e4142c233",
  state: "6959097001d10501ac7d54c0bdb8db61420f658f2922cc26e46d536119a31126",
  postal_code: "c884a209ebe08750a7d13db63bd02233b375bd79786cbe329ab11586cc35dead",
  country: "79adb2a2fce5c6ba215fe5f27f532d4e7edbac4b6a5e09e1ef3a08084a904621",
  external_id: "573baabb5ca42a23f3a118d027eadd8dc9bed70e40708a1b1ed9410b00feed0e",
};

export const webhookContract: ContractModule = {
  type: "webhook",
  settings: { url: URL, secret: "HOOK_SECRET" },
  secrets: { HOOK_SECRET: "whsec_contract_0123456789" },
  plan: { purchase_completed: "purchase_completed" },
  cases: [
    {
      name: "sends a purchase as canonical JSON with hashed user traits",
      events: [purchaseEvent()],
      expect: {
        requests: [
          {
            method: "POST",
            url: URL,
            headers: { "content-type": "application/json", "tagwire-version": "2026-11-01", "idempotency-key": "evt_purchase_0001" },
            body: { events: [{ ...purchaseEvent(), user: HASHED_USER }] },
          },
        ],
      },
    },
    {
      name: "sends a lead with raw traits when pii = raw",
      events: [leadEvent()],
      settings: { pii: "raw" },
      expect: { requests: [{ method: "POST", url: URL, body: { events: [leadEvent()] } }] },
    },
    {
      name: "leaves user traits out when pii = drop",
      events: [minimalEvent({ user: { email: "a@b.co" } })],
      settings: { pii: "drop" },
      expect: { requests: [{ method: "POST", url: URL, body: { events: [{ ...minimalEvent(), user: {} }] } }] },
    },
    {
      name: "sends nothing for an event whose analytics consent is denied",
      events: [purchaseEvent({ consent: DENIED })],
      expect: { requests: [], skipped: [{ event_id: "evt_purchase_0001", reason: "consent" }] },
    },
    {
      name: "batches several events into one signed request",
      events: [purchaseEvent(), leadEvent(), minimalEvent()],
      settings: { pii: "raw" },
      expect: {
        requests: [{ method: "POST", url: URL, body: { events: [purchaseEvent(), leadEvent(), minimalEvent()] } }],
      },
    },
    {
      name: "classifies a 400 answer as drop (dead letter)",
      events: [purchaseEvent()],
      responses: [{ status: 400, body: '{"error":"bad"}' }],
      expect: { requests: [{ method: "POST", url: URL }], outcomes: { evt_purchase_0001: "drop" } },
    },
  ],
};
