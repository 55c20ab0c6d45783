/**
 * The operator CLIs as commander programs (`@madoguchi/center/cli`), so tests run them in-process
 * with their own input and output. Each file still runs its program when started as a script;
 * importing it here does not. verify-document.ts is left out: it is only a script.
 */
export { runProgram, reportCliError, processIo, type CliIo } from './cli-errors.js';
export { auditProgram } from './audit.js';
export { billingProgram } from './billing.js';
export { importProgram } from './import.js';
export { issuanceLogProgram } from './issuance-log.js';
export { kioskProgram } from './kiosk.js';
export { policyProgram } from './policy.js';
export { staffProgram } from './staff.js';
