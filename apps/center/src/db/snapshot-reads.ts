/**
 * Reads shared within one read snapshot. A read transaction sees one unchanging state of the
 * database (db/database.ts readTransaction), so the same row read twice in it is the same row: the
 * menu decides eight certificate types in one snapshot and, without this, read the resident, the
 * household and the ~71 KB municipality policy once per type (192 statements per issuance). Only
 * the snapshot's own executor is remembered, and only for its life: a write transaction or a plain
 * executor reads afresh every time, so nothing outlives the snapshot (docs/misissuance.md#r5).
 *
 * Callers share the value: what a snapshot read answers is read-only to them.
 */
const snapshots = new WeakMap<object, Map<string, Promise<unknown>>>();

/** Marks `executor` as a read snapshot for the rest of its life (called by readTransaction only). */
export function beginSnapshot(executor: object): void {
  snapshots.set(executor, new Map());
}

/** `load()`, or the answer it already gave for `key` in this snapshot. Outside a snapshot, always `load()`. */
export function snapshotRead<T>(executor: object, key: string, load: () => Promise<T>): Promise<T> {
  const memo = snapshots.get(executor);
  if (!memo) return load();
  let answer = memo.get(key) as Promise<T> | undefined;
  if (!answer) {
    answer = load();
    memo.set(key, answer);
  }
  return answer;
}

/** True inside a read snapshot: a read may then fetch more than asked and remember it (snapshotSeed). */
export function inSnapshot(executor: object): boolean {
  return snapshots.has(executor);
}

/**
 * Remembers `value` for `key` in this snapshot, as if `snapshotRead` had loaded it: for a statement
 * that read several things at once (a resident with their household), so the later reads of those
 * things are answered from it. Outside a snapshot, or for a key already read, nothing changes.
 */
export function snapshotSeed<T>(executor: object, key: string, value: T): void {
  const memo = snapshots.get(executor);
  if (memo && !memo.has(key)) memo.set(key, Promise.resolve(value));
}
