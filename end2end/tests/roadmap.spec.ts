// The roadmap: a card goes from the unplanned tray to Next with its select
// (the way without JavaScript), then from Next to Now by drag and drop (or
// by the select again without JavaScript), and stays there after a reload.
// Runs with JavaScript on and off, after accounts.spec.ts set up the
// instance.
import { test, expect, signIn, createWorkspace } from "./fixtures";
import type { Page } from "@playwright/test";

test.describe.configure({ mode: "serial" });

const slugFor = (project: string) => `roadmap-${project}`;

function lane(page: Page, name: string) {
  return page.locator(`[data-lane][aria-label="${name}"]`);
}

function card(page: Page, lane_name: string, key: string) {
  return lane(page, lane_name).locator(`.card[data-key="${key}"]`);
}

async function ready(page: Page, project: string) {
  if (project === "hydrate") {
    await expect(page.locator("body")).toHaveAttribute("data-hydrated", "true");
  }
}

/// Moves a card with its horizon select: with JavaScript the change moves
/// it; without, the form's button posts it.
async function choose(page: Page, project: string, from: string, key: string, to: string) {
  const moving = card(page, from, key);
  await moving.getByLabel(`Horizon of ${key}`).selectOption({ label: to });
  if (project !== "hydrate") {
    await moving.getByRole("button", { name: "Move" }).click();
  }
  await expect(card(page, to, key)).toBeVisible();
}

test("a card moves from Next to Now on the roadmap and stays there", async ({ page }, info) => {
  const project = info.project.name;
  const slug = slugFor(project);
  await signIn(page);
  await createWorkspace(page, "Spring launch", slug);
  await page.goto(`/w/${slug}/items`);
  await ready(page, project);
  for (const title of ["Offline sync", "Dark mode", "Export to CSV"]) {
    const quickAdd = page.getByLabel("Title of the new item");
    await quickAdd.fill(title);
    await quickAdd.press("Enter");
    await expect(page.locator("tbody tr", { hasText: title })).toBeVisible();
  }

  await page.getByRole("link", { name: "Roadmap", exact: true }).click();
  await expect(page).toHaveURL(new RegExp(`/w/${slug}/roadmap$`));
  await ready(page, project);
  for (const key of ["SPR-1", "SPR-2", "SPR-3"]) {
    await expect(card(page, "Unplanned", key)).toBeVisible();
  }
  await expect(lane(page, "Now")).toContainText("No items");

  await choose(page, project, "Unplanned", "SPR-1", "Next");
  await choose(page, project, "Unplanned", "SPR-2", "Next");
  // The card shows its status.
  await expect(card(page, "Next", "SPR-1")).toContainText("Idea");

  if (project === "hydrate") {
    await card(page, "Next", "SPR-1").dragTo(lane(page, "Now").locator("ol"));
    await expect(card(page, "Now", "SPR-1")).toBeVisible();
    // The keyboard way: Alt + arrow moves the focused card.
    await card(page, "Next", "SPR-2").focus();
    await page.keyboard.press("Alt+ArrowLeft");
    await expect(card(page, "Now", "SPR-2")).toBeVisible();
    await expect(card(page, "Now", "SPR-2")).toBeFocused();
    await page.keyboard.press("Alt+ArrowDown");
    await expect(lane(page, "Now").locator(".card").first()).toHaveAttribute("data-key", "SPR-1");
    await page.waitForLoadState("networkidle");
  } else {
    await choose(page, project, "Next", "SPR-1", "Now");
  }

  await page.reload();
  await expect(card(page, "Now", "SPR-1")).toBeVisible();
  await expect(card(page, "Next", "SPR-1")).toHaveCount(0);
  if (project === "hydrate") {
    await expect(lane(page, "Now").locator(".card")).toHaveText([/SPR-1/, /SPR-2/]);
  }
  // The item page says where it is, and its history says who moved it.
  await page.goto(`/w/${slug}/items/SPR-1`);
  await expect(page.getByLabel("Horizon")).toHaveValue("now");
  await expect(page.locator("ol.activity")).toContainText("Now");
});

test("the unplanned tray folds away", async ({ page }, info) => {
  const slug = slugFor(info.project.name);
  await signIn(page);
  await page.goto(`/w/${slug}/roadmap`);
  await ready(page, info.project.name);
  const tray = page.locator("details.roadmap-tray");
  await expect(card(page, "Unplanned", "SPR-3")).toBeVisible();
  await tray.locator("summary").click();
  await expect(card(page, "Unplanned", "SPR-3")).toBeHidden();
});
