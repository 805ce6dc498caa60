// Live updates: two members on the same board, each in a browser of their
// own; a card one moves shows up in its new column on the other's board
// within two seconds, without a reload; a title changed on the item page
// shows up there too.
// Needs JavaScript; runs after accounts.spec.ts set up the instance.
import { test, expect, signIn, createWorkspace } from "./fixtures";
import type { Page } from "@playwright/test";

test.describe.configure({ mode: "serial" });

function card(page: Page, column: string, key: string) {
  return page.locator(`[data-lane][aria-label="${column}"] .card[data-key="${key}"]`);
}

async function hydrated(page: Page) {
  await expect(page.locator("body")).toHaveAttribute("data-hydrated", "true");
}

test("a move on one board appears on another without a reload", async ({ page, browser, baseURL }) => {
  test.setTimeout(60_000);
  const slug = "live-board";
  await signIn(page);
  await createWorkspace(page, "Winter live", slug);
  await page.goto(`/w/${slug}/items`);
  await hydrated(page);
  for (const title of ["Offline sync", "Dark mode"]) {
    const quickAdd = page.getByLabel("Title of the new item");
    await quickAdd.fill(title);
    await quickAdd.press("Enter");
    await expect(page.locator("tbody tr", { hasText: title })).toBeVisible();
  }

  // A second member, in a browser of their own: invited, and signed up
  // through the link.
  await page.goto(`/w/${slug}/settings/members`);
  await page.getByLabel("Role", { exact: true }).selectOption("viewer");
  await page.getByRole("button", { name: "Make invitation link" }).click();
  const invite = (await page.getByTestId("invitation-link").inputValue()).replace(/^https?:\/\/[^/]+/, "");
  const other = await browser.newContext({ baseURL });
  const watcher = await other.newPage();
  await watcher.goto(invite);
  await watcher.getByLabel("Your name").fill("Willa Watcher");
  await watcher.getByLabel("Email").fill("willa@example.com");
  await watcher.getByLabel("Password").fill("a long and unusual passphrase");
  await watcher.getByRole("button", { name: "Create account and join" }).click();
  await expect(watcher).toHaveURL(new RegExp(`/w/${slug}$`));
  await watcher.goto(`/w/${slug}/board`);
  await hydrated(watcher);
  await expect(card(watcher, "Idea", "WIN-1")).toBeVisible();
  // Gone if the page reloads.
  await watcher.evaluate(() => ((window as unknown as { stayed: boolean }).stayed = true));

  await page.goto(`/w/${slug}/board`);
  await hydrated(page);
  await card(page, "Idea", "WIN-1").dragTo(page.locator('[data-lane][aria-label="In progress"] ol'));
  await expect(card(page, "In progress", "WIN-1")).toBeVisible();

  await expect(card(watcher, "In progress", "WIN-1")).toBeVisible({ timeout: 2_000 });
  await expect(card(watcher, "Idea", "WIN-1")).toHaveCount(0);

  // A new title, saved on the item page, reaches the other board too.
  await page.goto(`/w/${slug}/items/WIN-2`);
  await hydrated(page);
  await page.getByLabel("Title").fill("Dark mode everywhere");
  await page.getByLabel("Title").press("Tab");
  await expect(page.locator(".toast").filter({ hasText: "Saved." })).toBeVisible();
  await expect(card(watcher, "Idea", "WIN-2")).toContainText("Dark mode everywhere", { timeout: 2_000 });

  expect(await watcher.evaluate(() => (window as unknown as { stayed?: boolean }).stayed)).toBe(true);
  await other.close();
});
