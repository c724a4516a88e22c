/** What every route handler gets besides the request. */
import type { Config } from "../config/schema.ts";
import type { Env } from "../env.ts";

export interface RouteContext {
  cfg: Config;
  env: Env;
  exec: ExecutionContext;
  now: number;
}
