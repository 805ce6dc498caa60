// Shared test set-up: fail any test whose page logs an error or a Content
// Security Policy violation, so a broken hydration cannot pass silently.
import { test as base, expect } from "@playwright/test";

export const test = base.extend<{ consoleErrors: string[] }>({
  consoleErrors: [
    async ({ page }, use) => {
      const errors: string[] = [];
      page.on("console", (message) => {
        if (message.type() === "error") errors.push(message.text());
      });
      page.on("pageerror", (error) => errors.push(error.message));
      await use(errors);
      // Chromium logs every 404 response, including the not-found page a
      // test opens on purpose; a missing asset fails the tests that need it.
      const real = errors.filter((e) => !e.includes("status of 404"));
      expect(real, "the page logged no errors").toEqual([]);
    },
    { auto: true },
  ],
});

export { expect };
