import { ConsoleMessage, Page } from '@playwright/test';
import fs from 'node:fs';
import path from 'node:path';

const pluginSource = path.resolve(__dirname, '../../../plugins/kafka-hub/src');

function sourceFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap(entry => {
    const file = path.join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(file);
    return /\.tsx$/.test(entry.name) && !/\.test\.tsx$/.test(entry.name)
      ? [file]
      : [];
  });
}

/**
 * Kafka Hub's own React components: every PascalCase `const` or `function`
 * declared in the frontend plugin's .tsx files, read from the source so the
 * list never falls behind it.
 */
export const kafkaHubComponents: ReadonlySet<string> = new Set(
  sourceFiles(pluginSource).flatMap(file =>
    Array.from(
      fs
        .readFileSync(file, 'utf8')
        .matchAll(/(?:const|function)\s+([A-Z][a-z][A-Za-z0-9]*)\b/g),
      match => match[1],
    ),
  ),
);

/** A React warning seen in the browser console. */
export interface ReactWarning {
  /** The page it was logged on. */
  url: string;
  /** The message without its component stack. */
  message: string;
  /** The component it is about: named in the message, or the nearest one in its stack. */
  component?: string;
  /** Whether that component is one of Kafka Hub's own. */
  ours: boolean;
  /** The first frames of its component stack. */
  stack: string[];
}

// `    at Name (location)` or `    at div`: React 18's component stack.
const FRAME = /^\s*at (\S+)(?: \((.*)\))?$/;

// Where Kafka Hub's frontend plugin is built from: its source in this
// repository, or its package when installed.
const OUR_SOURCE =
  /\/plugins\/kafka-hub\/src\/|@kafka-hub\/backstage-plugin-kafka-hub\//;

/**
 * Tells whose a React warning is. React names the component at fault in
 * the message when it knows it ("Check the render method of `X`", "X:
 * Support for defaultProps ..."); otherwise the nearest component above the
 * offending DOM element in the component stack rendered it. A Backstage
 * component rendered inside one of ours is not ours: only that nearest
 * component counts, not every ancestor the stack lists. A component is ours
 * when its stack frame points into Kafka Hub's source, or, without a
 * location, when Kafka Hub declares a component of that name.
 */
export function classifyWarning(url: string, text: string): ReactWarning {
  const lines = text.split('\n');
  const frames = lines.flatMap(line => {
    const match = FRAME.exec(line);
    return match ? [{ name: match[1], location: match[2] }] : [];
  });
  const message = lines
    .filter(line => !FRAME.test(line))
    .join('\n')
    .trim();
  const isOurs = (name: string) => {
    const frame = frames.find(f => f.name === name && f.location);
    return frame?.location
      ? OUR_SOURCE.test(frame.location)
      : kafkaHubComponents.has(name);
  };
  const named = Array.from(
    message.matchAll(
      /`([A-Z][A-Za-z0-9.]*)`|<([A-Z]\w*)>|^Warning: ([A-Z]\w*):/gm,
    ),
    match => match[1] ?? match[2] ?? match[3],
  );
  const component =
    named.find(isOurs) ??
    named[0] ??
    frames.map(frame => frame.name).find(name => /^[A-Z]/.test(name));
  return {
    url,
    message,
    component,
    ours: component !== undefined && isOurs(component),
    stack: frames
      .slice(0, 8)
      .map(f => (f.location ? `${f.name} (${f.location})` : f.name)),
  };
}

/**
 * A console message as the browser's console shows it: React logs a format
 * string ("Warning: %s: Support for defaultProps ...") and its values, the
 * component stack last; the message's text only lists them side by side.
 */
async function formatted(message: ConsoleMessage): Promise<string> {
  try {
    const [format, ...values] = await Promise.all(
      message.args().map(arg => arg.jsonValue()),
    );
    if (typeof format !== 'string') return message.text();
    let rest = values;
    const text = format.replace(/%[sdio]/g, () => {
      const [value, ...others] = rest;
      rest = others;
      return String(value ?? '');
    });
    return [text, ...rest.map(String)].join('');
  } catch {
    // The page navigated away and took the values with it.
    return message.text();
  }
}

/** The React warnings a page logged, collected by {@link watchReactWarnings}. */
export interface ReactWarnings {
  /** Every warning logged so far, once their values have been read. */
  all(): Promise<ReactWarning[]>;
}

/**
 * Collects the React warnings (console errors and warnings starting
 * "Warning:") the page logs from now on. React only warns in a development
 * build: {@link isDevelopmentBuild} tells whether there are any to see.
 */
export function watchReactWarnings(page: Page): ReactWarnings {
  const warnings: Promise<ReactWarning>[] = [];
  page.on('console', (message: ConsoleMessage) => {
    if (message.type() !== 'error' && message.type() !== 'warning') return;
    if (!message.text().startsWith('Warning:')) return;
    const url = page.url();
    warnings.push(formatted(message).then(text => classifyWarning(url, text)));
  });
  return { all: () => Promise.all(warnings) };
}

/**
 * Makes the next page load report which React build it runs: React DOM
 * registers with the devtools hook, and tells it its bundle type (1 in a
 * development build, 0 in a production one).
 */
export async function reportReactBuild(page: Page) {
  await page.addInitScript(() => {
    const win = window as unknown as Record<string, unknown>;
    if (win.__REACT_DEVTOOLS_GLOBAL_HOOK__) return;
    let id = 0;
    win.__REACT_DEVTOOLS_GLOBAL_HOOK__ = {
      supportsFiber: true,
      renderers: new Map(),
      inject(renderer: { bundleType: number }) {
        win.__kafkaHubReactBundleType = renderer.bundleType;
        id += 1;
        return id;
      },
      onCommitFiberRoot() {},
      onCommitFiberUnmount() {},
      onPostCommitFiberRoot() {},
      checkDCE() {},
    };
  });
}

/** Whether the loaded app runs React's development build (which warns). */
export async function isDevelopmentBuild(page: Page): Promise<boolean> {
  return page.evaluate(
    () =>
      (window as unknown as Record<string, unknown>)
        .__kafkaHubReactBundleType === 1,
  );
}
