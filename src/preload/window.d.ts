import type { TapdropDesktopApi } from './api'

declare global {
  interface Window {
    tapdrop?: TapdropDesktopApi
  }
}

export {}
