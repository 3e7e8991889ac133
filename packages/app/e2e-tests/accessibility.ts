import AxeBuilder from '@axe-core/playwright';
import { expect, Page, TestInfo } from '@playwright/test';
import fs from 'node:fs';

/** The app's two themes, as Backstage's theme selector names them. */
export type ThemeId = 'light' | 'dark';

/** WCAG 2.0, 2.1 and 2.2 at levels A and AA, and axe's best practices. */
const TAGS = [
  'wcag2a',
  'wcag2aa',
  'wcag21a',
  'wcag21aa',
  'wcag22aa',
  'best-practice',
];

/** The impacts that fail a page. */
const FAILING = new Set(['serious', 'critical']);

/**
 * Violations that come from Backstage's own components and cannot be fixed
 * from the app or its theme: each is excluded by its exact rule and
 * selector, says why, and is listed in the README. Empty: everything axe
 * finds at serious or critical is fixable from here.
 */
const BACKSTAGE_EXCLUSIONS: { rule: string; selector: string; why: string }[] =
  [];

/**
 * SVG text (chart axes and labels) below WCAG AA contrast (4.5:1) with the
 * background behind it: axe's colour-contrast rule leaves SVG text out.
 */
export async function findLowContrastSvgText(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const rgb = (colour: string) => {
      const parts = colour.match(/[\d.]+/g)?.map(Number) ?? [];
      return { r: parts[0], g: parts[1], b: parts[2], a: parts[3] ?? 1 };
    };
    const luminance = ({ r, g, b }: { r: number; g: number; b: number }) => {
      const channel = (c: number) => {
        const v = c / 255;
        return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4;
      };
      return 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b);
    };
    const background = (element: Element) => {
      for (let e: Element | null = element; e; e = e.parentElement) {
        const colour = rgb(getComputedStyle(e).backgroundColor);
        if (colour.a === 1) return colour;
      }
      return { r: 255, g: 255, b: 255, a: 1 };
    };
    const low: string[] = [];
    for (const text of Array.from(document.querySelectorAll('svg text'))) {
      if (!text.textContent?.trim() || text.getClientRects().length === 0) {
        continue;
      }
      const fill = rgb(getComputedStyle(text).fill);
      const back = background(text);
      // A translucent fill shows the background through it.
      const shown = {
        r: fill.r * fill.a + back.r * (1 - fill.a),
        g: fill.g * fill.a + back.g * (1 - fill.a),
        b: fill.b * fill.a + back.b * (1 - fill.a),
      };
      const [light, dark] = [luminance(shown), luminance(back)].sort(
        (x, y) => y - x,
      );
      const ratio = (light + 0.05) / (dark + 0.05);
      if (ratio < 4.5) {
        low.push(`"${text.textContent.trim()}": ${ratio.toFixed(2)}:1`);
      }
    }
    return low;
  });
}

/** What axe found on one page in one theme. */
export interface AxeResult {
  page: string;
  theme: ThemeId;
  counts: Record<'critical' | 'serious' | 'moderate' | 'minor', number>;
  /** Nodes per rule, of every impact (`"region (moderate)": 3`). */
  rules: Record<string, number>;
  failing: { rule: string; impact: string; help: string; targets: string[] }[];
}

/**
 * Runs axe on the page as it is now and checks (softly, so one run reports
 * every page) that it has no serious or critical violation. Each result is
 * attached to the test and, with `KAFKA_HUB_AXE_REPORT` set, appended to
 * that file as a JSON line.
 */
export async function checkAccessibility(
  page: Page,
  testInfo: TestInfo,
  name: string,
  theme: ThemeId,
): Promise<AxeResult> {
  const results = await new AxeBuilder({ page }).withTags(TAGS).analyze();
  const counts = { critical: 0, serious: 0, moderate: 0, minor: 0 };
  const rules: AxeResult['rules'] = {};
  const failing: AxeResult['failing'] = [];
  for (const violation of results.violations) {
    const nodes = violation.nodes.filter(
      node =>
        !BACKSTAGE_EXCLUSIONS.some(
          exclusion =>
            exclusion.rule === violation.id &&
            node.target.join(' ') === exclusion.selector,
        ),
    );
    const impact = (violation.impact ?? 'minor') as keyof typeof counts;
    counts[impact] += nodes.length;
    if (nodes.length > 0) {
      rules[`${violation.id} (${impact})`] = nodes.length;
    }
    if (FAILING.has(impact) && nodes.length > 0) {
      failing.push({
        rule: violation.id,
        impact,
        help: violation.help,
        // Where, and axe's reason ("contrast of 4.4 (foreground ...").
        targets: nodes.map(
          node =>
            `${node.target.join(' ')}: ${
              node.failureSummary?.split('\n')[1]?.trim() ?? ''
            }`,
        ),
      });
    }
  }
  const result: AxeResult = { page: name, theme, counts, rules, failing };
  await testInfo.attach(`axe ${name} (${theme})`, {
    body: JSON.stringify(result, null, 2),
    contentType: 'application/json',
  });
  const report = process.env.KAFKA_HUB_AXE_REPORT;
  if (report) {
    fs.appendFileSync(report, `${JSON.stringify(result)}\n`);
  }
  expect
    .soft(failing, `serious or critical axe violations on ${name} (${theme})`)
    .toEqual([]);
  expect
    .soft(
      await findLowContrastSvgText(page),
      `SVG text below 4.5:1 on ${name} (${theme})`,
    )
    .toEqual([]);
  return result;
}
