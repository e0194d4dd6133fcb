import { useTranslation } from 'react-i18next'
import type { BrandView } from '../../../shared/contract/brand'
import { useBrandView } from '../api/brand'

/** The brand in effect (public: the login page shows it), with the name in the console's language. */
export function useBrand(): { brand: BrandView | null; name: string } {
  const { i18n } = useTranslation()
  const q = useBrandView(60_000)
  const brand = q.data ?? null
  const lang = i18n.language === 'en' ? 'en' : 'zh-CN'
  return { brand, name: brand?.productName[lang] ?? '' }
}
