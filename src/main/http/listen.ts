import type { Server } from 'node:http'
import type { AddressInfo } from 'node:net'

export function listen(server: Server, host: string, port: number): Promise<AddressInfo> {
  return new Promise((resolve, reject) => {
    const onError = (err: NodeJS.ErrnoException) => {
      server.off('listening', onListening)
      reject(err)
    }
    const onListening = () => {
      server.off('error', onError)
      resolve(server.address() as AddressInfo)
    }
    server.once('error', onError)
    server.once('listening', onListening)
    server.listen(port, host)
  })
}

/**
 * Stops accepting, lets requests in flight finish (up to `graceMs`), then cuts what is left. Idle keep-alive
 * sockets are closed at once so a browser tab left open does not hold the hub up.
 */
export function closeGracefully(server: Server, graceMs = 5000): Promise<void> {
  if (!server.listening) return Promise.resolve()
  return new Promise((resolve) => {
    const timer = setTimeout(() => server.closeAllConnections(), graceMs)
    timer.unref()
    server.close(() => {
      clearTimeout(timer)
      resolve()
    })
    server.closeIdleConnections()
  })
}

export function describeListenError(
  err: NodeJS.ErrnoException,
  what: string,
  host: string,
  port: number,
): string {
  if (err.code === 'EADDRINUSE')
    return `${what}: port ${port} on ${host} is already in use by another program; choose another port`
  if (err.code === 'EACCES')
    return `${what}: not allowed to listen on port ${port} (ports below 1024 need administrator rights)`
  if (err.code === 'EADDRNOTAVAIL') return `${what}: ${host} is not an address of this computer`
  return `${what}: cannot listen on ${host}:${port} (${err.code ?? err.message})`
}
