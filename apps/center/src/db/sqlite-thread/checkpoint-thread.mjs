// The SQLite thread's WAL checkpointer (sqlite-thread.ts startCheckpointer): a second connection to the center's file
// that copies the write-ahead log back into the database every CHECKPOINT_MS, in this thread, so the SQLite thread's
// commits do not. Plain JavaScript: it needs no TypeScript loader, so it starts without tsx.
//
// PASSIVE: copies what it can without waiting for, or blocking, any reader or writer, like the automatic checkpoint a
// commit runs (which stays on, wal_autocheckpoint unchanged, in case this thread is behind or gone). The same
// synchronous setting as the SQLite thread's connection: the WAL and then the database are synced by the checkpoint
// exactly as before; only the thread that waits for it changes.
import { writeFileSync } from 'node:fs';
import { clearInterval, setInterval } from 'node:timers';
import { parentPort, workerData } from 'node:worker_threads';
import BetterSqlite3 from 'better-sqlite3';

const CHECKPOINT_MS = Number(workerData.intervalMs ?? 250);

try {
  // Named for `top -H` and the fleet benchmark's CPU per thread (Linux only; 15 bytes at most).
  writeFileSync('/proc/thread-self/comm', 'sqlite-ckpt');
} catch {
  // Not Linux, or not allowed: the name is only a label.
}

let db;
try {
  db = new BetterSqlite3(workerData.path, { fileMustExist: true });
  db.pragma('synchronous = NORMAL');
} catch {
  // The commits' automatic checkpoints still run: nothing is lost without this thread.
  db = undefined;
}

const timer = db
  ? setInterval(() => {
      try {
        db.pragma('wal_checkpoint(PASSIVE)');
      } catch {
        // SQLITE_BUSY and the like: the next round (or a commit's automatic checkpoint) does it.
      }
    }, CHECKPOINT_MS)
  : undefined;

parentPort.on('message', (message) => {
  if (message && message.close) {
    if (timer) clearInterval(timer);
    try {
      db?.close();
    } catch {
      // Closing is best effort: the SQLite thread's own close checkpoints whatever is left.
    }
    parentPort.postMessage({ closed: true });
    parentPort.close();
  }
});
