// A visitor opens the start page, reads what Waymark is, goes to About and
// sees facts that come from the database; an unknown address gets a 404.
import { test, expect } from "./fixtures";

test("the start page says what Waymark is", async ({ page }) => {
  const response = await page.goto("/");
  expect(response?.status()).toBe(200);
  // A new instance first asks for its admin account; either way the page
  // says what Waymark is.
  await expect(page.getByText("self-hosted place where product teams collect ideas")).toBeVisible();
  await expect(page.getByRole("link", { name: "Waymark" })).toBeVisible();
});

test("the about page shows the version and the database", async ({ page }) => {
  await page.goto("/");
  await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "About" }).click();
  await expect(page).toHaveURL(/\/about$/);
  await expect(page).toHaveTitle("About · Waymark");
  await expect(page.locator('[data-fact="database"]')).toHaveText("SQLite");
  await expect(page.locator('[data-fact="schema-version"]')).toHaveText(/^\d+$/);
  await expect(page.locator('[data-fact="version"]')).toHaveText(/^\d+\.\d+\.\d+$/);
});

test("an unknown address shows the not-found page with status 404", async ({ page }) => {
  const response = await page.goto("/no/such/page");
  expect(response?.status()).toBe(404);
  await expect(page.getByRole("heading", { name: "Page not found" })).toBeVisible();
  await page.getByRole("link", { name: "Go to the start page" }).click();
  await expect(page).toHaveURL(/\/$/);
});

test("the theme toggle switches to dark and the choice survives a reload", async ({ page }) => {
  await page.goto("/about");
  const html = page.locator("html");
  await expect(html).toHaveAttribute("data-theme", "system");
  await page.getByRole("button", { name: "System theme" }).click();
  await expect(html).toHaveAttribute("data-theme", "dark");
  await expect(page.getByRole("button", { name: "Dark theme" })).toBeVisible();
  // Without JavaScript the form post comes back to the same page.
  await expect(page).toHaveURL(/\/about\??$/);
  await page.reload();
  await expect(html).toHaveAttribute("data-theme", "dark");
});

test("the page reads well on a 375 px phone", async ({ page }) => {
  await page.setViewportSize({ width: 375, height: 740 });
  await page.goto("/about");
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  expect(overflow).toBeLessThanOrEqual(0);
  await expect(page.getByRole("heading", { name: "About this instance" })).toBeVisible();
});
