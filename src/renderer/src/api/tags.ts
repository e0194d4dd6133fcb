import { useApiMutation, useApiQuery } from './queries'

export const useTags = () => useApiQuery('tag-list', {})

export const useCreateTag = () => useApiMutation('tag-create', { invalidates: ['tag-list'] })
export const useUpdateTag = () => useApiMutation('tag-update', { invalidates: ['tag-list'] })
export const useDeleteTag = () => useApiMutation('tag-delete', { invalidates: ['tag-list'] })
