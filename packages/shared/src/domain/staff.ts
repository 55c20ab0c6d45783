/**
 * Staff of the issuance service and what each may do. Four roles (docs: issue 11):
 *
 *   role                        municipality   may
 *   operator                    none (all)     everything
 *   auditor                     none (all)     read everything, change nothing
 *   municipalityAdministrator   its own        read, configure, manage its users and API tokens, import
 *   municipalityClerk           its own        read, decide 本籍地 registrations
 *
 * A console route declares the one permission it needs (console-routes.ts); `mayDo` is the whole
 * rule, and the center applies it before any handler runs. Municipal staff are scoped to their own
 * municipality: every municipality route carries the code in its path, and a handler reads and
 * writes only rows of that code, so an id guessed from another municipality is simply not found.
 */
import { z } from 'zod';

export const StaffRole = z.enum(['operator', 'auditor', 'municipalityAdministrator', 'municipalityClerk']);
export type StaffRole = z.infer<typeof StaffRole>;
export const staffRoles = StaffRole.options;

/** Roles bound to one municipality (the others see every municipality). */
export const municipalRoles: readonly StaffRole[] = ['municipalityAdministrator', 'municipalityClerk'];
export const isMunicipalRole = (role: StaffRole) => municipalRoles.includes(role);

/**
 *   public     no session (sign-in, enrolment)
 *   self       any signed-in staff member, about their own account
 *   read       reading (scoped to the own municipality for municipal roles)
 *   configure  changing a municipality's offerings, fees, hours, outages, head and seal
 *   import     municipal-data imports
 *   users      staff accounts and API tokens of a municipality
 *   approve    deciding 本籍地 registrations
 *   operate    service-wide changes, operators only: staff, kiosks (enrol, revoke), incidents
 *              (acknowledge, resolve), billing (store chains, commission, participation charges, close)
 *   oversee    service-wide reading that is not one municipality's: the kiosk fleet, all incidents,
 *              the audit chain and its signed heads, store-chain settlements (operators and auditors)
 *   reveal     showing an issuance's personal data (name, address), with a reason that is itself
 *              history; auditors read ids and codes only, they never need a name
 *   dispose    recording the disposal (処分) of a wrongly printed document
 *
 * A service-wide `read` route (no `:municipalityCode` in its path, e.g. the issuance log or the
 * statistics) is reachable by municipal staff: its handler filters to the staff member's own
 * municipality, whatever the query asks for.
 */
export const Permission = z.enum([
  'public',
  'self',
  'read',
  'configure',
  'import',
  'users',
  'approve',
  'operate',
  'oversee',
  'reveal',
  'dispose',
]);
export type Permission = z.infer<typeof Permission>;

const grants: Record<StaffRole, readonly Permission[]> = {
  operator: ['self', 'read', 'configure', 'import', 'users', 'approve', 'operate', 'oversee', 'reveal', 'dispose'],
  auditor: ['self', 'read', 'oversee'],
  municipalityAdministrator: ['self', 'read', 'configure', 'import', 'users', 'reveal', 'dispose'],
  municipalityClerk: ['self', 'read', 'approve', 'reveal', 'dispose'],
};

export interface StaffScope {
  role: StaffRole;
  /** Set for municipal roles, null for operators and auditors. */
  municipalityCode: string | null;
}

/**
 * Whether `staff` may use a route needing `permission`, on `municipalityCode` when the route is a
 * municipality's (null for service-wide routes, which municipal staff may use only where the
 * handler filters to their own municipality, e.g. the municipality list).
 */
export function mayDo(staff: StaffScope, permission: Permission, municipalityCode: string | null): boolean {
  if (permission === 'public') return true;
  if (!grants[staff.role].includes(permission)) return false;
  if (isMunicipalRole(staff.role) && municipalityCode !== null) return staff.municipalityCode === municipalityCode;
  return true;
}

/** Which roles a staff member with `role` may give to accounts they create or change. */
export function assignableRoles(role: StaffRole): readonly StaffRole[] {
  if (role === 'operator') return staffRoles;
  if (role === 'municipalityAdministrator') return municipalRoles;
  return [];
}
