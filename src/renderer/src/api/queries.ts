import { useQuery, type UseQueryOptions } from '@tanstack/react-query'
import type { MethodInput, MethodName, MethodResult } from '../../../shared/contract'
import { api } from './client'

/** Reads from the admin API, cached and shared by method name and arguments; live events invalidate by name. */
export function useApiQuery<M extends MethodName>(
  name: M,
  args: MethodInput<M>,
  options: Omit<UseQueryOptions<MethodResult<M>>, 'queryKey' | 'queryFn'> = {},
) {
  return useQuery<MethodResult<M>>({
    queryKey: [name, args],
    queryFn: () => api.invoke(name, args),
    ...options,
  })
}
