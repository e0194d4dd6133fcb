import { createServer, type Server } from 'node:net'
import { DEFAULT_CONFIG } from '../../src/main/core/config/schema'

/**
 * Vitest's global set-up: holds the hub's default ports (127.0.0.1:7410, 0.0.0.0:8080) for the whole run. A test
 * that forgets to pass ports would start its hub on the defaults, and fail only on a PC where the hub of README
 * command 1 is running beside `npm test`; held here, it fails on every machine, every time, with "port 7410 … is
 * already in use". A port that is taken already (that hub, or another test run) is as good as held.
 */
export default async function holdDefaultPorts(): Promise<() => Promise<void>> {
  const held = await Promise.all([
    hold(DEFAULT_CONFIG.adminHost, DEFAULT_CONFIG.adminPort),
    hold(DEFAULT_CONFIG.lanHost, DEFAULT_CONFIG.lanPort),
  ])
  return async () => {
    await Promise.all(held.map((s) => s && new Promise((r) => s.close(r))))
  }
}

function hold(host: string, port: number): Promise<Server | null> {
  return new Promise((resolve, reject) => {
    const server = createServer((socket) => socket.destroy())
    server.once('error', (err: NodeJS.ErrnoException) =>
      err.code === 'EADDRINUSE' ? resolve(null) : reject(err),
    )
    server.listen({ host, port, exclusive: true }, () => resolve(server))
  })
}
