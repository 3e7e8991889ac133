import {
  darken,
  decomposeColor,
  getContrastRatio,
  getLuminance,
  hslToRgb,
  lighten,
  recomposeColor,
  Theme,
} from '@material-ui/core/styles';

/** WCAG AA for normal text. */
const AA_TEXT = 4.5;

const rgbValues = (colour: string) =>
  decomposeColor(colour.startsWith('hsl') ? hslToRgb(colour) : colour).values;

/** A translucent colour as it shows over `background`, opaque. */
function over(colour: string, background: string): string {
  const values = rgbValues(colour);
  const alpha = values[3] ?? 1;
  if (alpha >= 1) return colour;
  const back = rgbValues(background);
  const mix = (i: 0 | 1 | 2) =>
    Math.round(values[i] * alpha + back[i] * (1 - alpha));
  return recomposeColor({ type: 'rgb', values: [mix(0), mix(1), mix(2)] });
}

/**
 * `colour`, darkened on light backgrounds or lightened on dark ones just
 * enough that text in it reaches WCAG AA contrast (4.5:1) with every one
 * of `backgrounds` (e.g. the card and the page, which table rows and
 * stripes take): the first decides the direction, and a translucent colour
 * is measured as it shows over it. Status colours of themes are tuned as
 * fills, not as text: the Backstage light theme's pending yellow is 1.2:1
 * on white. Keeping the hue follows whatever theme an adopter installs.
 */
export function readableColour(
  colour: string,
  backgrounds: string | string[],
): string {
  const all = Array.isArray(backgrounds) ? backgrounds : [backgrounds];
  const base = over(colour, all[0]);
  const shift = getLuminance(all[0]) > 0.5 ? darken : lighten;
  const readable = (c: string) =>
    all.every(background => getContrastRatio(c, background) >= AA_TEXT);
  if (readable(base)) return base;
  let result = base;
  for (let step = 1; step <= 20; step++) {
    result = shift(base, step / 20);
    if (readable(result)) return result;
  }
  return result;
}

/**
 * What text in a card or table of `theme` sits on: the card, the page's
 * background (which striped rows take), and the card under the hover and
 * selected tints of a table row.
 */
export function surfaces(theme: Theme): string[] {
  const { background, action } = theme.palette;
  return [
    background.paper,
    background.default,
    over(action.hover, background.paper),
    over(action.selected, background.paper),
  ];
}
