// The backlog: add items from the table's quick-add field, edit one on its
// page, comment, change a status from the table, filter by tag and search
// through the URL. Runs with JavaScript on and off, after accounts.spec.ts
// set up the instance.
import { test, expect, signIn, createWorkspace } from "./fixtures";
import type { Page } from "@playwright/test";

const slugFor = (project: string) => `backlog-${project}`;

test.describe.configure({ mode: "serial" });


// With JavaScript, typing before the page is interactive would post the
// plain form instead: wait for hydration first.
async function ready(page: Page, project: string) {
  if (project === "hydrate") {
    await expect(page.locator("body")).toHaveAttribute("data-hydrated", "true");
  }
}

function row(page: Page, title: string) {
  return page.locator("tbody tr", { hasText: title });
}

test("items are added from the table, one after another", async ({ page }, info) => {
  const slug = slugFor(info.project.name);
  await signIn(page);
  await createWorkspace(page, "Backlog", slug);

  await page.getByRole("link", { name: "Items", exact: true }).click();
  await expect(page).toHaveURL(new RegExp(`/w/${slug}/items$`));
  await expect(page.getByText("No items yet.")).toBeVisible();
  await ready(page, info.project.name);

  const quickAdd = page.getByLabel("Title of the new item");
  await quickAdd.fill("Dark mode");
  await quickAdd.press("Enter");
  await expect(row(page, "Dark mode")).toContainText("BAC-1");
  if (info.project.name === "hydrate") {
    // The field empties and keeps the focus for the next title.
    await expect(quickAdd).toBeFocused();
    await expect(quickAdd).toHaveValue("");
  }
  await quickAdd.fill("Offline sync");
  await quickAdd.press("Enter");
  await expect(row(page, "Offline sync")).toContainText("BAC-2");
  await expect(page.getByTestId("item-count")).toHaveText("2 items");
});

test("an item is edited on its page, commented on, and keeps its history", async ({ page }, info) => {
  const slug = slugFor(info.project.name);
  await signIn(page);
  await page.goto(`/w/${slug}/items`);
  await row(page, "Dark mode").getByRole("link", { name: "Dark mode" }).click();
  await expect(page).toHaveURL(new RegExp(`/w/${slug}/items/BAC-1$`));
  await expect(page.getByRole("heading", { name: "Dark mode" })).toBeVisible();
  await ready(page, info.project.name);

  await page.getByLabel("Title").fill("Dark mode everywhere");
  await page.getByLabel("Tags").fill("mobile, UI");
  await page.getByLabel("Horizon").selectOption("next");
  await page.getByLabel("Description").fill("Follow the **system** setting.");
  await page.getByRole("button", { name: "Save" }).click();
  await expect(page.getByRole("heading", { name: "Dark mode everywhere" })).toBeVisible();
  await expect(page.locator(".markdown strong")).toHaveText("system");

  await page.reload();
  await ready(page, info.project.name);
  await expect(page.getByLabel("Tags")).toHaveValue("mobile, ui");
  await expect(page.getByLabel("Horizon")).toHaveValue("next");
  const history = page.locator(".activity");
  await expect(history).toContainText("changed the title from “Dark mode” to “Dark mode everywhere”");
  await expect(history).toContainText("created the item");

  await page.getByLabel("Add a comment").fill("Users ask for this *weekly*.");
  await page.getByRole("button", { name: "Comment" }).click();
  await expect(page.locator(".comment")).toContainText("Users ask for this weekly.");
  await expect(page.locator(".comment em")).toHaveText("weekly");
});

test("a status is changed from the table and the table filters by tag and words", async ({ page }, info) => {
  const slug = slugFor(info.project.name);
  await signIn(page);
  await page.goto(`/w/${slug}/items`);
  await ready(page, info.project.name);
  const status = page.getByLabel("Status of BAC-2");
  await status.selectOption({ label: "Planned" });
  if (info.project.name === "ssr") {
    await row(page, "Offline sync").getByRole("button", { name: "Save" }).click();
  }
  await page.waitForLoadState("networkidle");
  await page.reload();
  await expect(page.getByLabel("Status of BAC-2").locator("option:checked")).toHaveText("Planned");

  await page.goto(`/w/${slug}/items?tag=mobile`);
  await expect(page.getByTestId("item-count")).toHaveText("1 item");
  await expect(row(page, "Dark mode everywhere")).toBeVisible();
  await expect(row(page, "Offline sync")).toHaveCount(0);

  await page.goto(`/w/${slug}/items`);
  await page.getByLabel("Search").fill("offl");
  await page.getByRole("button", { name: "Apply" }).click();
  await expect(page).toHaveURL(/q=offl/);
  await expect(page.getByTestId("item-count")).toHaveText("1 item");
  await expect(row(page, "Offline sync")).toBeVisible();

  // A tag chip in the table is a link to that filter.
  await page.goto(`/w/${slug}/items`);
  await row(page, "Dark mode everywhere").getByRole("link", { name: "ui" }).click();
  await expect(page).toHaveURL(/tag=ui/);
  await expect(page.getByTestId("item-count")).toHaveText("1 item");
});

test("a card moves to another column on the board and stays there", async ({ page }, info) => {
  const slug = slugFor(info.project.name);
  await signIn(page);
  await page.goto(`/w/${slug}/board`);
  await ready(page, info.project.name);
  const column = (name: string) => page.locator(`.board-column[aria-label="${name}"]`);
  await expect(column("Idea").locator('.card[data-key="BAC-1"]')).toBeVisible();

  if (info.project.name === "hydrate") {
    await column("Idea").locator('.card[data-key="BAC-1"]').dragTo(column("In progress").locator("ol"));
    await expect(column("In progress").locator('.card[data-key="BAC-1"]')).toBeVisible();
    // The keyboard way: Alt + arrow moves the focused card.
    await column("Planned").locator('.card[data-key="BAC-2"]').focus();
    await page.keyboard.press("Alt+ArrowRight");
    await expect(column("In progress").locator('.card[data-key="BAC-2"]')).toBeVisible();
    await page.waitForLoadState("networkidle");
    // The card keeps the focus once the board has the server's answer.
    await expect(column("In progress").locator('.card[data-key="BAC-2"]')).toBeFocused();
  } else {
    const card = column("Idea").locator('.card[data-key="BAC-1"]');
    await card.getByLabel("Status of BAC-1").selectOption({ label: "In progress" });
    await card.getByRole("button", { name: "Move" }).click();
    await expect(column("In progress").locator('.card[data-key="BAC-1"]')).toBeVisible();
  }

  await page.reload();
  await expect(column("In progress").locator('.card[data-key="BAC-1"]')).toBeVisible();
  await expect(column("Idea").locator('.card[data-key="BAC-1"]')).toHaveCount(0);
  if (info.project.name === "hydrate") {
    await expect(column("In progress").locator('.card[data-key="BAC-2"]')).toBeVisible();
  }
});

test("several items change status at once in the table, and the keyboard moves between rows", async ({ page }, info) => {
  const slug = slugFor(info.project.name);
  await signIn(page);
  await page.goto(`/w/${slug}/items`);
  await ready(page, info.project.name);
  await page.getByLabel("Select BAC-1").check();
  await page.getByLabel("Select BAC-2").check();
  if (info.project.name === "hydrate") {
    await expect(page.locator(".bulk-bar__count")).toHaveText("2 items selected");
  }
  await page.getByLabel("Status for the selected items").selectOption({ label: "Shipped" });
  await page.getByRole("button", { name: "Set status" }).click();
  if (info.project.name === "hydrate") {
    await expect(page.locator(".toast").filter({ hasText: "2 items changed." })).toBeVisible();
  }
  // With JavaScript the table is drawn again; without, the form's answer
  // is the table again. Either way it shows the change, and so does a reload.
  for (const key of ["BAC-1", "BAC-2"]) {
    await expect(page.getByLabel(`Status of ${key}`).locator("option:checked")).toHaveText("Shipped");
  }
  await page.reload();
  for (const key of ["BAC-1", "BAC-2"]) {
    await expect(page.getByLabel(`Status of ${key}`).locator("option:checked")).toHaveText("Shipped");
  }

  if (info.project.name === "hydrate") {
    await ready(page, info.project.name);
    // Arrows go from row to row in the same column; Enter on a row's
    // checkbox opens its item.
    const first = page.locator("tbody tr").first();
    const second = page.locator("tbody tr").nth(1);
    const secondKey = await second.getAttribute("data-key");
    await first.locator(".items-table__title a").focus();
    await page.keyboard.press("ArrowDown");
    await expect(second.locator(".items-table__title a")).toBeFocused();
    await page.keyboard.press("ArrowUp");
    await expect(first.locator(".items-table__title a")).toBeFocused();
    await second.getByRole("checkbox").focus();
    await page.keyboard.press("Enter");
    await expect(page).toHaveURL(new RegExp(`/w/${slug}/items/${secondKey}$`));
  }
});

test("an item is rated on its page and the table shows and sorts by the same score", async ({ page }, info) => {
  const slug = slugFor(info.project.name);
  await signIn(page);
  await page.goto(`/w/${slug}/items/BAC-2`);
  await ready(page, info.project.name);
  const criterion = (name: string) => page.locator(`.rating[data-criterion="${name}"]`);
  const score = page.getByTestId("score");
  await expect(score).toHaveText("—");

  // Business value 8, development effort M, risk 2; the rest unrated.
  await criterion("Business value").getByRole("slider").fill("8");
  await criterion("Business value").getByLabel("Not rated").uncheck();
  await criterion("Development effort").locator("label", { hasText: /^M$/ }).click();
  await criterion("Risk").getByRole("slider").fill("2");
  await criterion("Risk").getByLabel("Not rated").uncheck();
  if (info.project.name === "hydrate") {
    // Computed in the browser as the user rates, before any answer.
    await expect(score).toHaveText("72.5");
    await page.waitForLoadState("networkidle");
  } else {
    await page.getByRole("button", { name: "Update score" }).click();
  }
  // Value .8, effort (.5 + .2) / 2: (.8 + .65) / 2 × 100.
  await expect(score).toHaveText("72.5");
  await expect(page.locator(".scoring")).toContainText("Partly rated.");

  // The server stored the same score, and says why it moved.
  await page.reload();
  await expect(score).toHaveText("72.5");
  await expect(page.locator(".activity")).toContainText("rated Risk 2");
  await expect(page.locator(".activity")).toContainText("changed the score from");
  // "Why did this move?": the score's last change, and the ratings that made it.
  const why = page.getByTestId("score-history");
  // (With JavaScript each rating saved on its own: a change per rating.)
  await expect(why.locator("li").first()).toContainText(/→ 72\.5/);
  await expect(why).toContainText("Risk 2 (was unrated)");
  // The page's HTML carries every stored rating, so the form sent again
  // as it stands changes nothing.
  await expect(criterion("Development effort").locator('input[type="radio"]:checked')).toHaveValue("2");
  await expect(criterion("Customer value").getByLabel("Not rated")).toBeChecked();
  if (info.project.name === "ssr") {
    await page.getByRole("button", { name: "Update score" }).click();
    await expect(score).toHaveText("72.5");
  }

  await page.goto(`/w/${slug}/items?sort=score`);
  await expect(page.locator("tbody tr").first()).toHaveAttribute("data-key", "BAC-2");
  await expect(row(page, "Offline sync").locator(".items-table__score")).toContainText("72.5");

  // The filter bar's score range, and the score on the board's card.
  await page.getByLabel("Score at least").fill("70");
  await page.getByRole("button", { name: "Apply" }).click();
  await expect(page).toHaveURL(/score_min=70/);
  await expect(page.getByTestId("item-count")).toHaveText("1 item");
  await page.goto(`/w/${slug}/board`);
  await expect(page.locator('.card[data-key="BAC-2"] .card__score')).toHaveText("72.5");

  // The chart places it, named by its title and score, linking to its page.
  await page.goto(`/w/${slug}/chart`);
  const bubble = page.locator('a.bubble[data-key="BAC-2"]');
  await expect(bubble).toHaveAccessibleName(/^Offline sync \(BAC-2\), score 72\.5, quick wins/);
  await expect(page.getByTestId("chart-summary")).toContainText(/^1 of \d+ items are on the chart/);
  await bubble.click();
  await expect(page).toHaveURL(new RegExp(`/w/${slug}/items/BAC-2$`));
  await expect(score).toHaveText("72.5");
});

test("the scoring framework is edited in settings, previewed, saved, and every score follows", async ({ page }, info) => {
  const slug = slugFor(info.project.name);
  await signIn(page);
  await page.goto(`/w/${slug}/settings/scoring`);
  await ready(page, info.project.name);
  // More risk now counts as less effort: BAC-2's effort (.5 + .8) / 2.
  await page.getByLabel("Direction of Risk").selectOption("more_is_less");
  if (info.project.name === "hydrate") {
    const preview = page.getByTestId("preview");
    await expect(preview).toContainText("BAC-2");
    await expect(preview.locator("tr", { hasText: "BAC-2" })).toContainText("72.5");
    await expect(preview.locator("tr", { hasText: "BAC-2" })).toContainText("57.5");
    // A scale that does not take Risk's 2 says so before the save, and
    // changing it back takes the warning away.
    await page.getByLabel("Scale of Risk").selectOption("yes_no");
    await expect(page.getByTestId("unfit-ratings")).toContainText(/ of Risk do(es)? not fit the yes \/ no scale/);
    await page.getByLabel("Scale of Risk").selectOption("zero_to_ten");
    await expect(page.getByTestId("unfit-ratings")).toHaveCount(0);
    await expect(preview.locator("tr", { hasText: "BAC-2" })).toContainText("57.5");
  }
  const save = page.getByRole("button", { name: "Save framework" });
  if (info.project.name === "hydrate") {
    await save.click();
    await expect(page.getByText("Saved; every item was scored again.")).toBeVisible();
  } else {
    // The form's answer brings the browser back to this page.
    await Promise.all([page.waitForNavigation(), save.click()]);
  }
  await page.reload();
  await expect(page.getByLabel("Direction of Risk")).toHaveValue("more_is_less");
  await page.goto(`/w/${slug}/items?sort=score`);
  await expect(row(page, "Offline sync").locator(".items-table__score")).toContainText("57.5");
  await page.goto(`/w/${slug}/chart`);
  await expect(page.locator('a.bubble[data-key="BAC-2"]')).toHaveAccessibleName(/score 57\.5/);
  await page.goto(`/w/${slug}/items/BAC-2`);
  await expect(page.getByTestId("score-history")).toContainText("72.5 → 57.5");
  await expect(page.getByTestId("score-history")).toContainText("the scoring framework was edited");
});
