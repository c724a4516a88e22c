/**
 * The Worker's fetch, queue and scheduled handlers for one bundled config file. Each wrangler environment's entry
 * (src/index.ts, dev/worker.ts) imports its own file and passes it here; a TAGWIRE_CONFIG var replaces it.
 */
import { configFor, type ConfigFile } from "./config/bundled.ts";
import type { Env } from "./env.ts";
import { errorResponse, HttpError, json } from "./http/responses.ts";
import { routerFor } from "./routes/router.ts";
import { consume, consumeDeadLetterQueue } from "./delivery/consume.ts";
import type { QueueMessage } from "./queue/messages.ts";
import { runAlerts } from "./alerts/run.ts";

export function tagwire(file: ConfigFile) {
  const configOf = configFor(file);
  return {
    async fetch(request: Request, env: Env, exec: ExecutionContext): Promise<Response> {
      const loaded = configOf(env);
      if (!loaded.ok) {
        // A broken config must be loud: every request says so rather than silently forwarding nothing.
        return json(500, { error: "config_invalid", status: "config_invalid", problems: loaded.problems });
      }
      try {
        // Routes reach stores that read the config themselves (dead letters): hand them the bundled one too.
        const res = await routerFor(loaded.config).fetch(request, { cfg: loaded.config, env: configOf.env(env), exec, now: Date.now() });
        return res ?? errorResponse(404, "not_found", [{ path: "path", message: `no route ${new URL(request.url).pathname}` }]);
      } catch (e) {
        if (e instanceof HttpError) return errorResponse(e.status, e.code, e.details, e.headers);
        console.error("tagwire: unhandled error", e instanceof Error ? e.stack : String(e));
        return errorResponse(500, "internal_error", [{ path: "", message: "unexpected error; the event was not accepted, retry" }]);
      }
    },

    async queue(batch: MessageBatch<QueueMessage>, env: Env, exec: ExecutionContext): Promise<void> {
      // The consumer reads env.TAGWIRE_CONFIG: hand it the bundled config when the var is not set.
      const e = configOf.env(env);
      // The dead-letter queue (configured in wrangler.toml) ends in -dlq; every other queue is delivery.
      if (batch.queue.endsWith("-dlq")) return consumeDeadLetterQueue(batch, e);
      return consume(batch, e, exec);
    },

    /** The Cron Trigger ([triggers] in wrangler.toml): alerts on each destination (docs/alerts.md). */
    async scheduled(controller: ScheduledController, env: Env, _exec: ExecutionContext): Promise<void> {
      const loaded = configOf(env);
      if (!loaded.ok) {
        console.error("tagwire: alerts skipped, the config is invalid");
        return;
      }
      await runAlerts(configOf.env(env), loaded.config, controller.scheduledTime);
    },
  } satisfies ExportedHandler<Env, QueueMessage>;
}
