/** The `[alerts]` config section: when a destination is in trouble, and where to say so (docs/alerts.md). */
import { z } from "zod";

const rate = z.number().min(0).max(1);

export const ALERTS_DEFAULTS = {
  enabled: true,
  window_minutes: 60,
  failure_rate: 0.2,
  dead_letter_rate: 0.05,
  min_events: 10,
  traffic_drop_ratio: 0.2,
  baseline_days: 7,
  min_usual: 20,
  down: true,
};

export const AlertsConfig = z
  .strictObject({
    enabled: z.boolean().default(true).describe("Evaluate each destination on the Cron Trigger and keep the state shown at P/inspector"),
    webhook_secret: z
      .string()
      .regex(/^[A-Z][A-Z0-9_]*$/, "the NAME of a secret (UPPER_SNAKE_CASE), not its value")
      .optional()
      .describe("Secret holding the Slack-compatible incoming webhook URL the alerts are POSTed to; unset: state only, nothing sent"),
    window_minutes: z.int().min(5).max(1_440).default(60).describe("The window each check looks at; an alert that persists is repeated at most once per window"),
    failure_rate: rate.default(0.2).describe("Alert when more than this share of a destination's deliveries is retrying or dead"),
    dead_letter_rate: rate.default(0.05).describe("Alert when more than this share of a destination's deliveries is dead-lettered"),
    min_events: z.int().min(1).default(10).describe("Rates are judged only with at least this many deliveries in the window"),
    traffic_drop_ratio: rate
      .default(0.2)
      .describe("Alert when a destination gets fewer events than this share of its usual level (0 disables)"),
    baseline_days: z.int().min(1).max(28).default(7).describe("The usual level: the same window of the day, averaged over this many previous days"),
    min_usual: z.number().min(0).default(20).describe("Judge traffic only when the usual level is at least this many events per window"),
    down: z.boolean().default(true).describe("Alert while a destination is down (its outage backlog is parking events)"),
  })
  .default(ALERTS_DEFAULTS)
  .describe("Alerts on delivery failures, dead letters, auth failures, traffic drops and outages (docs/alerts.md)");
export type AlertsConfig = z.infer<typeof AlertsConfig>;
