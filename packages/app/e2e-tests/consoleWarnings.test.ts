import { expect, test } from '@playwright/test';
import { classifyWarning, kafkaHubComponents } from './consoleWarnings';

// The console check of the page walks (pages.test.ts) fails on warnings
// classified as Kafka Hub's: here, that it tells them apart, on warnings in
// the shape React 18 logs them (format filled in, component stack last).

const stack = (...frames: string[]) =>
  frames.map(frame => `\n    at ${frame}`).join('');
const ours = (name: string) =>
  `${name} (webpack-internal:///../../plugins/kafka-hub/src/components/${name}.tsx:1:1)`;
const theirs = (name: string) =>
  `${name} (webpack-internal:///../../node_modules/@backstage/core-components/dist/${name}.esm.js:1:1)`;

test('the console check knows Kafka Hub components by name', () => {
  for (const name of [
    'GroupKafkaContent',
    'SchemaTable',
    'ProvisioningStatusBadge',
    'IdText',
  ]) {
    expect(kafkaHubComponents.has(name)).toBe(true);
  }
  expect(kafkaHubComponents.has('Table')).toBe(false);
  expect(kafkaHubComponents.has('ExtensionBoundary')).toBe(false);
});

test('the console check blames the component a React warning names, or the nearest one in its stack', () => {
  const cases: [text: string, component: string, isOurs: boolean][] = [
    [
      `Warning: Each child in a list should have a unique "key" prop.\n\nCheck the render method of \`GroupKafkaContent\`. See https://reactjs.org/link/warning-keys for more information.${stack(
        'li',
        ours('GroupKafkaContent'),
      )}`,
      'GroupKafkaContent',
      true,
    ],
    [
      `Warning: Each child in a list should have a unique "key" prop. See https://reactjs.org/link/warning-keys for more information.${stack(
        theirs('ExtensionBoundary'),
      )}`,
      'ExtensionBoundary',
      false,
    ],
    [
      // Rendered inside one of ours, but about Backstage's table.
      `Warning: MTableHeader: Support for defaultProps will be removed from function components in a future major release. Use JavaScript default parameters instead.${stack(
        theirs('MTableHeader'),
        theirs('Table'),
        ours('SchemaTable'),
      )}`,
      'MTableHeader',
      false,
    ],
    [
      `Warning: validateDOMNesting(...): <div> cannot appear as a descendant of <p>.${stack(
        'div',
        ours('ProvisioningStatusBadge'),
        'p',
        theirs('InfoCard'),
      )}`,
      'ProvisioningStatusBadge',
      true,
    ],
    [
      `Warning: findDOMNode is deprecated and will be removed in the next major release.${stack(
        'button',
        theirs('ButtonBase'),
        ours('SchemaTable'),
      )}`,
      'ButtonBase',
      false,
    ],
    [
      // Backstage's Header shares its name with a component of ours: the
      // stack frame's location tells them apart.
      `Warning: Header: Support for defaultProps will be removed from function components in a future major release.${stack(
        theirs('Header'),
        ours('KafkaHubPage'),
      )}`,
      'Header',
      false,
    ],
  ];
  for (const [text, component, isOurs] of cases) {
    const warning = classifyWarning('http://localhost:3000/kafka-hub', text);
    expect(warning.component, text).toBe(component);
    expect(warning.ours, text).toBe(isOurs);
    expect(warning.message).not.toContain('    at ');
  }
});
