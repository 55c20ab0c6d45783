/**
 * The lead's deterministic demo world loaded into a center database: municipal data, the three
 * municipalities' policies and the holiday calendar. `demoNow` is noon (Japan) on its reference day.
 */
import { generateDemoData, type DemoData } from '@madoguchi/shared/demo-data';
import type { CenterDatabase } from '@madoguchi/center';
import { createPolicyStore } from '@madoguchi/center/policy';
import { createMunicipalStore } from '@madoguchi/center/residents';
import type { DatabaseHarness } from './databases.js';

export const demo: DemoData = generateDemoData();

/** An instant in Japan time: `japanInstant('2026-11-02', '12:00')`. */
export function japanInstant(date: string, time = '12:00'): Date {
  return new Date(`${date}T${time}:00+09:00`);
}

export const demoNow = japanInstant(demo.referenceDate);

export async function seedDemoWorld(database: CenterDatabase): Promise<void> {
  await createMunicipalStore(database).importBatch(demo.batch);
  const policies = createPolicyStore(database);
  for (const policy of demo.policies) await policies.putPolicy(policy);
  await policies.putHolidays(demo.holidays);
}

/** A factory of databases holding the demo world (seeded once per harness, then copied). */
export function demoWorldFactory(harness: DatabaseHarness): () => Promise<CenterDatabase> {
  return harness.template(seedDemoWorld);
}
