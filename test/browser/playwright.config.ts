// The web front end in a real browser: Debian's Chromium (never a downloaded one) against the
// real local registry (`npm start` on a fresh state directory), with fixtures published through
// the API by global-setup.ts. Run: `npm run test:browser`.
import { defineConfig } from "@playwright/test";
import { REGISTRY_ORIGIN } from "./helpers/local-registry.ts";

process.env.PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD = "1";
const CI = process.env.CI !== undefined && process.env.CI !== "" && process.env.CI !== "false";

export default defineConfig({
  testDir: ".",
  testMatch: "**/*.spec.ts",
  outputDir: "test-results",
  globalSetup: "./global-setup.ts",
  // Two CPUs, one registry: one browser at a time.
  workers: 1,
  fullyParallel: false,
  retries: 0,
  forbidOnly: CI,
  reporter: "list",
  timeout: 30_000,
  expect: { timeout: 5_000 },
  use: {
    baseURL: REGISTRY_ORIGIN,
    browserName: "chromium",
    colorScheme: "light",
    viewport: { width: 1280, height: 800 },
    actionTimeout: 10_000,
    navigationTimeout: 15_000,
    // Tracing doubles the time over the long API reference: ask for it when debugging
    // (`npm run test:browser -- --trace retain-on-failure`).
    trace: "off",
    screenshot: "only-on-failure",
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
      // Playwright gives every launch a fresh temporary profile. --no-sandbox: CI runs as root.
      args: [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
      ],
    },
  },
  webServer: {
    // A fresh state directory each run: migrated and seeded (about 15 s), removed at the end.
    command: `"${process.execPath}" test/browser/run-registry.ts`,
    cwd: "../..",
    url: `${REGISTRY_ORIGIN}/v0.1/health`,
    reuseExistingServer: false,
    timeout: 180_000,
    gracefulShutdown: { signal: "SIGTERM", timeout: 10_000 },
    stdout: "ignore",
    stderr: "pipe",
  },
});
