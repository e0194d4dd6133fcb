import type { HandlerMap } from '../handlers'
import { requireRole } from '../auth/actor'
import type { BrandService } from './service'

export function brandHandlers(
  brand: BrandService,
  preview: (patch: Parameters<BrandService['draft']>[0], lang: 'zh-CN' | 'en') => string,
): HandlerMap<
  'brand-get' | 'brand-list' | 'brand-update' | 'brand-reset' | 'brand-select' | 'brand-preview'
> {
  return {
    'brand-get': () => brand.view(),
    'brand-list': (_a, ctx) => brand.list(ctx),
    'brand-update': (a, ctx) => brand.update(ctx, a),
    'brand-reset': (_a, ctx) => brand.reset(ctx),
    'brand-select': (a, ctx) => brand.select(ctx, a.id),
    'brand-preview': (a, ctx) => {
      requireRole(ctx, 'admin')
      return { html: preview(a.patch, a.lang) }
    },
  }
}
