import { cloudflareTest } from "@cloudflare/vitest-plugin";
import { defineConfig } from "vitest/config";
import { testConfig } from "./test/support/testConfig.ts";

export default defineConfig({
  test: {
    projects: [
      {
        // Everything about the Worker, inside workerd.
        plugins: [
          cloudflareTest(({ inject }) => ({
            wrangler: { configPath: "./wrangler.toml", environment: "dev" },
            miniflare: {
              bindings: {
                TAGWIRE_CONFIG: testConfig(`http://127.0.0.1:${inject("doublePort")}`),
                TEST_WEBHOOK_SECRET: "whsec_test_0123456789",
                TEST_S2S_SECRET: "s2s_test_secret_0123456789",
                TAGWIRE_ADMIN_TOKEN: "admin_test_token_0123456789",
                TAGWIRE_DEAD_LETTER_KEY: "dlk_test_0123456789abcdef0123456789abcdef",
                TAGWIRE_ARCHIVE_KEY: "ark_test_0123456789abcdef0123456789abcdef",
                DOUBLE_BASE: `http://127.0.0.1:${inject("doublePort")}`,
              },
              // A tight limiter so rate-limit tests reach it in a few requests (test/http/rate-limit.test.ts).
              ratelimits: { RATE_LIMIT_TEST: { namespace_id: "7999", simple: { limit: 3, period: 10 } } },
            },
          })),
        ],
        test: {
          name: "workers",
          globalSetup: ["./test/support/globalSetup.ts"],
          include: ["test/**/*.test.ts"],
          exclude: ["test/e2e/**", "test/**/*.node.test.ts", "test/scripts/**", "**/node_modules/**"],
        },
      },
      {
        // In Node: what drives wrangler or workerd from outside (the bundled config test).
        test: {
          name: "node",
          environment: "node",
          include: ["test/**/*.node.test.ts"],
          testTimeout: 60_000,
          hookTimeout: 120_000,
        },
      },
      {
        // In Node, offline: the command-line tools (doctor, prefix, snippet, config:diff) with injected inputs.
        test: { name: "scripts", environment: "node", include: ["test/scripts/**/*.test.ts"], testTimeout: 30_000 },
      },
      {
        // In Node: the SDK build checks, and a real browser against the Worker under `wrangler dev`.
        test: {
          name: "e2e",
          environment: "node",
          include: ["test/e2e/**/*.test.ts"],
          testTimeout: 60_000,
          hookTimeout: 120_000,
        },
      },
    ],
  },
});
