import { getContrastRatio } from '@material-ui/core/styles';
import { Theme } from '@material-ui/core/styles';
import { themes } from '@backstage/theme';
import { readableColour, surfaces } from './readableColour';

describe('readableColour', () => {
  it.each([
    ['#FFED51', '#FFFFFF'],
    ['#1DB954', '#FFFFFF'],
    ['#FF9800', '#FFFFFF'],
    ['#FFED51', '#424242'],
    ['#1A237E', '#333333'],
  ])('makes %s readable on %s (AA, 4.5:1)', (colour, background) => {
    const result = readableColour(colour, background);
    expect(getContrastRatio(result, background)).toBeGreaterThanOrEqual(4.5);
  });

  it('is readable on every background given: the card and the striped rows', () => {
    // Backstage's error red is 4.39:1 on the light theme's #F8F8F8 rows.
    for (const backgrounds of [
      ['#FFFFFF', '#F8F8F8'],
      ['#424242', '#333333'],
    ]) {
      const result = readableColour('#E22134', backgrounds);
      for (const background of backgrounds) {
        expect(getContrastRatio(result, background)).toBeGreaterThanOrEqual(
          4.5,
        );
      }
    }
  });

  it('measures a translucent colour as it shows over the background', () => {
    // MUI's secondary text, rgba(0, 0, 0, 0.54), is #757575 on white: 4.6:1,
    // but 4.47:1 on #F5F5F5.
    const result = readableColour('rgba(0, 0, 0, 0.54)', '#F5F5F5');
    expect(result.startsWith('rgb(')).toBe(true);
    expect(getContrastRatio(result, '#F5F5F5')).toBeGreaterThanOrEqual(4.5);
  });

  it('keeps a colour that is readable already', () => {
    expect(readableColour('#C62828', '#FFFFFF')).toBe('#C62828');
  });

  it("lists a theme's card, page and row tints as opaque colours", () => {
    const light = themes.light.getTheme('v4') as Theme;
    expect(surfaces(light)).toEqual([
      light.palette.background.paper,
      light.palette.background.default,
      // rgba(0, 0, 0, 0.04) and 0.08 over white.
      'rgb(245, 245, 245)',
      'rgb(235, 235, 235)',
    ]);
  });
});
