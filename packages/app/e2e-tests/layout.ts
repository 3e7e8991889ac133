import { expect, Page } from '@playwright/test';

/** The widths at which tables must not break words. */
export const LAYOUT_WIDTHS = [1280, 1440];

/**
 * Text on the page that wraps where it must not: a word split over two
 * lines in a table cell, chip, tab or heading ("Succes / s"), a chip or tab
 * on more than one line, or a chip's label cut off; and tables wider than
 * the box they are in. A word ends at white space, or after
 * a '-', where browsers may break; Kafka names break only where IdText puts
 * a `<wbr>`, which ends a text node. Lines are told apart by the tops of
 * the text's client rectangles (one per line box), so this compares the
 * text's height with its single-line height without changing the page.
 */
export async function findBrokenText(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const problems: string[] = [];
    const lines = (range: Range): number => {
      const tops: number[] = [];
      for (const rect of Array.from(range.getClientRects())) {
        if (rect.width < 1 || rect.height < 1) continue;
        if (!tops.some(top => Math.abs(top - rect.top) < rect.height / 2)) {
          tops.push(rect.top);
        }
      }
      return tops.length;
    };
    const visible = (element: Element) =>
      element.getClientRects().length > 0 &&
      !element.closest('[aria-hidden="true"], nav');
    const describe = (element: Element) =>
      `<${element.tagName.toLowerCase()}> "${(element.textContent ?? '')
        .replace(/\s+/g, ' ')
        .trim()
        .slice(0, 80)}"`;

    // Each text once, in the nearest container that must not break words.
    const containers =
      'td, th, .MuiChip-root, [role="tab"], h1, h2, h3, h4, h5, h6';
    const walker = document.createTreeWalker(
      document.body,
      NodeFilter.SHOW_TEXT,
    );
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      const container = node.parentElement?.closest(containers);
      if (!container || !visible(container)) continue;
      const text = node.textContent ?? '';
      for (const match of Array.from(text.matchAll(/[^\s-]+-?/g))) {
        const range = document.createRange();
        range.setStart(node, match.index ?? 0);
        range.setEnd(node, (match.index ?? 0) + match[0].length);
        if (lines(range) > 1) {
          problems.push(
            `"${match[0]}" breaks inside the word in ${describe(container)}`,
          );
        }
      }
    }

    // Headers may wrap between words; chips and tabs stay on one line.
    const singleLine = Array.from(
      document.querySelectorAll('.MuiChip-root, [role="tab"]'),
    ).filter(visible);
    for (const element of singleLine) {
      if (!(element.textContent ?? '').trim()) continue;
      const range = document.createRange();
      range.selectNodeContents(element);
      if (lines(range) > 1) {
        problems.push(`${describe(element)} wraps onto several lines`);
      }
    }
    for (const label of Array.from(
      document.querySelectorAll('.MuiChip-label'),
    ).filter(visible)) {
      if (label.scrollWidth > label.clientWidth + 1) {
        problems.push(`${describe(label)} is cut off (ellipsis)`);
      }
    }
    // A table wider than the box it is in is cut off or scrolls sideways.
    for (const table of Array.from(document.querySelectorAll('table')).filter(
      visible,
    )) {
      let box = table.parentElement;
      while (box && box !== document.body) {
        if (getComputedStyle(box).overflowX !== 'visible') break;
        box = box.parentElement;
      }
      const right =
        box && box !== document.body
          ? box.getBoundingClientRect().left + box.clientWidth
          : document.documentElement.clientWidth;
      const over = table.getBoundingClientRect().right - right;
      if (over > 1) {
        const name =
          table.getAttribute('aria-label') ??
          Array.from(table.querySelectorAll('th'))
            .slice(0, 3)
            .map(th => th.textContent?.trim())
            .join(', ');
        problems.push(
          `table "${name}" is ${Math.round(over)} px wider than its box`,
        );
      }
    }
    return problems;
  });
}

/**
 * Proves {@link findBrokenText} sees a broken word in this browser: a
 * header cell too narrow for "Environment", allowed to break anywhere as
 * the Backstage theme's cells were, must be reported.
 */
export async function expectBrokenWordsSeen(page: Page) {
  await page.evaluate(() => {
    const table = document.createElement('table');
    table.id = 'kafka-hub-broken-word-canary';
    table.innerHTML =
      '<tr><td style="width: 40px; max-width: 40px; word-break: break-all">Environment</td></tr>';
    document.body.prepend(table);
  });
  try {
    expect(await findBrokenText(page)).toContain(
      '"Environment" breaks inside the word in <td> "Environment"',
    );
  } finally {
    await page.evaluate(() =>
      document.getElementById('kafka-hub-broken-word-canary')?.remove(),
    );
  }
}

/**
 * Checks (softly) at each width that no text wraps inside a word; leaves
 * the viewport at its first width.
 */
export async function checkNoBrokenWords(page: Page, name: string) {
  const height = page.viewportSize()?.height ?? 720;
  for (const width of [...LAYOUT_WIDTHS].reverse()) {
    await page.setViewportSize({ width, height });
    await page.evaluate(
      () =>
        new Promise(resolve =>
          requestAnimationFrame(() => requestAnimationFrame(resolve)),
        ),
    );
    expect
      .soft(await findBrokenText(page), `text broken on ${name} at ${width} px`)
      .toEqual([]);
  }
}
