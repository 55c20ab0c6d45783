// The bench's workload control: a bare worker thread that renders the one-page 住民票 in a loop,
// with no pool around it (tsx registered first, as the pool's own worker entry does).
import { register } from 'tsx/esm/api';

register();
await import('./render-loop-worker.ts');
