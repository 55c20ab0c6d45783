/**
 * The kiosk's cash (`@madoguchi/kiosk/payment`): the cash unit's interface and the simulated unit
 * with its non-volatile payout log, which tests and the cash report read.
 */
export { SimulatedCashDevice, type CashDevice, type PayoutOutcome, type SimulatedCashDeviceOptions } from './cash-device.js';
export { CASH_UNIT_FILE, readCashUnitCounters, type CashUnitCounters, type CashUnitPayout } from './cash-unit-log.js';
