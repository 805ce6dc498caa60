// A comment links to a page with an error written into its address
// (`?__path=…&__err=…`, what a failed form post without JavaScript comes
// back with). Clicking it must not show that text as the page's error: with
// JavaScript the router opens the page without asking the server, which
// checks an error's signature; without it the server drops the error.
// A real error the server sent back still shows, before and after the page
// hydrates.
import { test, expect, signIn, createWorkspace } from "./fixtures";
import type { Page } from "@playwright/test";

const spoof = "Your password was leaked: change it now at evil.example";

// The error as server_fn writes it into an address: base64url with padding
// of the error's JSON.
function encodedError(message: string): string {
  return Buffer.from(JSON.stringify({ Conflict: message }))
    .toString("base64")
    .replace(/\+/g, "-")
    .replace(/\//g, "_");
}

async function ready(page: Page, project: string) {
  if (project === "hydrate") {
    await expect(page.locator("body")).toHaveAttribute("data-hydrated", "true");
  }
}

test("a link with an error in its address opens the page without that error", async ({ page }, info) => {
  const slug = `links-${info.project.name}`;
  await signIn(page);
  await createWorkspace(page, "Links", slug);
  await page.goto(`/w/${slug}/items`);
  await ready(page, info.project.name);
  const quickAdd = page.getByLabel("Title of the new item");
  await quickAdd.fill("Planted link");
  await quickAdd.press("Enter");
  await page.getByRole("link", { name: "Planted link" }).click();
  await expect(page.getByRole("heading", { name: "Planted link" })).toBeVisible();
  await ready(page, info.project.name);

  const query = new URLSearchParams({
    __path: "/fn/account/display_name",
    __err: encodedError(spoof),
  });
  await page.getByLabel("Add a comment").fill(`Please [check your account](/settings/account?${query}).`);
  await page.getByRole("button", { name: "Comment" }).click();
  const link = page.locator(".comment a", { hasText: "check your account" });
  await expect(link).toBeVisible();

  await link.click();
  await expect(page).toHaveURL(/\/settings\/account/);
  await expect(page.getByRole("heading", { name: "Profile" })).toBeVisible();
  await ready(page, info.project.name);
  await expect(page.getByText("evil.example")).toHaveCount(0);
  await expect(page.locator(".form-error")).toHaveCount(0);
});

test("an error the server sent back shows on its page", async ({ page, baseURL }, info) => {
  await signIn(page);
  // The same post as the profile form's without JavaScript: the server
  // answers with the page's address, the error in it and signed.
  const answer = await page.request.post("/fn/account/display_name", {
    form: { display_name: "" },
    headers: {
      Accept: "text/html",
      Origin: baseURL!,
      Referer: `${baseURL}/settings/account`,
    },
    maxRedirects: 0,
  });
  expect(answer.status()).toBe(302);
  const location = answer.headers()["location"];
  expect(location).toContain("__sig=");

  await page.goto(location);
  await ready(page, info.project.name);
  const field = page.locator(".field--invalid", { has: page.getByLabel("Name") });
  await expect(field).toBeVisible();
  await expect(field.locator(".field-error")).not.toBeEmpty();
});
