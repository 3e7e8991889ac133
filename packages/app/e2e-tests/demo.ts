import { expect, Page } from '@playwright/test';

/** Where screenshots go, relative to the repository root (Playwright's cwd). */
export const screenshots =
  process.env.KAFKA_HUB_SCREENSHOTS ?? 'e2e-screenshots';

/** Signs in as the demo's guest (a member of team-orders). */
export async function signInAsGuest(page: Page) {
  await page.goto('/');
  // Every test gets a fresh browser context, so the guest sign-in shows.
  await page.getByRole('button', { name: 'Enter' }).click();
  await expect(
    page.getByRole('link', { name: 'Kafka Hub' }).first(),
  ).toBeVisible();
}

/**
 * Opens `url` until `ready` shows. The backend's scheduled tasks
 * (provisioning, schema sync, group discovery) fill the pages a few
 * seconds after it starts.
 */
export async function openWhenShown(
  page: Page,
  url: string,
  ready: string,
  timeoutMs = 120_000,
) {
  await expect(async () => {
    await page.goto(url);
    await expect(page.getByText(ready).first()).toBeVisible({
      timeout: 5_000,
    });
  }).toPass({ timeout: timeoutMs, intervals: [2_000] });
}
