/** Every destination's contract module, in one list (one line per destination). */
import type { ContractModule } from "./types.ts";
import { webhookContract } from "./webhook.cases.ts";
import { hubspotContract } from "./hubspot.cases.ts";
import { salesforceContract } from "./salesforce.cases.ts";

export const CONTRACTS: ContractModule[] = [
  webhookContract,
  hubspotContract,
  salesforceContract,
];
