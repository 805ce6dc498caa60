// A scoring round with two people: the owner starts it on an item, the
// owner and a contributor rate privately, the owner reveals the ratings and
// applies the agreed value, and the item carries it with its history. Runs
// with JavaScript on and off, after accounts.spec.ts set up the instance.
import { test, expect, signIn, createWorkspace } from "./fixtures";
import type { Page } from "@playwright/test";

test.describe.configure({ mode: "serial" });

async function ready(page: Page, project: string) {
  if (project === "hydrate") {
    await expect(page.locator("body")).toHaveAttribute("data-hydrated", "true");
  }
}

test("two people rate in a round; the owner reveals it and applies the agreed value", async ({ page, browser, baseURL }, info) => {
  const project = info.project.name;
  const js = project === "hydrate";
  const slug = `poker-${project}`;
  await signIn(page);
  await createWorkspace(page, "Poker", slug);
  await page.goto(`/w/${slug}/items`);
  await ready(page, project);
  await page.getByLabel("Title of the new item").fill("Offline sync");
  await page.getByLabel("Title of the new item").press("Enter");
  await expect(page.locator("tbody tr", { hasText: "Offline sync" })).toBeVisible();
  const key = (await page.locator("tbody tr", { hasText: "Offline sync" }).getAttribute("data-key"))!;

  // A contributor joins by invitation.
  await page.goto(`/w/${slug}/settings/members`);
  await page.getByLabel("Role", { exact: true }).selectOption("contributor");
  await page.getByRole("button", { name: "Make invitation link" }).click();
  const invite = (await page.getByTestId("invitation-link").inputValue()).replace(/^https?:\/\/[^/]+/, "");
  const context = await browser.newContext({ baseURL, javaScriptEnabled: js });
  const cleo = await context.newPage();
  await cleo.goto(invite);
  await cleo.getByLabel("Your name").fill("Cleo Contributor");
  await cleo.getByLabel("Email").fill(`cleo-${project}@example.com`);
  await cleo.getByLabel("Password").fill("a long and unusual passphrase");
  await cleo.getByRole("button", { name: "Create account and join" }).click();
  await expect(cleo).toHaveURL(new RegExp(`/w/${slug}$`));

  // The owner starts a round on the item, with both of them.
  await page.goto(`/w/${slug}/rounds`);
  await ready(page, project);
  await page.getByLabel("Name").fill("Q3 planning");
  await page.getByLabel(`${key} Offline sync`).check();
  await page.getByRole("button", { name: "Start the round" }).click();
  if (!js) {
    // Back on the list: the round is in it.
    await page.getByRole("link", { name: "Q3 planning" }).click();
  }
  await expect(page.getByRole("heading", { name: /Q3 planning/ })).toBeVisible();
  const roundUrl = new URL(page.url()).pathname;
  await ready(page, project);

  // Each rates privately; the owner says they are done.
  await page.getByLabel(`${key} on Business value`).selectOption("8");
  await page.getByLabel("I have finished rating").check();
  await page.getByRole("button", { name: "Save my ratings" }).click();
  await expect(page.getByTestId("round-progress")).toHaveText("1 of 2 finished.");

  await cleo.goto(roundUrl);
  await ready(cleo, project);
  await expect(cleo.getByTestId("round-progress")).toHaveText("1 of 2 finished.");
  // Nothing of the owner's rating shows before the reveal.
  await expect(cleo.getByLabel(`${key} on Business value`)).toHaveValue("");
  await expect(cleo.getByTestId("round-results")).toHaveCount(0);
  await cleo.getByLabel(`${key} on Business value`).selectOption("4");
  await cleo.getByRole("button", { name: "Save my ratings" }).click();
  await expect(cleo.getByLabel(`${key} on Business value`)).toHaveValue("4");
  // A contributor cannot reveal.
  await expect(cleo.getByRole("button", { name: "Reveal the ratings" })).toHaveCount(0);

  // The reveal: the spread, the mean, the agreement.
  await page.goto(roundUrl);
  await ready(page, project);
  await page.getByRole("button", { name: "Reveal the ratings" }).click();
  const results = page.getByTestId("round-results");
  await expect(results).toContainText("4–8, mean 6.0");
  await expect(results).toContainText("medium agreement");
  await cleo.goto(roundUrl);
  await expect(cleo.getByTestId("round-results")).toContainText("4–8, mean 6.0");
  await context.close();

  // The owner settles on 7 and applies it.
  await page.getByLabel(`Agreed Business value for ${key}`).selectOption("7");
  await page.getByRole("button", { name: "Apply to the items" }).click();
  await expect(page.getByText("Applied: the items carry the agreed ratings.").first()).toBeVisible();

  await page.goto(`/w/${slug}/items/${key}`);
  await expect(page.locator('.rating[data-criterion="Business value"]').getByRole("slider")).toHaveValue("7");
  await expect(page.locator(".activity")).toContainText("applied the scoring round “Q3 planning”");
});
