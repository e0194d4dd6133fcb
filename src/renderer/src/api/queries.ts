import {
  useMutation,
  useQuery,
  useQueryClient,
  type QueryClient,
  type UseQueryOptions,
} from '@tanstack/react-query'
import type { MethodInput, MethodName, MethodResult } from '../../../shared/contract'
import { api } from './client'

/**
 * The cache key of a read: its method name and arguments. Live events find reads by name alone (`[name]` matches
 * every argument), so the name comes first.
 */
export function queryKey<M extends MethodName>(name: M, args: MethodInput<M>): [M, MethodInput<M>] {
  return [name, args]
}

/** Reads from the admin API, cached and shared by method name and arguments; live events invalidate by name. */
export function useApiQuery<M extends MethodName>(
  name: M,
  args: MethodInput<M>,
  options: Omit<UseQueryOptions<MethodResult<M>>, 'queryKey' | 'queryFn'> = {},
) {
  return useQuery<MethodResult<M>>({
    queryKey: queryKey(name, args),
    queryFn: () => api.invoke(name, args),
    ...options,
  })
}

export interface ApiMutationOptions<M extends MethodName> {
  /** Reads this change makes stale: fetched again (the open ones awaited) before the mutation resolves. */
  invalidates?: MethodName[]
  /** Puts what the hub answered straight into the cache, before the reads above are fetched again. */
  update?: (client: QueryClient, result: MethodResult<M>, args: MethodInput<M>) => void
}

/**
 * A change through the admin API. Other consoles hear of it through the hub's events; this one refreshes what it
 * changed at once, so the page shows the result as soon as `mutateAsync` resolves.
 */
export function useApiMutation<M extends MethodName>(name: M, options: ApiMutationOptions<M> = {}) {
  const client = useQueryClient()
  const { invalidates = [], update } = options
  return useMutation<MethodResult<M>, unknown, MethodInput<M>>({
    mutationFn: (args) => api.invoke(name, args),
    onSuccess: async (result, args) => {
      update?.(client, result, args)
      await Promise.all(invalidates.map((n) => client.invalidateQueries({ queryKey: [n] })))
    },
  })
}
