/** The kiosk's card service: JPKI over PC/SC (pcsclite) or an in-process virtual reader. */
export {
  createCardService,
  toCardError,
  DEFAULT_COMMAND_TIMEOUT_MS,
  DEFAULT_OPERATION_TIMEOUT_MS,
  DEFAULT_PHONE_CONFIRMATION_MS,
  DEFAULT_PHONE_POLL_MS,
  type CardService,
  type CardServiceOptions,
  type CardCallOptions,
  type CardInfo,
  type CardAuthentication,
  type CardLog,
} from './card-service.js';
export { PinBuffer, PIN_LENGTH } from './pin-buffer.js';
export { CardPinWrongError, CardStatusError, pinStatus, describeStatusWord, statusWordError } from './status-words.js';
export { atrInterface, type CardInterface } from './atr.js';
export { DEFAULT_CARD_RETURN_MS, MAX_CARD_RETURNS, DifferentCardError, certificateDigest } from './lift-and-return.js';
export {
  JpkiClient,
  derTotalLength,
  hasLe,
  MAX_RESPONSE_BYTES,
  MAX_GET_RESPONSE_ROUNDS,
  type PinCounter,
  type PhoneSignature,
} from './jpki-client.js';
export {
  TransportError,
  type CardTransport,
  type CardConnection,
  type TransmitOptions,
  type ReaderStatus,
  type TransportFailure,
} from './transport.js';
export { createPcscTransport, classifyPcscError, pcscErrorCode, type PcscTransportOptions } from './pcsc-transport.js';
export { createVirtualReader, type VirtualReader, type SimulatedCard } from './virtual-reader.js';
