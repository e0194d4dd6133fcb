import { useInfiniteQuery } from '@tanstack/react-query'
import type { MethodName } from '../../../shared/contract'
import { api } from './client'
import { useApiMutation, useApiQuery } from './queries'

export const useUsers = () => useApiQuery('user-list', {})

// Every change to an account is written to the audit log too.
const ACCOUNTS: MethodName[] = ['user-list', 'audit-list']
export const useCreateUser = () => useApiMutation('user-create', { invalidates: ACCOUNTS })
export const useSetUserRole = () => useApiMutation('user-set-role', { invalidates: ACCOUNTS })
export const useSetUserDisabled = () => useApiMutation('user-set-disabled', { invalidates: ACCOUNTS })
export const useResetUserPassword = () => useApiMutation('user-reset-password', { invalidates: ACCOUNTS })

/** The newest admin actions, `pageSize` at a time, older pages on demand. */
export function useAuditLog(pageSize: number) {
  return useInfiniteQuery({
    queryKey: ['audit-list', { limit: pageSize }],
    queryFn: ({ pageParam }) => api.invoke('audit-list', { limit: pageSize, beforeId: pageParam }),
    initialPageParam: undefined as number | undefined,
    getNextPageParam: (last) => last.nextBeforeId ?? undefined,
  })
}
