import { queryKey, useApiMutation, useApiQuery } from './queries'

/** Captions of a video or of a tag (the tag's own, also those for one of its videos). */
export const useCaptions = (owner: { videoId?: number; tagId?: number }) => useApiQuery('caption-list', owner)

// A tag's list shows how many captions it has.
const CHANGED = ['caption-list', 'tag-list'] as const

export const useCreateCaption = () => useApiMutation('caption-create', { invalidates: [...CHANGED] })
export const useUpdateCaption = () => useApiMutation('caption-update', { invalidates: [...CHANGED] })
export const useDeleteCaption = () => useApiMutation('caption-delete', { invalidates: [...CHANGED] })

/** The store name and each platform's limits: the caption editor's preview, the Settings page's Publishing card. */
export const usePublishSettings = () => useApiQuery('publish-settings-get', {})

export const useUpdatePublishSettings = () =>
  useApiMutation('publish-settings-update', {
    update: (client, view) => client.setQueryData(queryKey('publish-settings-get', {}), view),
  })
