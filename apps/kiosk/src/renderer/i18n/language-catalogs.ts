/**
 * Every language's catalog as plain data, without i18next or React (`@madoguchi/kiosk/i18n`): so a
 * test outside the renderer reads what a screen must say instead of retyping it. The renderer
 * itself looks words up through index.ts.
 */
export type { Catalog } from './catalog-type.js';
export { ja } from './ja.js';
export { en } from './en.js';
export { zh } from './zh.js';
export { ko } from './ko.js';
export { vi } from './vi.js';
export { pt } from './pt.js';
