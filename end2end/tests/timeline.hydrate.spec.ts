// The timeline: an item's bar is stretched by its end and moved as a
// whole, and the item's page shows the new dates. Needs JavaScript (the
// page without it shows the same bars, checked by the server's tests).
// Runs after accounts.spec.ts set up the instance.
import { test, expect, signIn, createWorkspace } from "./fixtures";

test("a bar on the timeline is resized and moved, and the item's dates follow", async ({ page }) => {
  const slug = "timeline-hydrate";
  await signIn(page);
  await createWorkspace(page, "Release train", slug);
  await page.goto(`/w/${slug}/items`);
  await expect(page.locator("body")).toHaveAttribute("data-hydrated", "true");
  const quickAdd = page.getByLabel("Title of the new item");
  await quickAdd.fill("Offline sync");
  await quickAdd.press("Enter");
  await expect(page.locator("tbody tr", { hasText: "Offline sync" })).toBeVisible();

  // Dates in the middle of a month, so the axis has room on both sides.
  await page.goto(`/w/${slug}/items/REL-1`);
  await expect(page.locator("body")).toHaveAttribute("data-hydrated", "true");
  await page.getByLabel("Start").fill("2027-03-10");
  await page.getByLabel("End").fill("2027-03-14");
  await page.getByLabel("End").blur();
  await page.waitForLoadState("networkidle");
  await page.reload();
  await expect(page.getByLabel("End")).toHaveValue("2027-03-14");

  await page.goto(`/w/${slug}/timeline`);
  await expect(page.locator("body")).toHaveAttribute("data-hydrated", "true");
  const bar = page.locator('a.bar[data-key="REL-1"]');
  await expect(bar).toBeVisible();
  await expect(page.getByTestId("timeline-summary")).toHaveText("1 dated item.");

  // On the month axis a day is 4 units: drag the end 8 days to the right.
  const end = bar.locator('[data-edge="end"]');
  const box = (await end.boundingBox())!;
  await page.mouse.move(box.x + 2, box.y + box.height / 2);
  await page.mouse.down();
  await page.mouse.move(box.x + 18, box.y + box.height / 2, { steps: 4 });
  await page.mouse.move(box.x + 34, box.y + box.height / 2, { steps: 4 });
  await page.mouse.up();
  await expect(page.locator('a.bar[data-key="REL-1"] title')).toHaveText(/2027-03-10 to 2027-03-22/);
  await page.waitForLoadState("networkidle");
  // The click that ends the drag did not open the item.
  await expect(page).toHaveURL(new RegExp(`/w/${slug}/timeline$`));

  // The keyboard way: Alt + arrow moves the whole bar a day.
  await page.locator('a.bar[data-key="REL-1"]').focus();
  await page.keyboard.press("Alt+ArrowRight");
  await expect(page.locator('a.bar[data-key="REL-1"] title')).toHaveText(/2027-03-11 to 2027-03-23/);
  await page.waitForLoadState("networkidle");

  await page.goto(`/w/${slug}/items/REL-1`);
  await expect(page.getByLabel("Start")).toHaveValue("2027-03-11");
  await expect(page.getByLabel("End")).toHaveValue("2027-03-23");
});
