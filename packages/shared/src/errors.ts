/**
 * The one catalog of error codes. Every refusal and failure the product shows carries a code from
 * here and a message a resident (at the kiosk) or a clerk/operator (admin, CLI) can act on.
 * Resident-facing messages never name another person or reveal why a record is blocked
 * (a 支援措置 must look like any other refusal to whoever stands at the kiosk).
 */
export type Audience = 'resident' | 'staff';

export interface ErrorDefinition {
  audience: Audience;
  /** HTTP status the center answers with. */
  status: number;
  ja: string;
  en: string;
}

const counter = (ja: string, en: string) => ({
  ja: `${ja}お手数ですが、市区町村の窓口でお手続きください。`,
  en: `${en} Please ask at your municipal office counter.`,
});

export const errorCatalog = {
  // --- card and reader (kiosk) ---
  CARD_PIN_WRONG: {
    audience: 'resident',
    status: 401,
    ja: '暗証番号が違います。もう一度入力してください。',
    en: 'The PIN is not correct. Please enter it again.',
  },
  CARD_PIN_LOCKED: {
    audience: 'resident',
    status: 423,
    ...counter(
      '暗証番号が3回続けて誤って入力されたため、カードがロックされています。',
      'The PIN was entered wrongly three times and is now locked.',
    ),
  },
  CARD_NOT_JPKI: {
    audience: 'resident',
    status: 400,
    ja: 'このカードは使えません。マイナンバーカードを置いてください。',
    en: 'This card cannot be used. Please place your My Number card.',
  },
  CARD_NO_AUTH_CERTIFICATE: {
    audience: 'resident',
    status: 400,
    ...counter('カードに利用者証明用電子証明書がありません。', 'The card has no user-authentication certificate.'),
  },
  CARD_REMOVED: {
    audience: 'resident',
    status: 409,
    ja: 'カードが取り外されました。はじめからやり直してください。',
    en: 'The card was removed. Please start again.',
  },
  CARD_READER_UNAVAILABLE: {
    audience: 'resident',
    status: 503,
    ja: 'カードリーダーが使えません。しばらくしてからもう一度お試しください。',
    en: 'The card reader is not available. Please try again shortly.',
  },
  CARD_ERROR: {
    audience: 'resident',
    status: 502,
    ja: 'カードを読み取れませんでした。カードを置き直してください。',
    en: 'The card could not be read. Please place it again.',
  },
  CARD_PHONE_DECLINED: {
    audience: 'resident',
    status: 401,
    ja: 'iPhoneで本人確認が行われませんでした。はじめからやり直してください。',
    en: 'You did not confirm on your iPhone. Please start again.',
  },
  CARD_PHONE_TIMEOUT: {
    audience: 'resident',
    status: 408,
    ja: 'iPhoneでの本人確認が時間内に行われませんでした。はじめからやり直してください。',
    en: 'The confirmation on your iPhone did not arrive in time. Please start again.',
  },

  // --- resident authentication (center) ---
  AUTH_CHALLENGE_UNKNOWN: {
    audience: 'resident',
    status: 401,
    ja: '本人確認に失敗しました。はじめからやり直してください。',
    en: 'Identity check failed. Please start again.',
  },
  AUTH_CHALLENGE_REPLAYED: {
    audience: 'resident',
    status: 401,
    ja: '本人確認に失敗しました。はじめからやり直してください。',
    en: 'Identity check failed. Please start again.',
  },
  AUTH_CHALLENGE_EXPIRED: {
    audience: 'resident',
    status: 401,
    ja: '時間が経過したため、本人確認をやり直してください。',
    en: 'Too much time has passed. Please confirm your identity again.',
  },
  AUTH_CHALLENGE_WRONG_KIOSK: {
    audience: 'resident',
    status: 401,
    ja: '本人確認に失敗しました。はじめからやり直してください。',
    en: 'Identity check failed. Please start again.',
  },
  AUTH_SIGNATURE_INVALID: {
    audience: 'resident',
    status: 401,
    ja: 'カードの署名を確認できませんでした。はじめからやり直してください。',
    en: 'The card signature could not be verified. Please start again.',
  },
  AUTH_CERTIFICATE_EXPIRED: {
    audience: 'resident',
    status: 401,
    ...counter('カードの利用者証明用電子証明書の有効期限が切れています。', 'The card certificate has expired.'),
  },
  AUTH_CERTIFICATE_NOT_YET_VALID: {
    audience: 'resident',
    status: 401,
    ja: 'このカードは明日以降に利用できます。',
    en: 'This card can be used from tomorrow.',
  },
  AUTH_CERTIFICATE_REVOKED: {
    audience: 'resident',
    status: 401,
    ...counter('カードの利用者証明用電子証明書が失効しています。', 'The card certificate has been revoked.'),
  },
  AUTH_CERTIFICATE_UNKNOWN_CA: {
    audience: 'resident',
    status: 401,
    ja: 'このカードの電子証明書は確認できません。',
    en: 'This card certificate cannot be verified.',
  },
  AUTH_CERTIFICATE_INVALID: {
    audience: 'resident',
    status: 400,
    ja: 'カードの電子証明書を読み取れませんでした。カードを置き直してください。',
    en: 'The card certificate could not be read. Please place the card again.',
  },
  AUTH_RESIDENT_UNKNOWN: {
    audience: 'resident',
    status: 404,
    ...counter('このカードではコンビニ交付をご利用いただけません。', 'This card is not registered for convenience-store issuance.'),
  },
  // The card CA's CRL is past nextUpdate + grace (or none could be loaded fresh): revocation cannot
  // be checked, so nobody is authenticated until a fresh CRL arrives. An operator matter (503).
  AUTH_REVOCATION_UNAVAILABLE: {
    audience: 'resident',
    status: 503,
    ja: 'ただいまカードの電子証明書の有効性を確認できないため、ご利用いただけません。しばらくしてからお試しください。',
    en: 'The card certificate cannot be checked right now, so the service is temporarily unavailable. Please try again later.',
  },
  AUTH_SESSION_EXPIRED: {
    audience: 'resident',
    status: 401,
    ja: '時間が経過したため、はじめからやり直してください。',
    en: 'Your session has timed out. Please start again.',
  },

  // --- eligibility (center; refused before payment) ---
  ELIGIBILITY_MOVED_OUT: {
    audience: 'resident',
    status: 403,
    ...counter('転出されているため、証明書を発行できません。', 'You have moved out, so this certificate cannot be issued here.'),
  },
  ELIGIBILITY_PENDING_MOVE_OUT: {
    audience: 'resident',
    status: 403,
    ...counter('転出の届出中のため、証明書を発行できません。', 'A move-out is pending, so this certificate cannot be issued.'),
  },
  ELIGIBILITY_DECEASED: {
    audience: 'resident',
    status: 403,
    ...counter('この証明書は発行できません。', 'This certificate cannot be issued.'),
  },
  ELIGIBILITY_REMOVED: {
    audience: 'resident',
    status: 403,
    ...counter('この証明書は発行できません。', 'This certificate cannot be issued.'),
  },
  ELIGIBILITY_RESTRICTED: {
    audience: 'resident',
    status: 403,
    ...counter('この証明書はコンビニでは発行できません。', 'This certificate cannot be issued at a store.'),
  },
  // Same words as ELIGIBILITY_RESTRICTED on purpose: neither may tell the kiosk user why.
  ELIGIBILITY_ISSUANCE_BLOCKED: {
    audience: 'resident',
    status: 403,
    ...counter('この証明書はコンビニでは発行できません。', 'This certificate cannot be issued at a store.'),
  },
  ELIGIBILITY_PROVISIONAL: {
    audience: 'resident',
    status: 403,
    ...counter('記録を更新中のため、証明書を発行できません。', 'Your record is being updated, so this certificate cannot be issued yet.'),
  },
  ELIGIBILITY_UNPRINTABLE_CHARACTER: {
    audience: 'resident',
    status: 403,
    ...counter(
      '印字できない文字が含まれているため、コンビニでは発行できません。',
      'The record contains a character that cannot be printed here.',
    ),
  },
  // Found before payment by the layout (rendering/printable.ts); ISSUANCE_TEXT_OVERFLOW is the same found at render time, after it.
  ELIGIBILITY_TEXT_OVERFLOW: {
    audience: 'resident',
    status: 403,
    ...counter(
      '記載内容が用紙に収まらないため、コンビニでは発行できません。',
      'The record does not fit on the page, so it cannot be issued here.',
    ),
  },
  ELIGIBILITY_OUTSIDE_HOURS: {
    audience: 'resident',
    status: 403,
    ja: 'この証明書は現在の時間帯には発行できません。利用時間内にお越しください。',
    en: 'This certificate is not available at this time. Please come back during service hours.',
  },
  // 403 like every refusal: a declared outage is the answer to this request, not a passing fault
  // the kiosk should retry (it retries 5xx).
  ELIGIBILITY_OUTAGE: {
    audience: 'resident',
    status: 403,
    ja: 'この市区町村のサービスは現在停止中です。時間をおいてお試しください。',
    en: 'Service for this municipality is temporarily stopped. Please try again later.',
  },
  ELIGIBILITY_YEAR_END_CLOSURE: {
    audience: 'resident',
    status: 403,
    ja: '12月29日から1月3日まではご利用いただけません。',
    en: 'The service is closed from 29 December to 3 January.',
  },
  ELIGIBILITY_UNDER_15: {
    audience: 'resident',
    status: 403,
    ...counter('15歳未満の方はコンビニ交付をご利用いただけません。', 'Residents under 15 cannot use store issuance.'),
  },
  ELIGIBILITY_CARD_NOT_YET_USABLE: {
    audience: 'resident',
    status: 403,
    ja: 'このカードは明日以降に利用できます。',
    en: 'This card can be used from tomorrow.',
  },
  ELIGIBILITY_TYPE_NOT_OFFERED: {
    audience: 'resident',
    status: 403,
    ja: 'お住まいの市区町村では、この証明書のコンビニ交付を行っていません。',
    en: 'Your municipality does not offer this certificate at stores.',
  },
  ELIGIBILITY_OPTION_NOT_ALLOWED: {
    audience: 'resident',
    status: 403,
    ja: '選択された記載事項はコンビニでは発行できません。',
    en: 'The selected item cannot be printed at a store.',
  },
  ELIGIBILITY_NO_SEAL_REGISTRATION: {
    audience: 'resident',
    status: 403,
    ...counter('有効な印鑑登録がありません。', 'You have no active seal registration.'),
  },
  ELIGIBILITY_DOMICILE_NOT_REGISTERED: {
    audience: 'resident',
    status: 403,
    ja: '本籍地の証明書を取得するには、事前に利用登録申請が必要です。',
    en: 'To get certificates from your domicile municipality, apply for registration first.',
  },
  ELIGIBILITY_NO_FAMILY_REGISTER: {
    audience: 'resident',
    status: 403,
    ...counter('戸籍の記録が見つかりません。', 'No family register record was found.'),
  },
  ELIGIBILITY_TAX_NOT_REGISTERED_JAN_1: {
    audience: 'resident',
    status: 403,
    ...counter(
      '1月1日に住民登録がなかったため、税証明書を発行できません。',
      'You were not registered here on 1 January, so a tax certificate cannot be issued.',
    ),
  },
  ELIGIBILITY_TAX_YEAR_UNAVAILABLE: {
    audience: 'resident',
    status: 403,
    ...counter('選択された年度の税証明書は発行できません。', 'A tax certificate for that year cannot be issued.'),
  },
  ELIGIBILITY_NOT_NON_TAXABLE: {
    audience: 'resident',
    status: 403,
    ja: '課税されているため、非課税証明書は発行できません。所得・課税証明書をお選びください。',
    en: 'You are taxed, so a tax exemption certificate cannot be issued. Please choose the income and tax certificate.',
  },
  ELIGIBILITY_MEMBER_NOT_IN_HOUSEHOLD: {
    audience: 'resident',
    status: 400,
    ja: '選択された方は同じ世帯にいません。',
    en: 'The selected person is not in your household.',
  },
  ELIGIBILITY_TOO_MANY_COPIES: {
    audience: 'resident',
    status: 400,
    ja: '一度に発行できる通数を超えています。',
    en: 'That is more copies than can be issued at once.',
  },

  // --- 本籍地利用登録申請 at the kiosk (center) ---
  DOMICILE_NOT_PARTICIPATING: {
    audience: 'resident',
    status: 403,
    ...counter(
      '本籍地の市区町村は、コンビニでの戸籍証明書の交付を行っていません。',
      'Your domicile municipality does not issue family register certificates at stores.',
    ),
  },
  DOMICILE_REGISTRATION_NOT_NEEDED: {
    audience: 'resident',
    status: 409,
    ja: '本籍地がお住まいの市区町村にあるため、利用登録は必要ありません。',
    en: 'Your domicile is in the municipality you live in, so no registration is needed.',
  },
  DOMICILE_REGISTRATION_PENDING: {
    audience: 'resident',
    status: 409,
    ja: '本籍地の利用登録は申請済みです。承認までには数日かかります。',
    en: 'You have already applied for domicile registration. Approval takes a few days.',
  },
  DOMICILE_ALREADY_REGISTERED: {
    audience: 'resident',
    status: 409,
    ja: '本籍地の利用登録は完了しています。',
    en: 'Your domicile registration is already approved.',
  },

  // --- issuance (center ↔ kiosk) ---
  ISSUANCE_NOT_FOUND: {
    audience: 'resident',
    status: 404,
    ja: '手続きが見つかりません。はじめからやり直してください。',
    en: 'The request was not found. Please start again.',
  },
  ISSUANCE_INVALID_STATE: {
    audience: 'resident',
    status: 409,
    ja: 'この操作は現在できません。はじめからやり直してください。',
    en: 'This step is not possible now. Please start again.',
  },
  ISSUANCE_PAYMENT_MISMATCH: {
    audience: 'resident',
    status: 400,
    ja: 'お支払い金額が手数料と一致しません。お金は返却されます。',
    en: 'The amount paid does not match the fee. Your money will be returned.',
  },
  ISSUANCE_IDEMPOTENCY_CONFLICT: {
    audience: 'staff',
    status: 409,
    ja: '同じ要求キーで異なる内容が送られました。',
    en: 'The same idempotency key was sent with a different request.',
  },
  // A settlement (print result, cancel) whose first call with this key is still running at a live center:
  // not a decision, so the kiosk's journal sends it again later (apps/center/src/issuance/idempotency.ts).
  ISSUANCE_STILL_RUNNING: {
    audience: 'staff',
    status: 503,
    ja: '同じ要求キーの処理がまだ続いています。しばらくしてからもう一度送ってください。',
    en: 'The first call with this idempotency key is still running. Send it again shortly.',
  },
  // A copy's print failure (or rejection) that would refund copies while an earlier copy of the issuance has no
  // print result yet, which may be on paper: not a decision, so the kiosk's journal sends it again after the
  // earlier copy's result (apps/center/src/issuance/issuance-units.ts reportPrintResult, docs/misissuance.md#r10).
  ISSUANCE_EARLIER_COPY_UNREPORTED: {
    audience: 'staff',
    status: 503,
    ja: 'この交付の前の部の印刷結果がまだ届いていません。前の部の結果の後にもう一度送ってください。',
    en: 'An earlier copy of this issuance has no print result yet. Send this result again after that copy’s.',
  },
  ISSUANCE_RENDER_FAILED: {
    audience: 'resident',
    status: 500,
    ja: '証明書を作成できませんでした。お金は返却されます。',
    en: 'The certificate could not be prepared. Your money will be returned.',
  },
  ISSUANCE_RENDER_TIMEOUT: {
    audience: 'resident',
    status: 504,
    ja: '証明書の作成に時間がかかっています。お金は返却されます。',
    en: 'Preparing the certificate took too long. Your money will be returned.',
  },
  ISSUANCE_TEXT_OVERFLOW: {
    audience: 'resident',
    status: 422,
    ...counter(
      '記載内容が用紙に収まらないため、コンビニでは発行できません。',
      'The record does not fit on the page, so it cannot be issued here.',
    ),
  },
  ISSUANCE_DOCUMENT_MISMATCH: {
    audience: 'resident',
    status: 409,
    ja: '証明書の確認で問題が見つかったため、印刷を中止しました。お金は返却されます。',
    en: 'A check on the certificate failed, so it was not printed. Your money will be returned.',
  },
  ISSUANCE_PRINT_FAILED: {
    audience: 'resident',
    status: 500,
    ja: '印刷できませんでした。お金は返却されます。',
    en: 'Printing failed. Your money will be returned.',
  },
  // The kiosk's own printer (paper out, a jam, offline, paused): said on the menu, before payment.
  PRINTER_UNAVAILABLE: {
    audience: 'resident',
    status: 503,
    ja: 'プリンターが使えないため、ただいま証明書を発行できません。しばらくしてからもう一度お試しください。',
    en: 'The printer is not available, so certificates cannot be issued right now. Please try again later.',
  },
  ISSUANCE_CENTER_UNREACHABLE: {
    audience: 'resident',
    status: 503,
    ja: 'センターに接続できません。しばらくしてからもう一度お試しください。',
    en: 'The issuance center cannot be reached. Please try again shortly.',
  },

  // --- kiosk trust (mutual TLS) ---
  KIOSK_CERTIFICATE_MISSING: {
    audience: 'staff',
    status: 401,
    ja: '端末のクライアント証明書がありません。',
    en: 'The kiosk presented no client certificate.',
  },
  KIOSK_UNKNOWN: {
    audience: 'staff',
    status: 403,
    ja: '登録されていない端末です。端末登録 (enroll) を行ってください。',
    en: 'This kiosk is not enrolled. Enrol it with the kiosk CLI.',
  },
  KIOSK_REVOKED: {
    audience: 'staff',
    status: 403,
    ja: 'この端末の証明書は失効しています。',
    en: 'This kiosk certificate has been revoked.',
  },

  // --- public certificate verification (center; anyone may upload a PDF) ---
  // Not shaped like any document the center issues, or too costly to check: nothing was verified.
  VERIFICATION_DOCUMENT_REFUSED: {
    audience: 'staff',
    status: 422,
    ja: 'このファイルは、発行された証明書のPDFとして検証できません。発行されたPDFファイルを加工せずにお送りください。',
    en: 'This file cannot be verified as an issued certificate PDF. Send the issued PDF file as it is, unaltered.',
  },
  VERIFICATION_BUSY: {
    audience: 'staff',
    status: 503,
    ja: 'ただいま検証の依頼が混み合っています。しばらくしてからもう一度お試しください。',
    en: 'Too many verifications are waiting right now. Please try again shortly.',
  },

  // --- municipal data, admin, generic ---
  INPUT_INVALID: {
    audience: 'staff',
    status: 400,
    ja: '入力内容に誤りがあります。詳細を確認してください。',
    en: 'The input is not valid. See the details.',
  },
  // A date that is not a real calendar day, or one before 明治 (the era table starts there).
  ERA_DATE_INVALID: {
    audience: 'staff',
    status: 400,
    ja: '日付が正しくありません。明治以降の実在する日付を入力してください。',
    en: 'The date is not valid. Enter a real date from the Meiji era (1868-10-23) onwards.',
  },
  IMPORT_INVALID: {
    audience: 'staff',
    status: 422,
    ja: '取込データに誤りがあるため、何も取り込んでいません。行ごとのエラーを確認してください。',
    en: 'The import has errors, so nothing was imported. See the row-level errors.',
  },
  NOT_FOUND: { audience: 'staff', status: 404, ja: '見つかりません。', en: 'Not found.' },
  // No credential at all (401); a credential that is not good enough is FORBIDDEN (403).
  AUTHENTICATION_REQUIRED: {
    audience: 'staff',
    status: 401,
    ja: '認証が必要です。管理画面ではログインしてください。取込APIではAPIトークンを指定してください。',
    en: 'Authentication is required. Sign in to the console, or present an API token to the import API.',
  },
  FORBIDDEN: { audience: 'staff', status: 403, ja: 'この操作の権限がありません。', en: 'You are not allowed to do this.' },
  // --- staff console: sign-in, sessions, enrolment, configuration
  SIGN_IN_FAILED: {
    audience: 'staff',
    status: 401,
    ja: 'ログインID、パスワード、または確認コードが正しくありません。',
    en: 'The login id, password or verification code is not correct.',
  },
  SIGN_IN_LOCKED: {
    audience: 'staff',
    status: 429,
    ja: 'ログインの失敗が続いたため、しばらくログインできません。時間をおいてからお試しください。',
    en: 'Too many failed sign-ins. Wait a while, then try again.',
  },
  SESSION_EXPIRED: {
    audience: 'staff',
    status: 401,
    ja: 'ログインの有効期限が切れました。もう一度ログインしてください。',
    en: 'Your session has ended. Please sign in again.',
  },
  CSRF_INVALID: {
    audience: 'staff',
    status: 403,
    ja: '画面の有効期限が切れました。ページを再読み込みしてからもう一度操作してください。',
    en: 'This page has expired. Reload it and try again.',
  },
  ENROLMENT_INVALID: {
    audience: 'staff',
    status: 410,
    ja: 'この登録用リンクは無効か、有効期限が切れています。管理者に新しいリンクを依頼してください。',
    en: 'This enrolment link is not valid or has expired. Ask your administrator for a new one.',
  },
  CONFLICT: {
    audience: 'staff',
    status: 409,
    ja: '他の変更と競合したため、保存していません。画面を更新してから操作してください。',
    en: 'This conflicts with another change, so nothing was saved. Refresh and try again.',
  },
  FEE_CHANGE_NOT_CANCELLABLE: {
    audience: 'staff',
    status: 409,
    ja: 'すでに適用された手数料は取り消せません。新しい手数料を予定として登録してください。',
    en: 'A fee already in force cannot be cancelled. Schedule a new fee instead.',
  },
  // --- billing (issue 12 item 4)
  BILLING_MONTH_NOT_ENDED: {
    audience: 'staff',
    status: 409,
    ja: 'この月はまだ終わっていないため締められません。翌月1日（日本時間）以降に締めてください。',
    en: 'This month has not ended yet, so it cannot be closed. Close it from the 1st of the next month (Japan time).',
  },
  BILLING_MONTH_CLOSED: {
    audience: 'staff',
    status: 409,
    ja: 'この月はすでに締められています。締めた月は変わりません。訂正は調整として登録してください。',
    en: 'This month is already closed and never changes. Record a correction as an adjustment.',
  },
  BILLING_PROFILE_MISSING: {
    audience: 'staff',
    status: 409,
    ja: 'この年度の人口と団体区分が登録されていないため、負担金を計算できません。先に登録してください。',
    en: "The municipality's population and kind for this fiscal year are missing, so its participation charge is unknown.",
  },
  SEAL_IMAGE_INVALID: {
    audience: 'staff',
    status: 422,
    ja: '公印の画像として使えません。PNG形式、512KB以下、縦横2000ピクセル以下の画像を指定してください。',
    en: 'This cannot be used as the seal image. Use a PNG of at most 512 KB and 2000 × 2000 pixels.',
  },
  RATE_LIMITED: {
    audience: 'staff',
    status: 429,
    ja: 'リクエストが多すぎます。しばらく待ってから再度お試しください。',
    en: 'Too many requests. Please wait and try again.',
  },
  // Operator CLIs open only an existing, migrated database: they never create or migrate one silently.
  DATABASE_NOT_FOUND: {
    audience: 'staff',
    status: 500,
    ja: 'データベースが見つかりません。--state / --database (MADOGUCHI_CENTER_STATE / MADOGUCHI_DATABASE_URL) を確認してください。',
    en: 'No database found. Check --state / --database (MADOGUCHI_CENTER_STATE / MADOGUCHI_DATABASE_URL).',
  },
  DATABASE_TOO_OLD: {
    audience: 'staff',
    status: 500,
    ja: 'データベースがこのプログラムより古い版です。センターを起動するか、--migrate を付けて実行して移行してください。',
    en: 'The database is older than this program. Migrate it by starting the center or by running with --migrate.',
  },
  DATABASE_TOO_NEW: {
    audience: 'staff',
    status: 500,
    ja: 'データベースがこのプログラムより新しい版です。プログラムを更新してください。',
    en: 'The database is newer than this program. Upgrade the program.',
  },
  INTERNAL: {
    audience: 'resident',
    status: 500,
    ja: 'システムエラーが発生しました。しばらくしてからもう一度お試しください。',
    en: 'A system error occurred. Please try again shortly.',
  },
} as const satisfies Record<string, ErrorDefinition>;

export type ErrorCode = keyof typeof errorCatalog;
export const errorCodes = Object.keys(errorCatalog) as ErrorCode[];

export type Language = 'ja' | 'en';

export function errorMessage(code: ErrorCode, language: Language = 'ja'): string {
  return errorCatalog[code][language];
}

export function isErrorCode(value: unknown): value is ErrorCode {
  return typeof value === 'string' && Object.hasOwn(errorCatalog, value);
}

/** A failure with a catalog code. `detail` is for staff and logs: never personal data. */
export class MadoguchiError extends Error {
  constructor(
    readonly code: ErrorCode,
    readonly detail?: string,
    readonly issues?: readonly { path: string; message: string }[],
  ) {
    super(detail ? `${code}: ${detail}` : code);
    this.name = 'MadoguchiError';
  }
  get status(): number {
    return errorCatalog[this.code].status;
  }
}
