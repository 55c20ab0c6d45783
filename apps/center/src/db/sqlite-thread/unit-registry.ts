/**
 * Every unit of work the SQLite thread can run, by name (db/database.ts runUnit sends the name). A unit
 * not listed here fails on SQLite with "no unit of work named …": unit-registry.test.ts lists the
 * modules' exports against this map.
 */
import type { CenterDatabase, UnitOfWork } from '../database.js';
import * as sessionUnits from '../../auth/sessions.js';
import * as issuanceUnits from '../../issuance/issuance-units.js';
import * as readUnits from '../../issuance/read-units.js';

type AnyUnit = UnitOfWork<never, unknown>;

const isUnit = (value: unknown): value is AnyUnit =>
  typeof value === 'object' &&
  value !== null &&
  typeof (value as AnyUnit).name === 'string' &&
  typeof (value as AnyUnit).run === 'function';

/** The units among a module's exports. */
export function unitsOf(module: Record<string, unknown>): AnyUnit[] {
  return Object.values(module).filter(isUnit);
}

function registry(units: AnyUnit[]): ReadonlyMap<string, (database: CenterDatabase, args: unknown) => Promise<unknown>> {
  const byName = new Map<string, (database: CenterDatabase, args: unknown) => Promise<unknown>>();
  for (const unit of units) {
    if (byName.has(unit.name)) throw new Error(`two units of work are named ${unit.name}`);
    byName.set(unit.name, unit.run as (database: CenterDatabase, args: unknown) => Promise<unknown>);
  }
  return byName;
}

export const unitModules: readonly Record<string, unknown>[] = [issuanceUnits, readUnits, sessionUnits];

export const unitRegistry = registry(unitModules.flatMap(unitsOf));
