/** The Slack-compatible message (`text`, plus blocks) for the notices one run claimed. */
import type { Notice } from "./Alerts.ts";
import type { Condition } from "./evaluate.ts";

const TITLES: Record<Condition, string> = {
  down: "is down",
  auth: "refuses our credentials",
  failure_rate: "is failing deliveries",
  dead_letter_rate: "is dead-lettering deliveries",
  traffic_drop: "gets far fewer events than usual",
};

export function lineOf(n: Notice): string {
  return n.kind === "firing"
    ? `:rotating_light: *${n.destination}* ${TITLES[n.condition]}: ${n.summary}`
    : `:white_check_mark: *${n.destination}* resolved (${n.condition}, since ${new Date(n.since).toISOString()}): ${n.summary}`;
}

export function slackMessage(notices: readonly Notice[]): { text: string; blocks: unknown[] } {
  const lines = notices.map(lineOf);
  const firing = notices.filter((n) => n.kind === "firing").length;
  const head = firing ? `Tagwire: ${firing} alert${firing === 1 ? "" : "s"}` : "Tagwire: alerts resolved";
  const text = [head, ...lines].join("\n");
  const blocks: unknown[] = [
    { type: "header", text: { type: "plain_text", text: head } },
    ...lines.map((l) => ({ type: "section", text: { type: "mrkdwn", text: l } })),
  ];
  return { text, blocks };
}
