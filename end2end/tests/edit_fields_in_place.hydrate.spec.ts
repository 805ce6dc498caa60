// With JavaScript, an item's fields save one at a time as they change, and
// every change says how it went in a toast. Someone else's change in
// between is refused, never overwritten. Runs after accounts.spec.ts set
// up the instance.
import { test, expect, signIn, createWorkspace } from "./fixtures";
import type { Page } from "@playwright/test";

const slug = "in-place-hydrate";

async function hydrated(page: Page) {
  await expect(page.locator("body")).toHaveAttribute("data-hydrated", "true");
}

const toast = (page: Page) => page.locator(".toast");

test("fields save as they change, and a stale edit is refused", async ({ page, browser }) => {
  await signIn(page);
  await createWorkspace(page, "In place", slug);

  await page.goto(`/w/${slug}/items`);
  await hydrated(page);
  const quickAdd = page.getByLabel("Title of the new item");
  await quickAdd.fill("Export to CSV");
  await quickAdd.press("Enter");
  await expect(toast(page).filter({ hasText: "Added INP-1." })).toBeVisible();

  await page.goto(`/w/${slug}/items/INP-1`);
  await hydrated(page);

  // A select saves on its own: no button, and the page keeps the form.
  await page.getByLabel("Status").selectOption({ label: "Planned" });
  await expect(toast(page).filter({ hasText: "Saved." })).toBeVisible();
  await expect(page.locator(".item-page__meta")).toContainText("Planned");
  await expect(page.locator(".item-page__meta")).toContainText("version 2");

  // A text field saves when it loses the focus; typing in the next field
  // meanwhile is not interrupted, and two quick changes both land.
  await page.getByLabel("Title").fill("Export to CSV and JSON");
  await page.getByLabel("Tags").click();
  await page.keyboard.type("data, export");
  await page.getByLabel("Horizon").selectOption("now");
  await expect(page.getByRole("heading", { name: "Export to CSV and JSON" })).toBeVisible();
  await expect(page.getByLabel("Tags")).toHaveValue("data, export");
  const history = page.locator(".activity");
  await expect(history).toContainText("changed the horizon from “Unplanned” to “Now”");
  await expect(history).toContainText("changed the tags");
  await expect(history).toContainText("changed the title");
  await expect(page.locator(".form-error")).toHaveCount(0);

  await page.reload();
  await hydrated(page);
  await expect(page.getByLabel("Title")).toHaveValue("Export to CSV and JSON");
  await expect(page.getByLabel("Tags")).toHaveValue("data, export");
  await expect(page.getByLabel("Horizon")).toHaveValue("now");

  // Someone else changes the item in another window; this page's next
  // edit is refused with their name, and a toast says so too.
  const other = await browser.newPage();
  await signIn(other);
  await other.goto(`/w/${slug}/items/INP-1`);
  await hydrated(other);
  await other.getByLabel("Status").selectOption({ label: "Shipped" });
  await expect(toast(other).filter({ hasText: "Saved." })).toBeVisible();
  await other.close();

  await page.getByLabel("Assignee").selectOption({ label: "Ada Admin" });
  await expect(page.locator(".form-error")).toContainText("Changed by Ada Admin");
  await expect(page.locator(".toast--failure")).toContainText("reload to see it");
  await page.getByRole("button", { name: "Dismiss" }).click();
  await expect(page.locator(".toast--failure")).toHaveCount(0);

  await page.reload();
  await expect(page.locator(".item-page__meta")).toContainText("Shipped");
  await expect(page.getByLabel("Assignee").locator("option:checked")).toHaveText("Nobody");
});
