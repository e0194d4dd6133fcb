import { App as AntApp, ConfigProvider, Result, Spin, Flex } from 'antd'
import zhCN from 'antd/locale/zh_CN'
import enUS from 'antd/locale/en_US'
import dayjs from 'dayjs'
import 'dayjs/locale/zh-cn'
import { BrowserRouter, Navigate, Route, Routes } from 'react-router-dom'
import { QueryClient, QueryClientProvider } from '@tanstack/react-query'
import { useTranslation } from 'react-i18next'
import { AuthProvider, useAuth } from './auth/AuthContext'
import { AppLayout } from './layout/AppLayout'
import { SetupPage } from './pages/SetupPage'
import { LoginPage } from './pages/LoginPage'
import { UsersPage } from './pages/UsersPage'
import { SettingsPage } from './pages/settings/SettingsPage'
import { AccountPage } from './pages/AccountPage'
import { VideosPage } from './pages/VideosPage'
import { VideoDetailPage } from './pages/VideoDetailPage'
import { TagsPage } from './pages/tags/TagsPage'
import { NfcPage } from './pages/nfc/NfcPage'
import { TransfersPage } from './pages/TransfersPage'
import { BrandPage } from './pages/brand/BrandPage'
import { RemixPage } from './pages/remix/RemixPage'
import { ChainPage } from './pages/chain/ChainPage'
import { useBrand } from './brand/useBrand'
import { lazy, Suspense, useEffect } from 'react'
import { ForbiddenPage } from './pages/Status'
import { errorMessage } from './api/client'
import { LiveUpdates } from './api/live'
import { ApiError } from '../../shared/api-client'
import type { Role } from '../../shared/roles'

// The dashboard carries the chart library: loaded after login, so the login page stays light.
const DashboardPage = lazy(() =>
  import('./pages/dashboard/DashboardPage').then((m) => ({ default: m.DashboardPage })),
)

function RequireRole({ role, children }: { role: Role; children: React.ReactNode }) {
  const { user } = useAuth()
  return user?.role === role ? <>{children}</> : <ForbiddenPage />
}

function Routed() {
  const { status, user, error } = useAuth()
  if (!status) {
    return (
      <Flex align="center" justify="center" style={{ minHeight: '100vh' }}>
        {error ? <Result status="error" title={errorMessage(error)} /> : <Spin size="large" />}
      </Flex>
    )
  }
  if (status.setupRequired) return <SetupPage />
  if (!user) return <LoginPage />
  return (
    <>
      <LiveUpdates />
      <Routes>
        <Route element={<AppLayout />}>
          <Route
            index
            element={
              <Suspense
                fallback={
                  <Flex justify="center" style={{ padding: 80 }}>
                    <Spin size="large" />
                  </Flex>
                }
              >
                <DashboardPage />
              </Suspense>
            }
          />
          <Route path="videos" element={<VideosPage />} />
          <Route path="videos/:id" element={<VideoDetailPage />} />
          <Route path="tags" element={<TagsPage />} />
          <Route path="remix" element={<RemixPage />} />
          <Route path="nfc" element={<NfcPage />} />
          <Route path="transfers" element={<TransfersPage />} />
          <Route path="chain" element={<ChainPage />} />
          <Route
            path="users"
            element={
              <RequireRole role="admin">
                <UsersPage />
              </RequireRole>
            }
          />
          <Route
            path="brand"
            element={
              <RequireRole role="admin">
                <BrandPage />
              </RequireRole>
            }
          />
          <Route
            path="settings"
            element={
              <RequireRole role="admin">
                <SettingsPage />
              </RequireRole>
            }
          />
          <Route path="account" element={<AccountPage />} />
          <Route path="*" element={<Navigate to="/" replace />} />
        </Route>
      </Routes>
    </>
  )
}

// Errors the hub explains (403, 409 …) are final; only a hub that is away is worth asking again.
const queryClient = new QueryClient({
  defaultOptions: {
    queries: {
      retry: (count, err) => count < 3 && err instanceof ApiError && err.code === 'unavailable',
      refetchOnWindowFocus: false,
    },
  },
})

/** The console in the brand's colours and name (the brand is public: the login page has it too). */
function Branded() {
  const { i18n } = useTranslation()
  const { brand, name } = useBrand()
  // Date pickers name months and weekdays through dayjs.
  dayjs.locale(i18n.language === 'en' ? 'en' : 'zh-cn')
  useEffect(() => {
    if (name) document.title = name
  }, [name])
  return (
    <ConfigProvider
      locale={i18n.language === 'en' ? enUS : zhCN}
      theme={{ token: { colorPrimary: brand?.colors.primary ?? '#1f6feb', borderRadius: 8 } }}
      // antd puts a space between the two characters of a Chinese button label (登 录, 下 架): they read as words.
      button={{ autoInsertSpace: false }}
    >
      <AntApp>
        <BrowserRouter>
          <AuthProvider>
            <Routed />
          </AuthProvider>
        </BrowserRouter>
      </AntApp>
    </ConfigProvider>
  )
}

export function App() {
  return (
    <QueryClientProvider client={queryClient}>
      <Branded />
    </QueryClientProvider>
  )
}
