import {
  APIRequestContext,
  expect,
  Page,
  request as playwrightRequest,
} from '@playwright/test';

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

/**
 * Picks the app's theme before the next page load: Backstage's theme
 * selector keeps the choice in localStorage under `theme`.
 */
export async function chooseTheme(page: Page, theme: 'light' | 'dark') {
  await page.addInitScript(id => {
    window.localStorage.setItem('theme', id);
  }, theme);
}

/** The demo backend, as the app's `backend.baseUrl` names it. */
export const backendUrl =
  process.env.KAFKA_HUB_BACKEND_URL ?? 'http://localhost:7007';

/**
 * A request context that calls the backend as the guest, with the token
 * the guest sign-in gives the app.
 */
export async function backendAsGuest(
  request: APIRequestContext,
): Promise<APIRequestContext> {
  const refresh = await request.get(`${backendUrl}/api/auth/guest/refresh`);
  expect(refresh.status()).toBe(200);
  const { backstageIdentity } = await refresh.json();
  return playwrightRequest.newContext({
    baseURL: backendUrl,
    extraHTTPHeaders: { Authorization: `Bearer ${backstageIdentity.token}` },
  });
}
