// API tokens: made in /settings/tokens and shown once, they open the REST
// API; revoked, they stop. Runs with JavaScript on and off, after
// accounts.spec.ts set up the instance.
import { test, expect, signIn } from "./fixtures";

test("a token is made, used on the API, and revoked", async ({ page, request }, info) => {
  const name = `Export script (${info.project.name})`;
  await signIn(page);
  await page.getByTestId("user-menu").click();
  await page.getByRole("link", { name: "API tokens" }).click();
  await expect(page).toHaveURL(/\/settings\/tokens$/);
  if (info.project.name === "hydrate") {
    await expect(page.locator("body")).toHaveAttribute("data-hydrated", "true");
  }
  await page.getByLabel("Name").fill(name);
  await page.getByLabel("Access").selectOption("read");
  await page.getByRole("button", { name: "Make token" }).click();

  const row = page.getByTestId("token-row").filter({ hasText: name });
  await expect(row).toContainText("never used");
  // Shown once: in place with JavaScript, on the page the form comes back
  // to without it.
  const token = await page.getByTestId("new-token").inputValue();
  expect(token).toMatch(/^wm_[A-Za-z0-9_-]{43}$/);

  const listed = await request.get("/api/v1/workspaces", { headers: { Authorization: `Bearer ${token}` } });
  expect(listed.status()).toBe(200);
  expect(await listed.json()).toHaveProperty("workspaces");

  // The reference the page links to lists the operations, with examples.
  await page.getByRole("link", { name: "API reference" }).click();
  await expect(page).toHaveURL(/\/api\/docs$/);
  await expect(page.getByRole("heading", { name: "Change an item" })).toBeVisible();
  await expect(page.locator("pre").first()).toContainText("Authorization: Bearer");

  await page.goto("/settings/tokens");
  await row.getByRole("button", { name: `Revoke ${name}` }).click();
  await expect(page.getByTestId("token-row").filter({ hasText: name })).toHaveCount(0);
  const refused = await request.get("/api/v1/workspaces", { headers: { Authorization: `Bearer ${token}` } });
  expect(refused.status()).toBe(401);
  expect((await refused.json()).error.code).toBe("unauthorized");
});
