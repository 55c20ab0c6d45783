/** The kiosk's card service: JPKI over PC/SC (pcsclite) or an in-process virtual reader. */
export { createCardService, toCardError, type CardService, type CardServiceOptions, type CardInfo, type CardAuthentication, type CardLog } from './card-service.js';
export { PinBuffer, PIN_LENGTH } from './pin-buffer.js';
export { CardPinWrongError, pinStatus, describeStatusWord, statusWordError } from './status-words.js';
export { JpkiClient, derTotalLength, hasLe, type PinCounter } from './jpki-client.js';
export { TransportError, type CardTransport, type CardConnection, type ReaderStatus, type TransportFailure } from './transport.js';
export { createPcscTransport, classifyPcscError, pcscErrorCode, type PcscTransportOptions } from './pcsc-transport.js';
export { createVirtualReader, type VirtualReader, type SimulatedCard } from './virtual-reader.js';
