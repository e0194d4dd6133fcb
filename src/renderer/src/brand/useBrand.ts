import { useTranslation } from 'react-i18next'
import type { BrandView } from '../../../shared/contract/brand'
import { useBrandView } from '../api/brand'
import { languageOf } from '../i18n'

/** The brand in effect (public: the login page shows it), with the name in the console's language. */
export function useBrand(): { brand: BrandView | null; name: string } {
  const { i18n } = useTranslation()
  const q = useBrandView(60_000)
  const brand = q.data ?? null
  const lang = languageOf(i18n.language)
  return { brand, name: brand?.productName[lang] ?? '' }
}
