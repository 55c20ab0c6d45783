/** The kiosk software's version as the heartbeat reports it: the kiosk package's own, bundled into the Electron build. */
import kioskPackage from '../../../package.json' with { type: 'json' };

export const KIOSK_SOFTWARE_VERSION: string = kioskPackage.version;
