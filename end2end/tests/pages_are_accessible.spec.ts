// Every page passes axe-core (WCAG 2.2 A and AA, and axe's best practices)
// in the light and the dark theme: the pages a visitor sees signed out, and
// every page of a filled workspace signed in; and none scrolls sideways at
// 375 px. Runs after accounts.spec.ts
// set up the instance. axe itself is JavaScript, so the "ssr" project checks
// the server-rendered page in a browser that runs script but never loads
// Waymark's own: the page a visitor without JavaScript gets.
import { test, expect, signIn } from "./fixtures";
import AxeBuilder from "@axe-core/playwright";
import type { Browser, BrowserContext, Page } from "@playwright/test";

type StorageState = Awaited<ReturnType<BrowserContext["storageState"]>>;

async function openPage(
  browser: Browser,
  baseURL: string | undefined,
  project: string,
  storageState?: StorageState,
): Promise<Page> {
  const context = await browser.newContext({ baseURL, javaScriptEnabled: true, storageState });
  if (project === "ssr") {
    await context.route(/\/pkg\/.*\.(js|wasm)$/, (route) => route.abort());
  }
  return context.newPage();
}


test.describe.configure({ mode: "serial" });

const TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22a", "wcag22aa", "best-practice"];


type Finding = { page: string; rule: string; impact: string | null | undefined; help: string; nodes: string[] };

// Opens `path` in both colour schemes and returns axe's own account of every
// violation: the rule, the elements and what is wrong with them.
async function check(page: Page, path: string, project: string): Promise<Finding[]> {
  const all: Finding[] = [];
  for (const colorScheme of ["light", "dark"] as const) {
    await page.emulateMedia({ colorScheme });
    await page.goto(path);
    // A shared view (`/s/…`) and the API reference carry no script:
    // nothing hydrates there.
    if (project === "hydrate" && !path.startsWith("/s/") && !path.startsWith("/api/")) {
      await expect(page.locator("body")).toHaveAttribute("data-hydrated", "true");
    }
    const results = await new AxeBuilder({ page }).withTags(TAGS).analyze();
    const found = results.violations.map((v) => ({
      page: `${path} (${colorScheme})`,
      rule: v.id,
      impact: v.impact,
      help: v.help,
      nodes: v.nodes.map((n) => `${n.target.join(" ")}: ${n.failureSummary}`),
    }));
    all.push(...found);
  }
  // On a 375 px phone the page itself never scrolls sideways; a wide table
  // scrolls inside its own box.
  const size = page.viewportSize();
  await page.setViewportSize({ width: 375, height: 800 });
  await page.goto(path);
  const overflow = await page.evaluate(() => {
    const width = document.documentElement.clientWidth;
    const wide = [...document.querySelectorAll("body *")]
      .filter((e) => e.getBoundingClientRect().right > width + 1 && !e.closest(".table-scroll, .board"))
      .slice(0, 5)
      .map((e) => `${e.tagName.toLowerCase()}.${[...e.classList].join(".")}`);
    return { scroll: document.documentElement.scrollWidth, width, wide };
  });
  if (overflow.scroll > overflow.width) {
    all.push({
      page: `${path} (375 px)`,
      rule: "no-sideways-scroll",
      impact: "serious",
      help: `the page is ${overflow.scroll} px wide`,
      nodes: overflow.wide,
    });
  }
  if (size) await page.setViewportSize(size);
  return all;
}

test("signed-out pages pass axe in both themes", async ({ browser, baseURL }, info) => {
  // Six pages, 14 s on a quiet machine.
  test.setTimeout(90_000);
  const page = await openPage(browser, baseURL, info.project.name);
  const found: Finding[] = [];
  for (const path of ["/", "/about", "/sign-in", "/sign-up", "/reset-password/not-a-token", "/no-such-page"]) {
    found.push(...(await check(page, path, info.project.name)));
  }
  expect(found, "axe violations").toEqual([]);
});

// The signed-in pages, one test each so that a slow page cannot eat the
// others' time: the first test makes the demo workspace and an invitation,
// and the others reuse its session.
type Filled = {
  storage: StorageState;
  slug: string;
  item: string;
  invitation: string;
  view: string;
  share: string;
};
let filled: Filled | undefined;

test("signed in: the demo workspace and an invitation to check", async ({ browser, baseURL }, info) => {
  const page = await openPage(browser, baseURL, info.project.name);
  await signIn(page);
  if (info.project.name === "hydrate") {
    await expect(page.locator("body")).toHaveAttribute("data-hydrated", "true");
  }
  await page.getByRole("button", { name: "Try the demo" }).click();
  await expect(page).toHaveURL(/\/w\/[a-z0-9-]+\/items$/);
  const slug = new URL(page.url()).pathname.split("/")[2];

  // An invitation, so that its page and the members page's list are seen.
  await page.goto(`/w/${slug}/settings/members`);
  await page.getByLabel("Role", { exact: true }).selectOption("viewer");
  await page.getByRole("button", { name: "Make invitation link" }).click();
  const link = page.getByTestId("invitation-link");
  await expect(link).toBeVisible();
  const invitation = (await link.inputValue()).replace(/^https?:\/\/[^/]+/, "");

  // A saved view with a share link, so that a saved view's page (with its
  // bar) and a shared page are seen.
  await page.goto(`/w/${slug}/roadmap`);
  if (info.project.name === "hydrate") {
    await expect(page.locator("body")).toHaveAttribute("data-hydrated", "true");
  }
  await page.getByText("Save this view…").click();
  await page.getByLabel("Name", { exact: true }).fill("Demo roadmap");
  await page.getByRole("button", { name: "Save view" }).click();
  await expect(page).toHaveURL(/view=\d+$/);
  const saved = new URL(page.url());
  const view = saved.pathname + saved.search;
  await page.getByTestId("view-bar").getByText("Share…").click();
  await page.getByRole("button", { name: "Make share link" }).click();
  const share = new URL(await page.getByTestId("share-link").inputValue()).pathname;

  const item = `/w/${slug}/items/${await firstKey(page, slug)}`;
  filled = { storage: await page.context().storageState(), slug, item, invitation, view, share };
  await page.context().close();
});

const SIGNED_IN: [string, (f: Filled) => string][] = [
  ["home", () => "/"],
  ["about", () => "/about"],
  ["account settings", () => "/settings/account"],
  ["two-factor settings", () => "/settings/account/two-factor"],
  ["API tokens", () => "/settings/tokens"],
  ["API reference", () => "/api/docs"],
  ["admin: users", () => "/admin/users"],
  ["admin: security", () => "/admin/security"],
  ["new workspace", () => "/w/new"],
  ["workspace", (f) => `/w/${f.slug}`],
  ["workspace settings", (f) => `/w/${f.slug}/settings`],
  ["members", (f) => `/w/${f.slug}/settings/members`],
  ["statuses", (f) => `/w/${f.slug}/settings/statuses`],
  ["scoring framework", (f) => `/w/${f.slug}/settings/scoring`],
  ["webhooks", (f) => `/w/${f.slug}/settings/webhooks`],
  ["items", (f) => `/w/${f.slug}/items`],
  ["items, searched and sorted", (f) => `/w/${f.slug}/items?q=sync&sort=title&dir=asc`],
  ["an item", (f) => f.item],
  ["board", (f) => `/w/${f.slug}/board`],
  ["roadmap", (f) => `/w/${f.slug}/roadmap`],
  ["timeline", (f) => `/w/${f.slug}/timeline`],
  ["chart", (f) => `/w/${f.slug}/chart`],
  ["rounds", (f) => `/w/${f.slug}/rounds`],
  ["an invitation", (f) => f.invitation],
  ["a saved view", (f) => f.view],
  ["a shared view", (f) => f.share],
];

for (const [name, path] of SIGNED_IN) {
  test(`signed in, ${name}: passes axe in both themes`, async ({ browser, baseURL }, info) => {
    // Three loads and two axe runs; the items table takes 10 s on a quiet
    // machine.
    test.setTimeout(60_000);
    expect(filled, "the set-up test ran").toBeDefined();
    const page = await openPage(browser, baseURL, info.project.name, filled!.storage);
    const found = await check(page, path(filled!), info.project.name);
    await page.context().close();
    expect(found, "axe violations").toEqual([]);
  });
}

async function firstKey(page: Page, slug: string): Promise<string> {
  await page.goto(`/w/${slug}/items`);
  const key = await page.locator("tbody tr").first().getAttribute("data-key");
  expect(key).toBeTruthy();
  return key!;
}
