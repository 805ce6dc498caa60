// Every page passes axe-core (WCAG 2.2 A and AA, and axe's best practices)
// in the light and the dark theme: the pages a visitor sees signed out, and
// every page of a filled workspace signed in; and none scrolls sideways at
// 375 px. Runs after accounts.spec.ts
// set up the instance. axe itself is JavaScript, so the "ssr" project checks
// the server-rendered page in a browser that runs script but never loads
// Waymark's own: the page a visitor without JavaScript gets.
import { test, expect, signIn } from "./fixtures";
import AxeBuilder from "@axe-core/playwright";
import type { Browser, Page } from "@playwright/test";

async function openPage(browser: Browser, baseURL: string | undefined, project: string): Promise<Page> {
  const context = await browser.newContext({ baseURL, javaScriptEnabled: true });
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
    if (project === "hydrate") {
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
  const page = await openPage(browser, baseURL, info.project.name);
  const found: Finding[] = [];
  for (const path of ["/", "/about", "/sign-in", "/sign-up", "/reset-password/not-a-token", "/no-such-page"]) {
    found.push(...(await check(page, path, info.project.name)));
  }
  expect(found, "axe violations").toEqual([]);
});

test("signed-in pages of a filled workspace pass axe in both themes", async ({ browser, baseURL }, info) => {
  test.setTimeout(120_000);
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

  const item = `/w/${slug}/items/${(await firstKey(page, slug))}`;
  const found: Finding[] = [];
  for (const path of [
    "/",
    "/about",
    "/settings/account",
    "/settings/account/two-factor",
    "/admin/users",
    "/admin/security",
    "/w/new",
    `/w/${slug}`,
    `/w/${slug}/settings`,
    `/w/${slug}/settings/members`,
    `/w/${slug}/settings/statuses`,
    `/w/${slug}/settings/scoring`,
    `/w/${slug}/items`,
    `/w/${slug}/items?q=sync&sort=title&dir=asc`,
    item,
    `/w/${slug}/board`,
    `/w/${slug}/chart`,
    `/w/${slug}/rounds`,
    invitation,
  ]) {
    found.push(...(await check(page, path, info.project.name)));
  }
  expect(found, "axe violations").toEqual([]);
});

async function firstKey(page: Page, slug: string): Promise<string> {
  await page.goto(`/w/${slug}/items`);
  const key = await page.locator("tbody tr").first().getAttribute("data-key");
  expect(key).toBeTruthy();
  return key!;
}
