// A team forms around a workspace: the admin creates one, invites a second
// person by link, that person signs up through the link and lands in the
// workspace with the invited role; a viewer sees no edit forms, and nothing
// of a workspace they are not in. Runs with JavaScript on and off, after
// accounts.spec.ts set up the instance.
import { test, expect, admin, signIn } from "./fixtures";
import type { Browser, Page } from "@playwright/test";

const slugFor = (project: string) => `launch-${project}`;

test.describe.configure({ mode: "serial" });


async function inviteLink(page: Page, slug: string, role: string): Promise<string> {
  await page.goto(`/w/${slug}/settings/members`);
  await page.getByLabel("Role", { exact: true }).selectOption(role);
  await page.getByRole("button", { name: "Make invitation link" }).click();
  const link = page.getByTestId("invitation-link");
  await expect(link).toBeVisible();
  return (await link.inputValue()).replace(/^https?:\/\/[^/]+/, "");
}

async function joinAs(browser: Browser, baseURL: string, invitePath: string, name: string, email: string, js: boolean) {
  const context = await browser.newContext({ baseURL, javaScriptEnabled: js });
  const page = await context.newPage();
  await page.goto(invitePath);
  await page.getByLabel("Your name").fill(name);
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill("a long and unusual passphrase");
  await page.getByRole("button", { name: "Create account and join" }).click();
  return { context, page };
}

test("the admin creates a workspace and it is listed on the start page", async ({ page }, info) => {
  await signIn(page);
  await page.getByRole("link", { name: "New workspace" }).first().click();
  await page.getByLabel("Name").fill("Launch plan");
  await page.getByLabel("Address").fill(slugFor(info.project.name));
  await page.getByRole("button", { name: "Create workspace" }).click();
  await expect(page).toHaveURL(new RegExp(`/w/${slugFor(info.project.name)}$`));
  await expect(page.getByRole("heading", { name: "Launch plan" })).toBeVisible();
  await expect(page.getByTestId("my-role")).toHaveText("Owner");
  await page.goto("/");
  await expect(page.getByTestId("workspaces")).toContainText("Launch plan");

  // The switcher in the header reaches it from any page.
  await page.goto("/about");
  await page.getByTestId("workspace-switcher").click();
  await page.locator(".workspace-switcher").getByRole("link", { name: "Launch plan" }).click();
  await expect(page).toHaveURL(new RegExp(`/w/${slugFor(info.project.name)}$`));
});

test("a second person signs up through an invitation link and gets the invited role", async ({ page, browser, baseURL }, info) => {
  const slug = slugFor(info.project.name);
  await signIn(page);
  const invite = await inviteLink(page, slug, "editor");
  expect(invite).toMatch(/^\/invite\/[A-Za-z0-9_-]{43}$/);

  const js = info.project.name === "hydrate";
  const { context, page: newcomer } = await joinAs(browser, baseURL!, invite, "Eddie Editor", `eddie-${info.project.name}@example.com`, js);
  await expect(newcomer).toHaveURL(new RegExp(`/w/${slug}$`));
  await expect(newcomer.getByTestId("my-role")).toHaveText("Editor");
  await context.close();

  // The link worked once.
  await page.goto(invite);
  await expect(page.getByRole("heading", { name: "This invitation no longer works" })).toBeVisible();
  await page.goto(`/w/${slug}/settings/members`);
  await expect(page.locator(`[data-member="eddie-${info.project.name}@example.com"]`)).toBeVisible();
});

test("a viewer cannot reach the edit forms", async ({ page, browser, baseURL }, info) => {
  const slug = slugFor(info.project.name);
  await signIn(page);
  const invite = await inviteLink(page, slug, "viewer");
  const js = info.project.name === "hydrate";
  const { context, page: viewer } = await joinAs(browser, baseURL!, invite, "Vera Viewer", `vera-${info.project.name}@example.com`, js);
  await expect(viewer.getByTestId("my-role")).toHaveText("Viewer");

  await viewer.goto(`/w/${slug}/settings`);
  await expect(viewer.getByText("Only owners change these.")).toBeVisible();
  await expect(viewer.getByRole("button", { name: "Save" })).toHaveCount(0);
  await expect(viewer.getByRole("button", { name: "Delete this workspace" })).toHaveCount(0);
  await viewer.goto(`/w/${slug}/settings/members`);
  await expect(viewer.getByRole("button", { name: "Make invitation link" })).toHaveCount(0);
  await expect(viewer.getByRole("button", { name: "Remove" })).toHaveCount(0);

  // Someone outside a workspace is told nothing about it: the admin's
  // other workspace looks to this viewer exactly like one that does not exist.
  const secret = {
    name: `Secret garden ${info.project.name}`,
    slug: `secret-garden-${info.project.name}`,
    description: "Where the surprise launch is planned",
    keyPrefix: "SGQX42",
  };
  await page.goto("/w/new");
  await page.getByLabel("Name").fill(secret.name);
  await page.getByLabel("Address").fill(secret.slug);
  await page.getByLabel("Description").fill(secret.description);
  await page.getByLabel("Item key prefix").fill(secret.keyPrefix);
  await page.getByRole("button", { name: "Create workspace" }).click();
  await expect(page).toHaveURL(new RegExp(`/w/${secret.slug}$`));
  await expect(page.getByRole("heading", { name: secret.name })).toBeVisible();

  const missing = await viewer.goto("/w/no-such-workspace");
  expect(missing?.status()).toBe(404);
  await expect(viewer.getByRole("heading", { name: "Not found" })).toBeVisible();
  const missingText = await viewer.locator("main").innerText();

  const hidden = await viewer.goto(`/w/${secret.slug}`);
  expect(hidden?.status()).toBe(404);
  await expect(viewer.getByRole("heading", { name: "Not found" })).toBeVisible();
  expect(await viewer.locator("main").innerText()).toBe(missingText);
  const served = (await hidden!.text()).toLowerCase();
  const shown = (await viewer.content()).toLowerCase();
  for (const word of [secret.name, secret.slug, secret.description, secret.keyPrefix, admin.email, "Ada Admin"]) {
    expect(served, `the 404 as served names "${word}"`).not.toContain(word.toLowerCase());
    expect(shown, `the 404 as shown names "${word}"`).not.toContain(word.toLowerCase());
  }
  await context.close();
});
