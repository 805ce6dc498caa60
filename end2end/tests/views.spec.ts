// Saved views and share links: a filtered board is saved with a name and
// listed beside the views; it is shared, and the link opened in a fresh
// browser with JavaScript off shows the same items and nothing else; once
// the owner revokes it in the settings the link is a 404. Runs with
// JavaScript on and off, after accounts.spec.ts set up the instance.
import { test, expect, signIn, createWorkspace } from "./fixtures";
import type { Page } from "@playwright/test";

test.describe.configure({ mode: "serial" });

async function ready(page: Page, project: string) {
  if (project === "hydrate") {
    await expect(page.locator("body")).toHaveAttribute("data-hydrated", "true");
  }
}

test("a saved board is shared, read without an account, and revoked", async ({ page, browser }, info) => {
  test.setTimeout(60_000);
  const project = info.project.name;
  const slug = `views-${project}`;
  await signIn(page);
  await createWorkspace(page, "Autumn views", slug);
  await page.goto(`/w/${slug}/items`);
  await ready(page, project);
  for (const title of ["Dark mode", "Dark mode for email", "Secret pricing"]) {
    const quickAdd = page.getByLabel("Title of the new item");
    await quickAdd.fill(title);
    await quickAdd.press("Enter");
    await expect(page.locator("tbody tr", { hasText: title }).first()).toBeVisible();
  }

  // The board, filtered, then saved under a name.
  await page.goto(`/w/${slug}/board`);
  await ready(page, project);
  await expect(page.getByRole("navigation", { name: "Saved views" })).toContainText("None yet.");
  await page.locator("#filter-q").fill("dark");
  await page.getByRole("button", { name: "Apply" }).click();
  await expect(page).toHaveURL(/q=dark/);
  await expect(page.getByTestId("board")).not.toContainText("Secret pricing");
  await page.getByText("Save this view…").click();
  await page.getByLabel("Name", { exact: true }).fill("Dark work");
  await page.getByRole("button", { name: "Save view" }).click();
  await expect(page).toHaveURL(new RegExp(`/w/${slug}/board\\?q=dark&view=\\d+$`));
  const bar = page.getByTestId("view-bar");
  await expect(bar.getByRole("heading", { name: "Dark work" })).toBeVisible();
  const saved = page.getByRole("navigation", { name: "Saved views" }).getByRole("link", { name: "Dark work" });
  await expect(saved).toHaveAttribute("aria-current", "page");

  // From another page, the saved view opens with its filter.
  await page.goto(`/w/${slug}/items`);
  await ready(page, project);
  await page.getByRole("navigation", { name: "Saved views" }).getByRole("link", { name: "Dark work" }).click();
  await expect(page).toHaveURL(new RegExp(`/w/${slug}/board\\?q=dark&view=\\d+$`));
  await ready(page, project);
  await expect(page.getByTestId("board")).toContainText("Dark mode for email");
  await expect(page.getByTestId("board")).not.toContainText("Secret pricing");

  // Shared: the link is shown once.
  await page.getByTestId("view-bar").getByText("Share…").click();
  await page.getByRole("button", { name: "Make share link" }).click();
  const field = page.getByTestId("share-link");
  await expect(field).toBeVisible();
  const url = await field.inputValue();
  expect(url).toMatch(/\/s\/[A-Za-z0-9_-]{43}$/);
  const path = new URL(url).pathname;

  // A stranger's browser, without JavaScript: the same items, read-only.
  const stranger = await browser.newContext({ javaScriptEnabled: false });
  const reader = await stranger.newPage();
  const response = await reader.goto(path);
  expect(response?.status()).toBe(200);
  await expect(reader.getByRole("heading", { name: "Dark work" })).toBeVisible();
  await expect(reader.getByTestId("board")).toContainText("Dark mode");
  await expect(reader.getByTestId("board")).toContainText("Dark mode for email");
  await expect(reader.getByTestId("board")).not.toContainText("Secret pricing");
  await expect(reader.locator("a[href^='/w/']")).toHaveCount(0);
  await expect(reader.locator("meta[name=robots]")).toHaveAttribute("content", "noindex, nofollow");

  // The owner revokes it in the settings: the link stops at once.
  await page.goto(`/w/${slug}/settings`);
  await ready(page, project);
  const links = page.getByRole("region", { name: "Share links" });
  await expect(links.getByTestId("share-link-row")).toContainText("Dark work (Board)");
  await links.getByRole("button", { name: "Revoke" }).click();
  await expect(links).toContainText("None.");
  const gone = await reader.goto(path);
  expect(gone?.status()).toBe(404);
  await expect(reader.getByRole("heading", { name: "This link does not work" })).toBeVisible();
  await stranger.close();
});
