/**
 * The shape of a console catalog: the Japanese catalog's keys, any string as value. A key missing
 * from en.ts is a type error; catalogs.test.ts checks the same at run time, and that no value is empty.
 */
import type { ja } from './ja.js';

type Widen<T> = T extends string ? string : { [K in keyof T]: Widen<T[K]> };

export type Catalog = Widen<typeof ja>;

/** An area catalog's English half has the Japanese half's keys (i18n/areas/*.ts). */
export type { Widen };
