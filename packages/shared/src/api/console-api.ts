/**
 * The staff console API, version 1: its schemas. Which route takes which schema, and which
 * permission it needs, is the route table in console-routes.ts. The console (apps/console) and the
 * center's tests call routes by name; the center registers them and generates a separate OpenAPI
 * document from the table.
 *
 * Every string is bounded (the history keeps before/after values); money is whole yen; dates are
 * Japan dates (YYYY-MM-DD) and instants ISO-8601 with an offset.
 */
import { z } from 'zod';
import { CertificateType } from '../domain/certificate-type.js';
import { IsoDate } from '../domain/dates.js';
import { MunicipalityCode, RecordId } from '../domain/municipal-data.js';
import { ServiceHours } from '../domain/policy.js';
import { StaffRole } from '../domain/staff.js';

/** The highest fee a console accepts for one certificate (no konbini certificate costs near this). */
export const MAX_FEE_YEN = 10_000;
/** A 公印 image upload: a PNG of at most this many bytes, printed at most 25 mm wide. */
export const MAX_SEAL_IMAGE_BYTES = 512 * 1024;
export const MAX_SEAL_SIZE_MM = 25;
export const MIN_SEAL_SIZE_MM = 10;

const Text = (max: number) => z.string().trim().min(1).max(max);
export const StaffId = z.string().regex(/^stf_[A-Za-z0-9_-]{8,40}$/, 'staff id');
export const LoginId = z
  .string()
  .trim()
  .toLowerCase()
  .regex(/^[a-z0-9][a-z0-9._@-]{2,63}$/, 'ログインIDは英小文字・数字・. _ @ - の3〜64文字です (3–64 of a-z 0-9 . _ @ -)');
export const Password = z.string().min(12, 'パスワードは12文字以上にしてください (at least 12 characters)').max(256);
export const TotpCode = z.string().regex(/^\d{6}$/, '6桁の数字を入力してください (6 digits)');
export const RecoveryCode = z.string().regex(/^[a-z0-9]{4}-[a-z0-9]{4}-[a-z0-9]{4}$/, 'xxxx-xxxx-xxxx');
export const Instant = z.string().datetime({ offset: true });

export const MunicipalityParams = z.object({ municipalityCode: MunicipalityCode });
export const StaffParams = z.object({ municipalityCode: MunicipalityCode, staffId: StaffId });
export const Empty = z.object({});
export const OkResponse = z.object({ ok: z.literal(true) });

// --- session and enrolment
export const Me = z.object({
  staffId: StaffId,
  loginId: z.string(),
  role: StaffRole,
  municipalityCode: MunicipalityCode.nullable(),
  /** Sent back in the `x-csrf-token` header on every state-changing call. */
  csrfToken: z.string(),
  /** When the session ends at the latest (absolute expiry). */
  expiresAt: Instant,
});
export type Me = z.infer<typeof Me>;
export const SignInRequest = z
  .object({ loginId: LoginId, password: z.string().min(1).max(256), totpCode: TotpCode.optional(), recoveryCode: RecoveryCode.optional() })
  .refine((b) => Boolean(b.totpCode) !== Boolean(b.recoveryCode), {
    message: 'TOTP code or recovery code, one of them',
    path: ['totpCode'],
  });
export const EnrolmentParams = z.object({ token: z.string().regex(/^[A-Za-z0-9_-]{32,64}$/) });
export const EnrolmentInfo = z.object({
  loginId: z.string(),
  role: StaffRole,
  municipalityCode: MunicipalityCode.nullable(),
  /** Base32 TOTP secret and its otpauth:// URI (for the authenticator app's QR code). */
  totpSecret: z.string(),
  otpauthUri: z.string(),
  expiresAt: Instant,
});
export const CompleteEnrolmentRequest = z.object({ password: Password, totpCode: TotpCode });
/** Shown once: the center keeps only their hashes. */
export const RecoveryCodes = z.object({ recoveryCodes: z.array(z.string()).length(10) });
export const ChangePasswordRequest = z.object({ currentPassword: z.string().min(1).max(256), newPassword: Password });

// --- staff accounts and API tokens
export const StaffSummary = z.object({
  staffId: StaffId,
  loginId: z.string(),
  role: StaffRole,
  municipalityCode: MunicipalityCode.nullable(),
  status: z.enum(['enrolling', 'active', 'disabled']),
  createdAt: Instant,
  lastSignInAt: Instant.nullable(),
});
export const StaffList = z.object({ staff: z.array(StaffSummary) });
export const CreateStaffRequest = z.object({ loginId: LoginId, role: StaffRole });
export const CreateStaffResponse = z.object({
  staff: StaffSummary,
  /** One-time enrolment link (path under /console), valid 72 h. */
  enrolmentPath: z.string(),
  expiresAt: Instant,
});
export const ChangeRoleRequest = z.object({ role: StaffRole });
export const ApiTokenParams = z.object({ municipalityCode: MunicipalityCode, tokenId: z.string().regex(/^tok_[A-Za-z0-9_-]{8,40}$/) });
export const ApiTokenSummary = z.object({
  tokenId: z.string(),
  label: z.string(),
  scope: z.literal('import'),
  municipalityCode: MunicipalityCode,
  createdBy: StaffId,
  createdAt: Instant,
  lastUsedAt: Instant.nullable(),
  revokedAt: Instant.nullable(),
});
export const ApiTokenList = z.object({ tokens: z.array(ApiTokenSummary) });
export const CreateApiTokenRequest = z.object({ label: Text(80) });
/** The token itself appears in this answer only; the center keeps its SHA-256. */
export const CreateApiTokenResponse = z.object({ token: z.string(), summary: ApiTokenSummary });

// --- municipalities
export const MunicipalitySummary = z.object({ code: MunicipalityCode, prefecture: z.string(), name: z.string() });
export const MunicipalityList = z.object({ municipalities: z.array(MunicipalitySummary) });

export const FeeChange = z.object({ effectiveFrom: IsoDate, feeYen: z.number().int() });
export const OfferingSettings = z.object({
  certificateType: CertificateType,
  enabled: z.boolean(),
  allowMyNumber: z.boolean(),
  allowDomicile: z.boolean(),
  maxCopies: z.number().int().min(1).max(10),
  taxYears: z.array(z.number().int().min(1989).max(2200)).max(5),
});
export const OfferingView = OfferingSettings.extend({
  /** The fee charged today (Japan date), and the whole schedule with each entry's state. */
  feeTodayYen: z.number().int().nullable(),
  fees: z.array(FeeChange.extend({ state: z.enum(['past', 'inForce', 'scheduled']) })),
  hours: z.array(ServiceHours),
});
export const OutageView = z.object({
  outageId: z.string(),
  from: Instant,
  until: Instant,
  certificateTypes: z.array(CertificateType).nullable(),
  reason: z.string(),
  state: z.enum(['scheduled', 'inProgress', 'ended']),
});
export const MunicipalityOverview = z.object({
  municipality: MunicipalitySummary,
  head: z.object({ title: z.string(), name: z.string() }),
  sealNote: z.string(),
  sealSizeMm: z.number(),
  /** SHA-256 of the current seal image (the image itself: GET …/seal). */
  sealSha256: z.string(),
  today: IsoDate,
  offerings: z.array(OfferingView),
  domicileRegistrationHours: z.array(ServiceHours),
  outages: z.array(OutageView),
  pendingDomicileRegistrations: z.number().int(),
});
export type MunicipalityOverview = z.infer<typeof MunicipalityOverview>;

export const PutOfferingsRequest = z.object({ offerings: z.array(OfferingSettings).min(1).max(20) });
/**
 * A fee change takes effect at 00:00 Japan time on `effectiveFrom`, which must be after today:
 * the fee charged on a day never changes during that day. A scheduled change may be cancelled
 * until it takes effect.
 */
export const ScheduleFeeRequest = z.object({
  certificateType: CertificateType,
  effectiveFrom: IsoDate,
  feeYen: z
    .number({ error: '金額は数値で入力してください (a number of yen)' })
    .int('円単位の整数で入力してください (whole yen)')
    .min(0, '0円以上にしてください (not negative)')
    .max(MAX_FEE_YEN, `${MAX_FEE_YEN}円以下にしてください (at most ${MAX_FEE_YEN} yen)`),
});
export const CancelFeeRequest = z.object({ certificateType: CertificateType, effectiveFrom: IsoDate });
/** `target`: a certificate type, or the 本籍地利用登録申請 function. Hours may not overlap. */
export const PutHoursRequest = z.object({
  target: z.union([CertificateType, z.literal('domicileRegistration')]),
  hours: z.array(ServiceHours).max(14),
});
export const DeclareOutageRequest = z.object({
  from: Instant,
  until: Instant,
  /** null: every certificate type and function. */
  certificateTypes: z.array(CertificateType).min(1).nullable(),
  reason: Text(200),
});
export const OutageParams = z.object({ municipalityCode: MunicipalityCode, outageId: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/) });
export const PutHeadRequest = z.object({ title: Text(40), name: Text(60), sealNote: Text(80) });
/** A 公印 image: PNG as base64 (JPEG is refused: its lossy artefacts print as specks), and its printed width in millimetres. */
export const SealUpload = z.object({
  imageBase64: z.string().max(Math.ceil(MAX_SEAL_IMAGE_BYTES / 3) * 4 + 4, '画像は512KB以下にしてください (at most 512 KB)'),
  sizeMm: z
    .number()
    .min(MIN_SEAL_SIZE_MM)
    .max(MAX_SEAL_SIZE_MM, `印影は${MAX_SEAL_SIZE_MM}mm以下にしてください (at most ${MAX_SEAL_SIZE_MM} mm)`),
});
export const SealView = z.object({
  pngBase64: z.string(),
  sizeMm: z.number(),
  sha256: z.string(),
  widthPx: z.number(),
  heightPx: z.number(),
});
export const PreviewParams = z.object({ municipalityCode: MunicipalityCode, certificateType: CertificateType });
/** A sample certificate (marked 見本, no valid verification code), base64 PDF and its page count. */
export const PreviewResponse = z.object({ pdfBase64: z.string(), pageCount: z.number().int() });

// --- imports
export const ImportRequest = z.discriminatedUnion('format', [
  z.object({ format: z.literal('json'), dryRun: z.boolean(), batch: z.unknown() }),
  z.object({ format: z.literal('csv'), dryRun: z.boolean(), files: z.record(z.string().regex(/^[a-z_-]+\.csv$/), z.string()) }),
]);
export const ImportIssue = z.object({ path: z.string(), message: z.string() });
export const ImportResult = z.object({
  importId: z.string(),
  dryRun: z.boolean(),
  ok: z.boolean(),
  counts: z.record(z.string(), z.number().int()),
  total: z.number().int(),
  /** Row by row (CSV: file, row and column; JSON: the path), nothing applied when not empty. */
  issues: z.array(ImportIssue),
});
export const ImportHistoryEntry = z.object({
  importId: z.string(),
  at: Instant,
  staffId: StaffId.nullable(),
  /** An API token's id when the import came through the API; 'legacy' for the deprecated shared MADOGUCHI_ADMIN_TOKEN (no staff id). */
  tokenId: z.string().nullable(),
  format: z.enum(['json', 'csv']),
  dryRun: z.boolean(),
  ok: z.boolean(),
  total: z.number().int(),
  issueCount: z.number().int(),
});
export const ImportHistory = z.object({ imports: z.array(ImportHistoryEntry) });

// --- 本籍地 registrations
export const DomicileRegistrationParams = z.object({ municipalityCode: MunicipalityCode, registrationId: RecordId });
export const DomicileRegistrationView = z.object({
  registrationId: z.string(),
  status: z.enum(['pending', 'approved', 'rejected']),
  appliedAt: Instant,
  channel: z.string(),
  /** The applicant as the domicile municipality knows them: to decide, a clerk must see who it is. */
  applicant: z.object({ residentId: z.string(), name: z.string(), birthDate: IsoDate.nullable(), address: z.string().nullable() }),
  decidedAt: Instant.nullable(),
  decidedBy: z.string().nullable(),
  reason: z.string().nullable(),
});
export const DomicileRegistrationList = z.object({ registrations: z.array(DomicileRegistrationView) });
export const DomicileQuery = z.object({ status: z.enum(['pending', 'approved', 'rejected']).default('pending') });
export const RejectRequest = z.object({ reason: Text(200) });

// --- history (the hash-chained history, a municipality's rows)
export const HistoryQuery = z.object({
  /** Rows before this sequence number (keyset pagination), newest first. */
  before: z.coerce.number().int().positive().optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});
export const HistoryEntry = z.object({
  sequence: z.number().int(),
  at: Instant,
  event: z.string(),
  /** The staff member who made the change (an id, never a name), when staff made it. */
  staffId: StaffId.nullable(),
  issuanceId: z.string().nullable(),
  certificateType: z.string().nullable(),
  detail: z.record(z.string(), z.unknown()),
});
export const HistoryPage = z.object({ entries: z.array(HistoryEntry), nextBefore: z.number().int().nullable() });
