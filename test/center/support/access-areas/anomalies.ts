/** The anomalies routes' part of the generated access walk (see area.ts). */
import type { AccessArea } from './area.js';

export const anomaliesAccess: AccessArea<never> = { fixtures: {} };
