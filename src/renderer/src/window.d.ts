import type { TapdropDesktopApi } from '../../shared/desktop-api'

declare global {
  interface Window {
    tapdrop?: TapdropDesktopApi
  }
}

export {}
