// With JavaScript the page hydrates: the theme toggle then works in place,
// without the full page load a plain form post would cause.
import { test, expect } from "./fixtures";

test("the hydrated theme toggle switches without reloading the page", async ({ page }) => {
  await page.goto("/");
  // The app marks <body> once the WebAssembly has hydrated the page.
  await expect(page.locator("body")).toHaveAttribute("data-hydrated", "true");
  await page.evaluate(() => ((window as unknown as { __notReloaded: boolean }).__notReloaded = true));

  await page.getByRole("button", { name: "System theme" }).click();
  await expect(page.locator("html")).toHaveAttribute("data-theme", "dark");
  await expect(page.getByRole("button", { name: "Dark theme" })).toBeVisible();

  const stillSamePage = await page.evaluate(
    () => (window as unknown as { __notReloaded?: boolean }).__notReloaded === true,
  );
  expect(stillSamePage, "the toggle ran in the page, not through a reload").toBe(true);
});

test("client-side navigation keeps the page and renders the about facts", async ({ page }) => {
  await page.goto("/");
  await expect(page.locator("body")).toHaveAttribute("data-hydrated", "true");
  await page.evaluate(() => ((window as unknown as { __notReloaded: boolean }).__notReloaded = true));
  await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "About" }).click();
  await expect(page.locator('[data-fact="database"]')).toHaveText("SQLite");
  const stillSamePage = await page.evaluate(
    () => (window as unknown as { __notReloaded?: boolean }).__notReloaded === true,
  );
  expect(stillSamePage, "the router navigated without a full page load").toBe(true);
});
