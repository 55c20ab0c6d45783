/**
 * One operations area's part of the generated access walk (console-access.test.ts): an input per
 * route of the area, the ids of another municipality's rows it needs (made in `setup`, as the
 * operator), and the calls that, made by municipal staff under their own municipality's path with
 * those ids, must find nothing (404) and change nothing.
 */
import type { ConsoleRouteName, StaffRole } from '@madoguchi/shared';
import type { ConsoleCenter, ConsoleClient, ConsoleInput } from '../console-harness.js';

/** Ids of rows that belong to the other municipality (or to nobody), by name. */
export type AccessIds = Record<string, string>;
export type AccessFixture<N extends ConsoleRouteName> = (municipalityCode: string, ids: AccessIds) => ConsoleInput<N>;

export interface AccessArea<N extends ConsoleRouteName> {
  fixtures: { [K in N]: AccessFixture<K> };
  setup?: (context: { con: ConsoleCenter; operator: ConsoleClient; other: string }) => Promise<AccessIds>;
  probes?: [Extract<StaffRole, 'municipalityAdministrator' | 'municipalityClerk'>, ConsoleRouteName][];
}

export const M = (municipalityCode: string) => ({ params: { municipalityCode } });
