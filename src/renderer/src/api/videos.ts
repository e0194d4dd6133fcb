import { useQueryClient } from '@tanstack/react-query'
import type { MethodName } from '../../../shared/contract'
import type { ImportResult } from '../../../shared/contract/videos'
import { queryKey, useApiMutation, useApiQuery } from './queries'
import { uploadVideo } from './upload'

/** The library, kept current by the hub's `videos-changed` events (see live.tsx). */
export const useVideos = () => useApiQuery('video-list', {})

export const useVideo = (id: number) =>
  useApiQuery('video-get', { id }, { enabled: Number.isSafeInteger(id) && id > 0 })

export const useVideoLimits = () => useApiQuery('video-limits', {})

export const useUpdateVideo = () =>
  useApiMutation('video-update', {
    update: (client, video) => client.setQueryData(queryKey('video-get', { id: video.id }), video),
  })

const LIBRARY: MethodName[] = ['video-list', 'video-get']
export const useDeleteVideo = () => useApiMutation('video-delete', { invalidates: LIBRARY })
export const useRetryVideo = () => useApiMutation('video-retry', { invalidates: LIBRARY })
export const useRaiseVideo = () => useApiMutation('video-raise', { invalidates: LIBRARY })
export const useCancelVideo = () => useApiMutation('video-cancel', { invalidates: LIBRARY })

/** Uploads one file (see upload.ts); once stored, the library and today's upload count are read again. */
export function useUploadVideo() {
  const client = useQueryClient()
  return async (file: File, options: Parameters<typeof uploadVideo>[1]): Promise<ImportResult> => {
    const result = await uploadVideo(file, options)
    void client.invalidateQueries({ queryKey: ['video-list'] })
    void client.invalidateQueries({ queryKey: ['video-limits'] })
    return result
  }
}
