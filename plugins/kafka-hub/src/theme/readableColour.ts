import {
  darken,
  getContrastRatio,
  getLuminance,
  lighten,
} from '@material-ui/core/styles';

/** WCAG AA for normal text. */
const AA_TEXT = 4.5;

/**
 * `colour`, darkened on a light background or lightened on a dark one just
 * enough that text in it reaches WCAG AA contrast (4.5:1) with
 * `background`. Status colours of themes are tuned as fills, not as text:
 * the Backstage light theme's pending yellow is 1.2:1 on white. Keeping the
 * hue follows whatever theme an adopter installs.
 */
export function readableColour(colour: string, background: string): string {
  const shift = getLuminance(background) > 0.5 ? darken : lighten;
  let result = colour;
  for (let step = 1; step <= 10; step++) {
    if (getContrastRatio(result, background) >= AA_TEXT) {
      return result;
    }
    result = shift(colour, step / 10);
  }
  return result;
}
