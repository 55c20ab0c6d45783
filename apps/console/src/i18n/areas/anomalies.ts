/** The words of the Anomalies pages (catalog key `anomalies`): Japanese first, English with the same keys. */
import type { Widen } from '../catalog-type.js';

export const anomaliesJa = {
  title: '異常と対応',
};

export const anomaliesEn: Widen<typeof anomaliesJa> = {
  title: 'Anomalies',
};
