import { expect, Page, test } from '@playwright/test';

/** Which app runs: `new` or `legacy` frontend system (verify.sh sets it). */
const app = process.env.KAFKA_HUB_ADOPTION_APP ?? 'app';
const screenshots =
  process.env.KAFKA_HUB_ADOPTION_SCREENSHOTS ?? 'adoption-screenshots';

const entity = '/catalog/default/component/shop-service';

async function signInAsGuest(page: Page) {
  await page.goto('/catalog');
  await page.getByRole('button', { name: 'Enter' }).click();
  await expect(page.getByText('shop-service').first()).toBeVisible();
}

/**
 * The entity page's tab called `name`: a tab on the legacy frontend system,
 * a link in the content navigation on the new one.
 */
function entityTab(page: Page, name: string) {
  return page
    .getByRole('tab', { name, exact: true })
    .or(
      page
        .getByRole('navigation', { name: 'Content navigation' })
        .getByRole('link', { name, exact: true }),
    );
}

/**
 * Opens the entity page at `entityUrl`, clicks its tab `name` and waits until
 * `ready` shows, reloading meanwhile: the backend's scheduled tasks
 * (provisioning, schema sync, group discovery, lag) fill the tabs a few
 * seconds after it starts.
 */
async function openTab(
  page: Page,
  entityUrl: string,
  name: string,
  path: string,
  ready: string,
) {
  await expect(async () => {
    await page.goto(entityUrl);
    await entityTab(page, name).click({ timeout: 10_000 });
    await expect(page).toHaveURL(`${entityUrl}${path}`, { timeout: 5_000 });
    await expect(page.getByText(ready).first()).toBeVisible({
      timeout: 5_000,
    });
  }).toPass({ timeout: 120_000, intervals: [2_000] });
}

/**
 * A screenshot 1280 px wide of the whole page. The legacy app scrolls inside
 * its content area, where `fullPage` sees only the viewport: the viewport is
 * made as tall as the tallest scrolling element for the shot.
 */
async function screenshot(page: Page, name: string) {
  const height = await page.evaluate(() =>
    Math.max(
      ...Array.from(document.querySelectorAll('body, body *')).map(
        element => element.scrollHeight,
      ),
    ),
  );
  const viewport = page.viewportSize()!;
  await page.setViewportSize({
    width: viewport.width,
    height: Math.min(Math.max(height, viewport.height), 4000),
  });
  await page.screenshot({
    path: `${screenshots}/${app}-${name}.png`,
    fullPage: true,
  });
  await page.setViewportSize(viewport);
}

test.beforeEach(async ({ page }) => {
  // A broken bundle shows as a blank page: say why in the test output.
  page.on('pageerror', error =>
    console.log(`[${app} app] uncaught page error: ${error.message}`),
  );
  await signInAsGuest(page);
});

test('/kafka-hub shows the health of the dev environment', async ({ page }) => {
  await page.goto('/kafka-hub');
  const table = page.locator('table').filter({ hasText: 'Environment' });
  const dev = table.locator('tr', {
    has: page.getByText('dev', { exact: true }),
  });
  await expect(dev).toContainText('Reachable');
  await expect(dev).not.toContainText('Unreachable');
  await screenshot(page, 'kafka-hub-page');
});

test("the application's Kafka tab shows its namespace and provisioned topic", async ({
  page,
}) => {
  await openTab(page, entity, 'Kafka', '/kafka', 'adoption-shop.*');
  await expect(
    page.getByText('adoption-shop.orders (3 partitions)'),
  ).toBeVisible();
  // The provisioning card's row of dev.
  await expect(
    page
      .getByRole('row')
      .filter({ has: page.getByText('dev', { exact: true }) })
      .filter({ hasText: 'Success' }),
  ).toBeVisible();
  await screenshot(page, 'entity-kafka-tab');
});

test("the application's Schemas tab lists its subject", async ({ page }) => {
  await openTab(
    page,
    entity,
    'Schemas',
    '/schemas',
    'adoption-shop.orders-value',
  );
  const row = page.locator('tr', {
    has: page.getByText('adoption-shop.orders-value', { exact: true }),
  });
  await expect(row).toContainText('Avro');
  await screenshot(page, 'entity-schemas-tab');
});

test("the application's Consumer groups tab lists its group with its lag", async ({
  page,
}) => {
  await openTab(
    page,
    entity,
    'Consumer groups',
    '/consumer-groups',
    'adoption-shop.order-processor',
  );
  const table = page.getByRole('table', { name: 'Consumer groups' });
  const row = table.locator('tr', {
    has: page.getByRole('link', { name: 'adoption-shop.order-processor' }),
  });
  await expect(row).toContainText('Empty');
  // seed.mjs commits 2 behind the end of each of the 3 partitions.
  await expect(row.getByRole('cell', { name: '6', exact: true })).toBeVisible();
  await screenshot(page, 'entity-consumer-groups-tab');
});

test("the Group's Kafka tab lists the team's application", async ({ page }) => {
  await openTab(
    page,
    '/catalog/default/group/team-shop',
    'Kafka',
    '/kafka',
    'Kafka applications',
  );
  const application = page.locator('tr', {
    has: page.getByText('adoption-shop', { exact: true }),
  });
  await expect(application).toContainText('shop-service');
  await expect(application).toContainText('adoption-shop.');
  await screenshot(page, 'group-kafka-tab');
});

test("an entity with only the community plugin's annotation gets the Consumer groups tab", async ({
  page,
}) => {
  const community = '/catalog/default/component/community-reader';
  await openTab(
    page,
    community,
    'Consumer groups',
    '/consumer-groups',
    'adoption-community.reader',
  );
  // Not a Kafka Hub application: no Kafka or Schemas tab.
  await expect(entityTab(page, 'Kafka')).toHaveCount(0);
  await expect(entityTab(page, 'Schemas')).toHaveCount(0);
  const row = page
    .getByRole('table', { name: 'Consumer groups' })
    .locator('tr', {
      has: page.getByRole('link', { name: 'adoption-community.reader' }),
    });
  // seed.mjs commits 1 behind the end of each of the 3 partitions.
  await expect(row.getByRole('cell', { name: '3', exact: true })).toBeVisible();
  await screenshot(page, 'community-consumer-groups-tab');
});
