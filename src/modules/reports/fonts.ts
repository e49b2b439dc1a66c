import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

/**
 * The font every chart and PDF draws its text with, shipped as an npm dependency
 * (`@expo-google-fonts/roboto`, OFL, plain TTF files) so labels render on a clean machine with no
 * system fonts. resvg cannot read WOFF/WOFF2 (what @fontsource ships), hence TTF.
 */
const require = createRequire(import.meta.url);
const root = dirname(require.resolve('@expo-google-fonts/roboto/package.json'));

export const FONT_FAMILY = 'Roboto';
export const FONT_REGULAR = join(root, '400Regular', 'Roboto_400Regular.ttf');
export const FONT_BOLD = join(root, '700Bold', 'Roboto_700Bold.ttf');
