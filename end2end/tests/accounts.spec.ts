// The accounts story on a new instance, in order: the first visitor creates
// the admin account, signs out, mistypes the password, signs in, turns on
// two-factor sign-in and signs in with a code. Runs with JavaScript on and
// off (each project has its own fresh server).
import { test, expect } from "./fixtures";
import { totp } from "./totp";

const admin = { name: "Ada Admin", email: "ada@example.com", password: "correct horse battery staple" };
let twoFactorKey = "";
let recoveryCodes: string[] = [];

test.describe.configure({ mode: "serial" });

async function signOut(page: import("@playwright/test").Page) {
  await page.getByTestId("user-menu").click();
  await page.locator(".user-menu").getByRole("button", { name: "Sign out" }).click();
  await expect(page).toHaveURL(/\/sign-in/);
  await expect(page.getByRole("heading", { name: "Sign in" })).toBeVisible();
  await expect(page.getByRole("link", { name: "Sign in" })).toBeVisible();
}

test("a new instance asks for the admin account first", async ({ page }) => {
  await page.goto("/");
  await expect(page).toHaveURL(/\/setup$/);
  await expect(page.getByRole("heading", { name: "Create the admin account" })).toBeVisible();
  await expect(page.getByText("self-hosted place where product teams collect ideas")).toBeVisible();

  // A weak password is refused with the reason, next to the field.
  await page.getByLabel("Your name").fill(admin.name);
  await page.getByLabel("Email").fill(admin.email);
  await page.getByLabel("Password").fill("password1");
  await page.getByRole("button", { name: "Create the admin account" }).click();
  await expect(page.locator(".field-error")).toBeVisible();
  await expect(page.getByRole("heading", { name: "Create the admin account" })).toBeVisible();

  await page.getByLabel("Your name").fill(admin.name);
  await page.getByLabel("Email").fill(admin.email);
  await page.getByLabel("Password").fill(admin.password);
  await page.getByRole("button", { name: "Create the admin account" }).click();
  await expect(page.getByRole("heading", { name: `Welcome, ${admin.name}` })).toBeVisible();
  await expect(page.getByRole("link", { name: /Administration/ })).toBeVisible();
});

test("signing out, a wrong password, and signing in", async ({ page }) => {
  await page.goto("/sign-in");
  await page.getByLabel("Email").fill(admin.email);
  await page.getByLabel("Password").fill(admin.password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByRole("heading", { name: `Welcome, ${admin.name}` })).toBeVisible();

  await signOut(page);
  await page.goto("/settings/account");
  await expect(page).toHaveURL(/\/sign-in\?next=/);

  await page.getByLabel("Email").fill(admin.email);
  await page.getByLabel("Password").fill("not my password");
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByRole("alert")).toHaveText("That email and password do not match an account.");

  await page.getByLabel("Email").fill(admin.email);
  await page.getByLabel("Password").fill(admin.password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page).toHaveURL(/\/settings\/account$/);
  await expect(page.getByRole("heading", { name: "Your account" })).toBeVisible();
  await expect(page.getByText("This device")).toBeVisible();
});

test("turning on two-factor sign-in and signing in with a code", async ({ page }) => {
  await page.goto("/sign-in");
  await page.getByLabel("Email").fill(admin.email);
  await page.getByLabel("Password").fill(admin.password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByRole("heading", { name: `Welcome, ${admin.name}` })).toBeVisible();

  await page.goto("/settings/account");
  await page.getByRole("link", { name: "Set up two-factor sign-in" }).click();
  await page.getByRole("button", { name: "Start set-up" }).click();
  await expect(page.getByRole("img", { name: "QR code" })).toBeVisible();
  await expect(page.getByTestId("recovery-codes").locator("li")).toHaveCount(10);
  twoFactorKey = (await page.getByTestId("manual-key").textContent()) ?? "";
  recoveryCodes = await page.getByTestId("recovery-codes").locator("li").allTextContents();
  expect(twoFactorKey.replace(/\s/g, "")).toMatch(/^[A-Z2-7]{32}$/);

  await page.getByLabel("6-digit code").fill("000000");
  await page.getByRole("button", { name: "Turn on two-factor sign-in" }).click();
  await expect(page.locator(".field-error")).toContainText("not right");

  await page.getByLabel("6-digit code").fill(totp(twoFactorKey));
  await page.getByRole("button", { name: "Turn on two-factor sign-in" }).click();
  await expect(page).toHaveURL(/\/settings\/account$/);
  await expect(page.getByText("Signing in asks for a code")).toBeVisible();

  await signOut(page);
  await page.getByLabel("Email").fill(admin.email);
  await page.getByLabel("Password").fill(admin.password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page).toHaveURL(/\/sign-in\/code/);
  // The code just used is spent; the app's next one is accepted.
  await page.getByLabel("Code").fill(totp(twoFactorKey, Date.now() / 1000 + 30));
  await page.getByRole("button", { name: "Verify" }).click();
  await expect(page.getByRole("heading", { name: `Welcome, ${admin.name}` })).toBeVisible();
});

test("turning two-factor sign-in off with the password and a recovery code", async ({ page }) => {
  await page.goto("/sign-in");
  await page.getByLabel("Email").fill(admin.email);
  await page.getByLabel("Password").fill(admin.password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.getByLabel("Code").fill(recoveryCodes[0]);
  await page.getByRole("button", { name: "Verify" }).click();
  await expect(page.getByRole("heading", { name: `Welcome, ${admin.name}` })).toBeVisible();

  await page.goto("/settings/account");
  await page.getByText("Turn two-factor sign-in off").click();
  await page.locator("#two-factor-current-password").fill(admin.password);
  await page.locator("#two-factor-disable-code").fill(recoveryCodes[1]);
  await page.getByRole("button", { name: "Turn off" }).click();
  await expect(page.getByRole("link", { name: "Set up two-factor sign-in" })).toBeVisible();
});
