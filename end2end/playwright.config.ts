import { defineConfig, devices } from "@playwright/test";
import * as path from "node:path";

// Every spec runs twice: in the "hydrate" project with JavaScript on, and in
// the "ssr" project with it off (the server-rendered page must be complete).
// Specs named *.hydrate.spec.ts need JavaScript and run only in the first.
//
// The server is the real `waymark` binary on a fresh SQLite file; `make test`
// builds it and passes its path in WAYMARK_BIN.

const root = path.resolve(__dirname, "..");
const firstPort = Number(process.env.WAYMARK_E2E_PORT ?? 3100);
const bin = process.env.WAYMARK_BIN ?? path.join(root, "target/debug/waymark");
const dataDir = path.join(root, "target/e2e");

// Each project gets a server of its own on a fresh database, so both start
// from a new instance (the first-run story runs in each).
function server(name: string, port: number) {
  const url = `http://127.0.0.1:${port}`;
  return {
    command: `"${bin}" serve`,
    cwd: root,
    url: `${url}/readyz`,
    reuseExistingServer: false,
    timeout: 60_000,
    stdout: "ignore" as const,
    stderr: "pipe" as const,
    env: {
      WAYMARK_ADDR: `127.0.0.1:${port}`,
      WAYMARK_PUBLIC_URL: url,
      DATABASE_URL: `sqlite://${dataDir}/${name}.db`,
      WAYMARK_LOG: "warn",
      // The webhook spec's receiver listens on loopback.
      WAYMARK_WEBHOOKS_ALLOW_PRIVATE: "true",
      LEPTOS_SITE_ROOT: process.env.LEPTOS_SITE_ROOT ?? path.join(root, "target/site"),
    },
  };
}

const chromium = {
  executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
  args: [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
  ],
};

export default defineConfig({
  testDir: "./tests",
  timeout: 30_000,
  expect: { timeout: 5_000 },
  fullyParallel: false,
  workers: 1,
  forbidOnly: !!process.env.CI,
  retries: 0,
  reporter: [["list"]],
  outputDir: path.join(root, "target/e2e/results"),
  use: {
    trace: "retain-on-failure",
    screenshot: "only-on-failure",
  },
  projects: [
    {
      name: "hydrate",
      use: {
        ...devices["Desktop Chrome"],
        baseURL: `http://127.0.0.1:${firstPort}`,
        launchOptions: chromium,
        javaScriptEnabled: true,
      },
    },
    {
      name: "ssr",
      testIgnore: /.*\.hydrate\.spec\.ts/,
      use: {
        ...devices["Desktop Chrome"],
        baseURL: `http://127.0.0.1:${firstPort + 1}`,
        launchOptions: chromium,
        javaScriptEnabled: false,
      },
    },
  ],
  webServer: [server("hydrate", firstPort), server("ssr", firstPort + 1)],
});
