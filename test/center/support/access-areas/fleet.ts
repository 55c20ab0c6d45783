/** The fleet routes' part of the generated access walk (see area.ts). */
import type { AccessArea } from './area.js';

export const fleetAccess: AccessArea<never> = { fixtures: {} };
