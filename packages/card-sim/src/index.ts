export * from './apdu.js';
export * from './card-state.js';
export * from './jpki-applet.js';
export * from './test-pki.js';
export * from './x509.js';
export * from './demo-cards.js';
export * from './vpcd-client.js';
export * from './key-pool.js';
