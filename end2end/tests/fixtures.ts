// Shared test set-up: fail any test whose page logs an error or a Content
// Security Policy violation, so a broken hydration cannot pass silently.
import { test as base, expect } from "@playwright/test";
import type { Page } from "@playwright/test";

// The instance's first account, made by accounts.spec.ts.
export const admin = { name: "Ada Admin", email: "ada@example.com", password: "correct horse battery staple" };

// Signs in through the form and waits for the signed-in header.
export async function signIn(page: Page, email = admin.email, password = admin.password) {
  await page.goto("/sign-in");
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByTestId("user-menu")).toBeVisible();
}

// Creates a workspace through the form and waits for its page.
export async function createWorkspace(page: Page, name: string, slug: string) {
  await page.goto("/w/new");
  await page.getByLabel("Name").fill(name);
  await page.getByLabel("Address").fill(slug);
  await page.getByRole("button", { name: "Create workspace" }).click();
  await expect(page.getByRole("heading", { name })).toBeVisible();
}

export const test = base.extend<{ consoleErrors: string[] }>({
  consoleErrors: [
    async ({ page }, use) => {
      const errors: string[] = [];
      page.on("console", (message) => {
        if (message.type() === "error") errors.push(message.text());
      });
      page.on("pageerror", (error) => errors.push(error.message));
      await use(errors);
      // Chromium logs every 4xx response: the not-found page a test opens on
      // purpose, and a form's server function refusing bad input (422, 401)
      // — answers the page then shows. Server errors (5xx) still fail.
      const real = errors.filter((e) => !/status of 4\d\d/.test(e));
      expect(real, "the page logged no errors").toEqual([]);
    },
    { auto: true },
  ],
});

export { expect };
