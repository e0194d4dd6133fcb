import { createContext, useContext, useEffect, useMemo, type ReactNode } from 'react'
import { useQueryClient } from '@tanstack/react-query'
import type { MethodResult } from '../../../shared/contract'
import type { SessionUser } from '../../../shared/contract/auth'
import { useAuthStatus, useLogin, useLogout, useSetup } from '../api/auth'
import { setLanguage, storedLanguage } from '../i18n'
import { loggingOutHere } from './session-ended'

type Status = MethodResult<'auth-status'>

interface AuthState {
  status: Status | null
  user: SessionUser | null
  error: unknown
  login(username: string, password: string): Promise<void>
  logout(): Promise<void>
  setup(input: { token: string; username: string; password: string; displayName?: string }): Promise<void>
}

const Ctx = createContext<AuthState | null>(null)

export function AuthProvider({ children }: { children: ReactNode }) {
  const client = useQueryClient()
  const status = useAuthStatus()
  const { mutateAsync: login } = useLogin()
  const { mutateAsync: logout } = useLogout()
  const { mutateAsync: setup } = useSetup()

  // Until the person picks a language, the console follows the hub's default (Settings).
  useEffect(() => {
    if (status.data && !storedLanguage()) setLanguage(status.data.language)
  }, [status.data])

  const value = useMemo<AuthState>(() => {
    // Whoever was logged in before, nothing of their cached data may show for the next person.
    const fresh = () => client.resetQueries()
    return {
      status: status.data ?? null,
      user: status.data?.user ?? null,
      error: status.error,
      async login(username, password) {
        await login({ username, password })
        await fresh()
      },
      async logout() {
        // Until the login page shows (it clears this), the socket's "session ended" is this logout's own.
        loggingOutHere(true)
        try {
          await logout({})
        } finally {
          await fresh()
        }
      },
      async setup(input) {
        await setup(input)
        await fresh()
      },
    }
  }, [status.data, status.error, client, login, logout, setup])
  return <Ctx.Provider value={value}>{children}</Ctx.Provider>
}

export function useAuth(): AuthState {
  const v = useContext(Ctx)
  if (!v) throw new Error('useAuth outside AuthProvider')
  return v
}
