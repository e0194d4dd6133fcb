import { useApiMutation, useApiQuery } from './queries'

/** Remix templates, the music library, and the pools (polled: rendering goes on in the background). */
export const useTemplates = () => useApiQuery('template-list', {})
export const useMusic = () => useApiQuery('music-list', {})
export const usePools = () => useApiQuery('pool-status', {}, { refetchInterval: 2000 })
export const useVariants = (tagId: number) => useApiQuery('variant-list', { tagId, limit: 50 })

export const useCreateTemplate = () => useApiMutation('template-create', { invalidates: ['template-list'] })
export const useDeleteTemplate = () => useApiMutation('template-delete', { invalidates: ['template-list'] })
export const usePreviewTemplate = () => useApiMutation('template-preview')

/** Where the console's player loads a preview the hub rendered (`path` as template-preview answers it). */
export function previewUrl(path: string): string {
  return `/media/remix/preview/${encodeURIComponent(path.split('/').pop() ?? '')}`
}
