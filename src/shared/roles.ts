export const ROLES = ['admin', 'staff', 'viewer'] as const
export type Role = (typeof ROLES)[number]

const RANK: Record<Role, number> = { viewer: 1, staff: 2, admin: 3 }

/** True when `role` may do what `needed` may do (admin ⊃ staff ⊃ viewer). */
export function roleAtLeast(role: Role, needed: Role): boolean {
  return RANK[role] >= RANK[needed]
}
