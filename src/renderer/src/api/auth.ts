import { useApiMutation, useApiQuery } from './queries'

/** Who is logged in, whether the hub still needs its owner, and the hub's default language. */
export const useAuthStatus = () => useApiQuery('auth-status', {}, { staleTime: Infinity })

// Logging in or out changes whose data the cache may hold: AuthContext starts every read over after these.
export const useLogin = () => useApiMutation('auth-login')
export const useLogout = () => useApiMutation('auth-logout')
export const useSetup = () => useApiMutation('auth-setup')

export const useChangePassword = () => useApiMutation('auth-change-password')
