import { keepPreviousData, useQuery } from '@tanstack/react-query'
import type { MethodInput } from '../../../shared/contract'
import { api } from './client'
import { queryKey, useApiMutation, useApiQuery } from './queries'

export const useTags = () => useApiQuery('tag-list', {})

export const useCreateTag = () => useApiMutation('tag-create', { invalidates: ['tag-list'] })
export const useUpdateTag = () => useApiMutation('tag-update', { invalidates: ['tag-list'] })
export const useDeleteTag = () => useApiMutation('tag-delete', { invalidates: ['tag-list'] })

/**
 * The phone page a tap of a tag would give with the form's unsaved settings (null: nothing to show yet). A refused
 * input leaves the last good page in view with the error.
 */
export function useTagPagePreview(input: MethodInput<'tag-page-preview'> | null): {
  html: string
  captionId: number | null
  error: unknown
} {
  const args = input ?? { platforms: [], lang: 'zh-CN' as const }
  const q = useQuery({
    queryKey: queryKey('tag-page-preview', args),
    queryFn: () => api.invoke('tag-page-preview', args),
    enabled: input !== null,
    placeholderData: keepPreviousData,
    retry: false,
  })
  return { html: q.data?.html ?? '', captionId: q.data?.captionId ?? null, error: q.isError ? q.error : null }
}
