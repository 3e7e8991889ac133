// The app's tsconfig lists its global types; this file's imports are
// declared by @types/react-syntax-highlighter.
/// <reference types="react-syntax-highlighter" />
import { CopyTextButton } from '@backstage/core-components';
import Box from '@material-ui/core/Box';
import { useTheme } from '@material-ui/core/styles';
import SyntaxHighlighter from 'react-syntax-highlighter/dist/esm/light-async';
import a11yDark from 'react-syntax-highlighter/dist/esm/styles/hljs/a11y-dark';
import a11yLight from 'react-syntax-highlighter/dist/esm/styles/hljs/a11y-light';

/**
 * A schema's text, highlighted, with line numbers and a copy button.
 * Backstage's CodeSnippet colours tokens with highlight.js's docco and dark
 * styles, whose strings are 3.7:1 to their background; the a11y styles
 * keep every token at WCAG AA (4.5:1) in the light and the dark theme.
 */
export const SchemaCode = ({
  text,
  language,
}: {
  text: string;
  language: string;
}) => {
  const theme = useTheme();
  const dark = theme.palette.type === 'dark';
  return (
    <Box position="relative">
      <SyntaxHighlighter
        language={language}
        style={dark ? a11yDark : a11yLight}
        showLineNumbers
        lineNumberStyle={{ color: theme.palette.text.secondary }}
      >
        {text}
      </SyntaxHighlighter>
      <Box position="absolute" top={0} right={0}>
        <CopyTextButton text={text} />
      </Box>
    </Box>
  );
};
