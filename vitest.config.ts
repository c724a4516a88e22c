import { cloudflareTest } from "@cloudflare/vitest-plugin";
import { defineConfig } from "vitest/config";
import { testConfig } from "./test/support/testConfig.ts";

export default defineConfig({
  plugins: [
    cloudflareTest(({ inject }) => ({
      wrangler: { configPath: "./wrangler.toml", environment: "dev" },
      miniflare: {
        bindings: {
          TAGWIRE_CONFIG: testConfig(`http://127.0.0.1:${inject("doublePort")}`),
          TEST_WEBHOOK_SECRET: "whsec_test_0123456789",
          TEST_S2S_SECRET: "s2s_test_secret_0123456789",
          TAGWIRE_ADMIN_TOKEN: "admin_test_token_0123456789",
          DOUBLE_BASE: `http://127.0.0.1:${inject("doublePort")}`,
        },
      },
    })),
  ],
  test: {
    globalSetup: ["./test/support/globalSetup.ts"],
    include: ["test/**/*.test.ts"],
  },
});
