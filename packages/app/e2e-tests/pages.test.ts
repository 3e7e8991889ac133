import { expect, Page, test, TestInfo } from '@playwright/test';
import { checkAccessibility, ThemeId } from './accessibility';
import {
  isDevelopmentBuild,
  ReactWarnings,
  reportReactBuild,
  watchReactWarnings,
} from './consoleWarnings';
import { chooseTheme, screenshots } from './demo';
import {
  checkNoBrokenWords,
  expectBrokenWordsSeen,
  LAYOUT_WIDTHS,
} from './layout';

// A walk through every Kafka Hub page per role, once per theme, loading the
// app once per theme and reaching each page by the app's own routing: each
// page is checked for axe violations (and SVG text contrast), for words
// broken at 1280 and 1440 px (in the light walk; layout does not depend on
// the theme), and screenshot at 1280 px; React warnings from Kafka Hub's
// components fail the walk. React only warns in a development build, so
// the walks run against the dev server (scripts/test.sh starts it for them).
//
// Each theme gets its own load: switching the theme of a loaded app and
// then opening another page leaves some of MUI v4's sheets of the other
// theme in place (dark cards on a light page), which is not what a page
// looks like in either theme.

const THEMES: ThemeId[] = ['light', 'dark'];

/** A page of the walk: where it is, and text that shows once it is filled. */
interface Stop {
  name: string;
  url: string;
  ready: string | RegExp;
  /** Opens what is checked beyond the page itself: a dialog, a row. */
  open?: (page: Page) => Promise<void>;
}

/**
 * Opens `url` with the app's router (no reload), until `ready` shows; the
 * backend's tasks fill some pages a little after it starts, so it reloads
 * and tries again for a while.
 */
async function show(page: Page, { url, ready }: Stop) {
  let attempt = 0;
  await expect(async () => {
    if (attempt++ === 0) {
      await page.evaluate(to => {
        window.history.pushState(null, '', to);
        window.dispatchEvent(new PopStateEvent('popstate'));
      }, url);
    } else {
      await page.goto(url, { timeout: 180_000 });
    }
    await expect(page.getByText(ready).first()).toBeVisible({
      timeout: 15_000,
    });
  }).toPass({ timeout: 150_000, intervals: [2_000] });
}

/** Loads the app in `theme`, signing the guest in if it is not yet. */
async function loadApp(page: Page, theme: ThemeId) {
  await chooseTheme(page, theme);
  // The dev server's unminified bundles take a while to load, and its
  // backend may restart: retried.
  await expect(async () => {
    await page.goto('/', { timeout: 180_000 });
    const enter = page.getByRole('button', { name: 'Enter' });
    const kafkaHub = page.getByRole('link', { name: 'Kafka Hub' }).first();
    await expect(enter.or(kafkaHub)).toBeVisible({ timeout: 120_000 });
    if (await enter.isVisible()) await enter.click();
    await expect(kafkaHub).toBeVisible();
  }).toPass({ timeout: 400_000 });
  await expect(page.locator('body')).toHaveAttribute('data-theme-mode', theme);
}

/** Walks `stops` once per theme and checks each; returns the warnings seen. */
async function walk(page: Page, testInfo: TestInfo, stops: Stop[]) {
  await reportReactBuild(page);
  // The dev server's live reload would reload the page in the middle of a
  // check when a source file changes: its socket gets no messages here.
  await page.routeWebSocket(/\/ws$/, () => {});
  const warnings = watchReactWarnings(page);
  await page.setViewportSize({ width: LAYOUT_WIDTHS[0], height: 800 });
  for (const theme of THEMES) {
    await loadApp(page, theme);
    expect(
      await isDevelopmentBuild(page),
      "React warns only in a development build: run the walk against the app's dev server (yarn workspace app start)",
    ).toBe(true);
    if (theme === 'light') await expectBrokenWordsSeen(page);
    for (const stop of stops) {
      await show(page, stop);
      await stop.open?.(page);
      if (theme === 'light') await checkNoBrokenWords(page, stop.name);
      await checkAccessibility(page, testInfo, stop.name, theme);
      await page.screenshot({
        path: `${screenshots}/page-${stop.name}-${theme}.png`,
        fullPage: true,
      });
      await page.keyboard.press('Escape');
    }
  }
  await expectNoWarningsOfOurs(testInfo, warnings);
}

async function expectNoWarningsOfOurs(
  testInfo: TestInfo,
  watched: ReactWarnings,
) {
  const warnings = await watched.all();
  await testInfo.attach('React warnings', {
    body: JSON.stringify(warnings, null, 2),
    contentType: 'application/json',
  });
  expect(
    warnings.filter(warning => warning.ours),
    "React warnings from Kafka Hub's own components",
  ).toEqual([]);
}

const openDialog = (button: string, title: string) => async (page: Page) => {
  await page.getByRole('button', { name: button }).click();
  await expect(page.getByRole('dialog').getByText(title).first()).toBeVisible();
};

const SCHEMA_DETAIL =
  '/catalog/default/component/orders-service/schemas/dev/orders.created-value';

test('@tour every page of the member, in both themes: no serious axe violation, no word broken, no React warning of ours', async ({
  page,
}, testInfo) => {
  test.setTimeout(900_000);
  await walk(page, testInfo, [
    { name: 'kafka-hub-overview', url: '/kafka-hub', ready: 'Reachable' },
    {
      name: 'kafka-hub-schemas',
      url: '/kafka-hub/schemas',
      ready: 'orders.created-value',
    },
    {
      name: 'kafka-hub-consumer-groups',
      url: '/kafka-hub/consumer-groups',
      ready: 'orders.fulfilment',
    },
    {
      name: 'kafka-hub-topics',
      url: '/kafka-hub/topics',
      ready: 'orders.created',
    },
    {
      name: 'entity-kafka',
      url: '/catalog/default/component/orders-service/kafka',
      ready: 'orders.*',
    },
    {
      name: 'entity-schemas',
      url: '/catalog/default/component/orders-service/schemas',
      ready: 'orders.created-value',
    },
    {
      name: 'schema-detail',
      url: SCHEMA_DETAIL,
      ready: '3 versions, newest first',
    },
    {
      name: 'compatibility-dialog',
      url: SCHEMA_DETAIL,
      ready: '3 versions, newest first',
      open: openDialog('Check compatibility', 'Check compatibility'),
    },
    {
      name: 'entity-consumer-groups',
      url: '/catalog/default/component/orders-service/consumer-groups?environment=dev',
      ready: 'orders.analytics',
    },
    {
      name: 'consumer-group-detail',
      url: '/catalog/default/component/orders-service/consumer-groups/dev/orders.analytics',
      ready: 'Lag history',
      // Once its lag chart has a line (the demo samples every 10 s).
      open: shown =>
        expect(
          shown
            .getByRole('figure', {
              name: 'Lag history of orders.analytics in dev',
            })
            .locator('path.recharts-curve')
            .first(),
        ).toBeVisible({ timeout: 60_000 }),
    },
    {
      name: 'group-tab',
      url: '/catalog/default/group/team-orders/kafka',
      ready: '4 applications owned by this team',
    },
    {
      // An application failing on prod: the banner, then its dialog.
      name: 'entity-kafka-issues',
      url: '/catalog/default/component/checkout-service/kafka',
      ready: '1 application has provisioning issues',
    },
    {
      name: 'provisioning-dialog',
      url: '/catalog/default/component/checkout-service/kafka',
      ready: '1 application has provisioning issues',
      open: openDialog('View details', 'Provisioning issues'),
    },
  ]);
});

test('@tour @admin every admin page, in both themes: no serious axe violation, no word broken, no React warning of ours', async ({
  page,
}, testInfo) => {
  test.setTimeout(900_000);
  await walk(page, testInfo, [
    {
      name: 'admin-provisioning',
      url: '/kafka-hub/admin',
      ready: 'payments-sidecar',
    },
    {
      name: 'admin-provisioning-details',
      url: '/kafka-hub/admin',
      ready: 'payments-sidecar',
      open: async shown => {
        await shown
          .getByRole('button', { name: 'Show details of payments' })
          .first()
          .click();
        await expect(
          shown.getByRole('table', { name: 'Run history' }).first(),
        ).toBeVisible();
      },
    },
    {
      name: 'admin-clusters',
      url: '/kafka-hub/admin/clusters',
      ready: 'Scheduled tasks',
    },
    {
      name: 'admin-claims',
      url: '/kafka-hub/admin/claims',
      ready: 'payments-service',
    },
    {
      name: 'kafka-hub-schemas-admin',
      url: '/kafka-hub/schemas',
      ready: 'com.acme.Money',
    },
    {
      // An admin's dialog carries the full error and the run ids.
      name: 'provisioning-dialog-admin',
      url: '/catalog/default/component/checkout-service/kafka',
      ready: '1 application has provisioning issues',
      open: openDialog('View details', 'Provisioning issues'),
    },
  ]);
});
