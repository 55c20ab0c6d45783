/** The words of the Kiosks pages (catalog key `fleet`): Japanese first, English with the same keys. */
import type { Widen } from '../catalog-type.js';

export const fleetJa = {
  title: '端末',
};

export const fleetEn: Widen<typeof fleetJa> = {
  title: 'Kiosks',
};
