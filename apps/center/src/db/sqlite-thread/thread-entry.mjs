// Worker threads do not inherit the TypeScript loader of the main thread (tsx, vitest), so the
// entry registers tsx before loading the worker module.
import { register } from 'tsx/esm/api';

register();
await import('./sqlite-thread.ts');
