/**
 * One alerts run (the Cron Trigger's scheduled handler): read the ledger's counts of the last window and of
 * the same window on previous days, and each destination's health; judge (evaluate.ts); let the Alerts object
 * claim the notices due; POST them to the configured webhook in one Slack-compatible message.
 */
import type { Config } from "../config/schema.ts";
import { backlogOf } from "../delivery/Backlog.ts";
import { secretFrom, type Env } from "../env.ts";
import { windowsOf } from "../ledger/record.ts";
import { alertsOf, type Notice } from "./Alerts.ts";
import { evaluate, type Finding } from "./evaluate.ts";
import { slackMessage } from "./notify.ts";

const DAY_MS = 86_400_000;

export interface AlertsRun {
  findings: Finding[];
  sent: Notice[];
  /** Why nothing was sent although notices were due (the webhook's secret is unset, or it failed). Null without a webhook: that is a setup, not an error. */
  error: string | null;
}

export async function runAlerts(env: Env, cfg: Config, now: number, fetcher: typeof fetch = fetch): Promise<AlertsRun> {
  const a = cfg.alerts;
  if (!a.enabled) return { findings: [], sent: [], error: null };
  const win = a.window_minutes * 60_000;
  const ids = Object.entries(cfg.destinations)
    .filter(([, d]) => d.enabled)
    .map(([id]) => id);

  const ranges: [number, number][] = [[now - win, now]];
  for (let k = 1; k <= a.baseline_days; k++) ranges.push([now - k * DAY_MS - win, now - k * DAY_MS]);
  const [windows, health] = await Promise.all([
    cfg.ledger.enabled ? windowsOf(env, cfg, ranges) : Promise.resolve(ranges.map(() => new Map<string, Map<string, number>>())),
    Promise.all(ids.map(async (id) => [id, await backlogOf(env, id).state()] as const)),
  ]);
  const down = new Map<string, { since: number; parked: number }>();
  for (const [id, s] of health) if (s.down) down.set(id, { since: s.since, parked: s.parked });

  // Without the ledger there are no counts: only the outage check can be judged.
  const findings = evaluate(cfg, { current: windows[0]!, previous: cfg.ledger.enabled ? windows.slice(1) : [], down }).filter(
    (f) => cfg.ledger.enabled || f.condition === "down",
  );
  const store = alertsOf(env);
  const due = await store.settle(findings, now, win, ids);
  if (due.length === 0) return { findings, sent: [], error: null };

  // No webhook is a documented setup (the state on the inspector only): nothing to send, nothing to log. The
  // notices stay claimed, as if sent, so a webhook configured later starts from the current state.
  if (!a.webhook_secret) return { findings, sent: [], error: null };
  const url = secretFrom(env)(a.webhook_secret);
  let error: string | null = null;
  if (!url) error = `secret ${a.webhook_secret} is not set (wrangler secret put ${a.webhook_secret})`;
  else {
    try {
      const res = await fetcher(url, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(slackMessage(due)) });
      await res.body?.cancel();
      // The URL is a secret (it is the credential): errors name the status only.
      if (!res.ok) error = `the alerts webhook answered ${res.status}`;
    } catch (e) {
      error = `the alerts webhook could not be reached (${e instanceof Error ? e.name : "error"})`;
    }
  }
  if (error) {
    console.error(`tagwire: alerts not sent: ${error}`);
    await store.unclaim(due, error);
    return { findings, sent: [], error };
  }
  return { findings, sent: due, error: null };
}
