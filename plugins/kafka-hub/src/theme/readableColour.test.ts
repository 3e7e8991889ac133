import { getContrastRatio } from '@material-ui/core/styles';
import { readableColour } from './readableColour';

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

  it('keeps a colour that is readable already', () => {
    expect(readableColour('#C62828', '#FFFFFF')).toBe('#C62828');
  });
});
