/**
 * The refusal rules of docs/service-rules.md#refusals and the code each one answers with. Every
 * code has a resident-facing message in the shared catalog; each rule has its own test in
 * test/center/eligibility.test.ts (a unit test checks both).
 *
 * PIN lock and revoked cards are decided earlier, by the card (CARD_PIN_LOCKED, at the kiosk) and by
 * resident authentication (AUTH_CERTIFICATE_REVOKED, against the CRL): no session, no menu.
 */
import type { ErrorCode } from '@madoguchi/shared';

export const refusalRules: readonly { code: ErrorCode; rule: string }[] = [
  { code: 'AUTH_CERTIFICATE_EXPIRED', rule: 'the card’s authCertificate has expired' },
  { code: 'ELIGIBILITY_CARD_NOT_YET_USABLE', rule: 'the card is usable only from the day after issuance / move-in / PIN change' },
  { code: 'AUTH_RESIDENT_UNKNOWN', rule: 'no resident record behind the card' },
  { code: 'ELIGIBILITY_MOVED_OUT', rule: 'moved out (転出)' },
  { code: 'ELIGIBILITY_PENDING_MOVE_OUT', rule: 'pending move-out (転出予定); also blocks the 住民票 of the whole household' },
  { code: 'ELIGIBILITY_DECEASED', rule: 'died' },
  { code: 'ELIGIBILITY_REMOVED', rule: 'removed from the record (消除)' },
  { code: 'ELIGIBILITY_UNDER_15', rule: 'under 15 years old' },
  { code: 'ELIGIBILITY_PROVISIONAL', rule: 'a record the certificate needs is still 仮登録' },
  { code: 'ELIGIBILITY_RESTRICTED', rule: 'a 支援措置 on the holder or on a person the requested record shows' },
  { code: 'ELIGIBILITY_ISSUANCE_BLOCKED', rule: 'a 発行抑止 set by the municipality for this type' },
  { code: 'ELIGIBILITY_UNPRINTABLE_CHARACTER', rule: 'a character outside the fonts (外字): refused, never substituted' },
  { code: 'ELIGIBILITY_TEXT_OVERFLOW', rule: 'a text that does not fit its place on the paper at the smallest size: refused, never cut' },
  { code: 'ELIGIBILITY_YEAR_END_CLOSURE', rule: '29 December – 3 January' },
  { code: 'ELIGIBILITY_OUTAGE', rule: 'a declared outage of the municipality, type or function' },
  { code: 'ELIGIBILITY_OUTSIDE_HOURS', rule: 'outside the service hours of the type or function (weekdays, holidays)' },
  { code: 'ELIGIBILITY_TYPE_NOT_OFFERED', rule: 'the municipality does not offer the type at stores (or no fee is in force)' },
  { code: 'ELIGIBILITY_OPTION_NOT_ALLOWED', rule: 'an option the municipality does not allow at stores (個人番号, 本籍)' },
  { code: 'ELIGIBILITY_TOO_MANY_COPIES', rule: 'more copies than allowed at once' },
  { code: 'ELIGIBILITY_MEMBER_NOT_IN_HOUSEHOLD', rule: 'a chosen member is not in the holder’s household' },
  { code: 'ELIGIBILITY_NO_SEAL_REGISTRATION', rule: 'no active seal registration (a cancelled one is never printed)' },
  { code: 'ELIGIBILITY_DOMICILE_NOT_REGISTERED', rule: '本籍 in another municipality without an approved 利用登録' },
  { code: 'ELIGIBILITY_NO_FAMILY_REGISTER', rule: 'no 本籍, or a register the holder is not recorded in' },
  { code: 'ELIGIBILITY_TAX_NOT_REGISTERED_JAN_1', rule: 'not registered in the municipality on 1 January of the tax year' },
  { code: 'ELIGIBILITY_TAX_YEAR_UNAVAILABLE', rule: 'a tax year not offered (e.g. during the June switch-over) or not on record' },
  { code: 'ELIGIBILITY_NOT_NON_TAXABLE', rule: 'a 非課税証明書 for someone who is taxed' },
];
