import { useState } from 'react'
import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query'
import { ApiError } from '../../../shared/api-client'
import type { BrandPatch, BrandView } from '../../../shared/contract/brand'
import type { Language } from '../../../shared/languages'
import { api } from './client'
import { queryKey, useApiMutation, useApiQuery } from './queries'
import { HubTextSchema } from '../../../shared/contract/texts'
import i18n, { languageOf } from '../i18n'
import { sayText } from '../i18n/contract-texts'

/** The brand in effect (public: the login page shows it too). */
export const useBrandView = (staleTime = 0) => useApiQuery('brand-get', {}, { staleTime })

export const useBrandList = () => useApiQuery('brand-list', {})

export const useUpdateBrand = () => useApiMutation('brand-update', { invalidates: ['brand-get'] })
export const useResetBrand = () => useApiMutation('brand-reset', { invalidates: ['brand-get'] })
export const useSelectBrand = () =>
  useApiMutation('brand-select', { invalidates: ['brand-list', 'brand-get'] })

/**
 * The phone page as the hub would render it with these unsaved edits (null: nothing to show yet). A refused edit
 * (an emptied text, say) gives an error and leaves the last good page in view.
 */
export function useBrandPreview(patch: BrandPatch | null, lang: Language): { html: string; error: unknown } {
  const q = useQuery({
    queryKey: queryKey('brand-preview', { patch: patch ?? {}, lang }),
    queryFn: () => api.invoke('brand-preview', { patch: patch ?? {}, lang }),
    enabled: patch !== null,
    placeholderData: keepPreviousData,
    retry: false,
  })
  // Remembered across keys: the page stays while the next one loads or is refused.
  const [shown, setShown] = useState('')
  if (q.data && q.data.html !== shown) setShown(q.data.html)
  return { html: q.data?.html ?? shown, error: q.isError ? q.error : null }
}

/** What the hub said about an imported archive: the profile, or each reason it was refused. */
export class BrandImportError extends Error {
  constructor(
    message: string,
    readonly reasons: string[],
  ) {
    super(message)
  }
}

/** A reseller's profile archive, sent as is; the hub checks every part of it and says what is wrong. */
export function useImportBrand() {
  const client = useQueryClient()
  return useMutation<BrandView, unknown, File>({
    mutationFn: async (file) => {
      let res: Response
      try {
        res = await fetch('/api/brand/import', {
          method: 'POST',
          body: file,
          headers: { 'Content-Type': 'application/zip' },
        })
      } catch (err) {
        throw new ApiError('unavailable', `cannot reach the hub (${(err as Error).message})`, 0)
      }
      const body = (await res.json()) as {
        result?: BrandView
        error?: { message: string; details?: { reasons?: string[]; texts?: unknown } }
      }
      if (body.result) return body.result
      // The reasons the hub words from its text table are said in the console's language; the others as they come.
      const texts = HubTextSchema.array().safeParse(body.error?.details?.texts)
      throw new BrandImportError(
        body.error?.message ?? res.statusText,
        texts.success
          ? texts.data.map((x) => sayText(x, languageOf(i18n.language)))
          : (body.error?.details?.reasons ?? []),
      )
    },
    onSuccess: () => client.invalidateQueries({ queryKey: ['brand-list'] }),
  })
}
