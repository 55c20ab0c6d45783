// Preloaded into the center processes of the fleet benchmark (center-fleet.ts passes it with
// --import; plain JavaScript because a worker thread runs its preloads before it has a TypeScript
// loader): names each worker thread after the file it runs, so that the benchmark can tell the
// threads apart in /proc/<pid>/task/<tid>/comm (Node 20 leaves every thread named `node`). In the
// main thread it wraps worker_threads.Worker to hand each worker its entry file's name in the
// worker's environment (a copy of process.env, which is what a worker gets by default); Node runs
// this preload again in every worker (workers inherit the --import), where it writes that name as
// the thread's comm (a thread may rename itself, proc(5)). The center's code is not changed.
import { writeFileSync } from 'node:fs';
import { syncBuiltinESMExports } from 'node:module';
import workerThreads from 'node:worker_threads';

const VARIABLE = 'MADOGUCHI_BENCH_THREAD_NAME';

if (workerThreads.isMainThread) {
  const Original = workerThreads.Worker;
  class NamedWorker extends Original {
    constructor(file, options = {}) {
      const name = String(file)
        .split('/')
        .pop()
        .replace(/\.m?[jt]s$/, '');
      const env = options.env === workerThreads.SHARE_ENV ? options.env : { ...(options.env ?? process.env), [VARIABLE]: name };
      super(file, { ...options, env });
    }
  }
  workerThreads.Worker = NamedWorker;
  syncBuiltinESMExports();
} else {
  const name = process.env[VARIABLE];
  // comm holds 15 bytes; a longer name is cut there.
  if (name) writeFileSync('/proc/thread-self/comm', name.slice(0, 15));
}
