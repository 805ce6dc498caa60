// Keyboard shortcuts, which need JavaScript: `?` lists them, `/` goes to
// the search field, `c` adds an item from anywhere in a workspace; none of
// them fire while the user types. Runs after items.spec.ts made the
// workspace it uses.
import { test, expect, signIn } from "./fixtures";

const slug = "backlog-hydrate";

test("keyboard shortcuts: ? lists them, / searches, c adds from anywhere in the workspace", async ({ page }) => {
  await signIn(page);
  await page.goto(`/w/${slug}/board`);
  await expect(page.locator("body")).toHaveAttribute("data-hydrated", "true");
  const overlay = page.getByRole("dialog", { name: "Keyboard shortcuts" });
  await expect(overlay).toBeHidden();
  await page.keyboard.press("?");
  await expect(overlay).toBeVisible();
  await expect(overlay.getByRole("button", { name: "Close" })).toBeFocused();
  await page.keyboard.press("Escape");
  await expect(overlay).toBeHidden();

  await page.keyboard.press("/");
  await expect(page.getByLabel("Search")).toBeFocused();
  // Typing in a field is never taken for a shortcut.
  await page.keyboard.type("c?");
  await expect(page.getByLabel("Search")).toHaveValue("c?");
  await expect(overlay).toBeHidden();

  await page.locator("h1").click();
  await page.keyboard.press("c");
  await expect(page).toHaveURL(new RegExp(`/w/${slug}/items$`));
  await expect(page.getByLabel("Title of the new item")).toBeFocused();
});
