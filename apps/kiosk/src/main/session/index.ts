/**
 * The kiosk's session state machine (`@madoguchi/kiosk/session`): kiosk-main.ts composes it with
 * real devices; tests drive it with their own ports.
 */
export { KioskSession, type KioskSessionOptions } from './kiosk-session.js';
export type { CardPort, DemoCardPort, DemoCashPort, SessionDeps, SessionLog } from './ports.js';
