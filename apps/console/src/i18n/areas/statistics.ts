/** The words of the Statistics pages (catalog key `statistics`): Japanese first, English with the same keys. */
import type { Widen } from '../catalog-type.js';

export const statisticsJa = {
  title: '統計',
};

export const statisticsEn: Widen<typeof statisticsJa> = {
  title: 'Statistics',
};
