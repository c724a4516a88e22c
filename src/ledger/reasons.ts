/**
 * The ledger's closed set of outcomes. Each event × destination row carries one `reason` code; its `outcome`
 * class follows from the code, so counts add up by construction: accepted = delivered + not_sent (by reason)
 * + dead + pending. Skip texts from eligibility and the adapters stay free-form for people; `skipReason`
 * maps them onto the codes and keeps the text as the detail (an unknown text is `skipped`, never lost).
 */
import type { CanonicalEvent } from "../event/canonical.ts";

export const REASONS = {
  delivered: "delivered",
  dry_run: "not_sent",
  consent_blocked: "not_sent",
  bot: "not_sent",
  flagged_blocked: "not_sent",
  unverified_identity: "not_sent",
  unmapped: "not_sent",
  missing_identifier: "not_sent",
  rule_skipped: "not_sent",
  late: "not_sent",
  skipped: "not_sent",
  dead_lettered: "dead",
  expired: "dead",
  held: "pending",
  retrying: "pending",
  rate_limited: "pending",
} as const;
export type Reason = keyof typeof REASONS;
export type OutcomeClass = (typeof REASONS)[Reason];

/** What became of a copy of an event at dedupe (not per destination). */
export const COPY_STATES = ["held", "admitted", "deduped", "merged", "replayed"] as const;
export type CopyState = (typeof COPY_STATES)[number];

/**
 * Which way a row may move: a higher rank replaces a lower one, never the reverse, so a redelivered batch
 * cannot turn delivered back into retrying. Retrying replaces retrying only with a later attempt. A replayed
 * dead letter can still become delivered (rank 4 > 2).
 */
export function rankOf(reason: Reason): number {
  const c = REASONS[reason];
  if (reason === "delivered") return 4;
  if (c === "not_sent") return 3;
  if (c === "dead") return 2;
  return reason === "held" ? 0 : 1;
}

export interface ReasonDetail {
  reason: Reason;
  detail: string;
}

const RULES: [RegExp, Reason][] = [
  [/^consent\b/i, "consent_blocked"],
  [/^bot\b/i, "bot"],
  [/flagged/i, "flagged_blocked"],
  [/unverified/i, "unverified_identity"],
  [/^rule |only_events|only_destinations|skip_destinations/i, "rule_skipped"],
  [/not mapped|excluded by the tracking plan|not a valid .*event name|reserved by|is not a .*event_name|is not a conversion action|must be a conversion rule/i, "unmapped"],
  [/older than|outside .*window|\blate\b|too old/i, "late"],
  [/expired/i, "expired"],
  [/rate.?limit/i, "rate_limited"],
  [/\bno (client id|distinct_id|user matcher|user_id|gclid)|needs (a |an |something to match|a matcher|a userid)|nothing to send: no email|needs event_source_url/i, "missing_identifier"],
];

/** Maps a skip text (eligibility, an adapter's `skipped`) to a reason code; the text stays as detail. */
export function skipReason(text: string, event?: CanonicalEvent, destination?: string): ReasonDetail {
  const hit = RULES.find(([re]) => re.test(text));
  const reason: Reason = hit ? hit[1] : "skipped";
  if (reason === "consent_blocked") {
    const m = /^consent:\s*(.*)$/i.exec(text);
    return { reason, detail: purposeOf(m?.[1] ?? text) };
  }
  if (reason === "bot" && event) {
    const allow = destination ? `destinations.${destination}.forward_bots = true` : "forward_bots = true";
    return { reason, detail: `${botSignal(event)} (allowed with ${allow})` };
  }
  return { reason, detail: text };
}

/** "ads denied" → "ads"; "GPC denies ads" → "ads (Sec-GPC)". */
function purposeOf(s: string): string {
  if (/gpc/i.test(s)) return "ads (Sec-GPC: 1)";
  if (/analytics/i.test(s)) return "analytics";
  if (/ads/i.test(s)) return "ads";
  return s;
}

/** Why an event counts as a bot, in words, from what enrichment kept (the verdict itself is a boolean). */
export function botSignal(e: CanonicalEvent): string {
  const ua = e.context.user_agent ?? "";
  if (!e.context.bot) return "not a bot";
  if (ua === "") return "no user agent";
  if (/headless/i.test(ua)) return "headless user agent";
  if (e.context.device.type === "bot") return "known bot user agent";
  return "Cloudflare bot score";
}
