import { spawn } from 'node:child_process'
import { randomUUID } from 'node:crypto'
import {
  closeSync,
  existsSync,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs'
import { request } from 'node:http'
import { createServer } from 'node:net'
import { join, resolve } from 'node:path'

/**
 * A real single-node Ceph cluster with the RADOS Gateway (S3) for the chain's tests and benchmarks: one mon, one OSD
 * on memstore (data in RAM) and one radosgw, on 127.0.0.1 with ports picked free at start, everything (config, data,
 * logs, admin sockets, the PIDs) under one folder. Several clusters can run at once: each has its own fsid, config
 * file, folder and ports, and the OSD binds the first free ports of its range. Facts behind each setting:
 * README "The chain's test cluster" (and the team's shared docs/chain.md it comes from).
 *
 *   const cluster = await startCephCluster(dir)   // ~1–3 s
 *   … S3 at cluster.info.endpoint with cluster.info.accessKeyId / secretAccessKey …
 *   await cluster.stop()                          // radosgw, then the OSD, then the mon
 *
 * `npx tsx scripts/ceph-test-cluster.ts start|stop|status DIR` drives the same code from a shell.
 */

/** The S3 user every test cluster has (a test cluster on loopback only; never a real store's keys). */
export const TEST_ACCESS_KEY = 'TAPDROPTESTACCESSKEY'
export const TEST_SECRET_KEY = 'tapdrop-test-secret-key-not-for-real-use'
/** RGW signs with any region name for its default zonegroup; this is what the tests and README use. */
export const TEST_REGION = 'us-east-1'

const BIN = {
  mon: '/usr/bin/ceph-mon',
  osd: '/usr/bin/ceph-osd',
  rgw: '/usr/bin/radosgw',
  ceph: '/usr/bin/ceph',
  monmaptool: '/usr/bin/monmaptool',
  admin: '/usr/bin/radosgw-admin',
  setpriv: '/usr/bin/setpriv',
} as const

type Daemon = 'mon' | 'osd' | 'rgw'
/** What each daemon's /proc/PID/comm says (15 characters at most). */
const COMM: Record<Daemon, string> = { mon: 'ceph-mon', osd: 'ceph-osd', rgw: 'radosgw' }
/** Stopped in this order: clients of the OSD first, the mon last (chain.md: ~0.7 s in this order). */
const STOP_ORDER: Daemon[] = ['rgw', 'osd', 'mon']

// Created at start: RGW would create them on its first start and on the first CreateBucket, each a mon round trip
// that the first test would pay for.
const POOLS = [
  '.rgw.root',
  'default.rgw.control',
  'default.rgw.meta',
  'default.rgw.log',
  'default.rgw.buckets.index',
  'default.rgw.buckets.data',
  'default.rgw.buckets.non-ec',
]

export interface CephClusterInfo {
  dir: string
  fsid: string
  /** http://127.0.0.1:PORT, path-style (no rgw_dns_name). */
  endpoint: string
  region: string
  accessKeyId: string
  secretAccessKey: string
  monPort: number
  rgwPort: number
  /** Running daemons; a stopped one is absent. */
  pids: Partial<Record<Daemon, number>>
}

export interface StartOptions {
  /**
   * The daemons get SIGTERM when the process that started them ends (setpriv --pdeathsig), so a test worker that
   * dies leaves nothing running. The shell command turns it off: its daemons outlive it until `stop DIR`.
   */
  dieWithParent?: boolean
  /** What memstore reports as the OSD's size (the data lives in RAM as it is written). Default 1 GiB. */
  memstoreBytes?: number
  /** Longest wait for the whole start. Default 60 s. */
  timeoutMs?: number
}

export interface StopReport {
  /** Milliseconds each daemon took to go, in stop order. */
  took: Partial<Record<Daemon, number>>
  total: number
}

/** Why the cluster cannot run here, or null. */
export function cephUnavailable(): string | null {
  const missing = (['mon', 'osd', 'rgw', 'ceph', 'admin'] as const).filter((k) => !existsSync(BIN[k]))
  if (missing.length)
    return `Ceph is not installed (${missing.map((k) => BIN[k]).join(', ')} missing): bash scripts/setup.sh, or apt-get install --no-install-recommends ceph-mon ceph-osd radosgw`
  if (process.platform !== 'linux') return 'the Ceph test cluster runs on Linux only'
  return null
}

const stateFile = (dir: string) => join(dir, 'cluster.json')
const confFile = (dir: string) => join(dir, 'ceph.conf')

function readState(dir: string): CephClusterInfo | null {
  const file = stateFile(dir)
  if (!existsSync(file)) return null
  return JSON.parse(readFileSync(file, 'utf8')) as CephClusterInfo
}

function writeState(info: CephClusterInfo): void {
  writeFileSync(stateFile(info.dir), JSON.stringify(info, null, 2) + '\n')
}

/** Whether `port` can be bound on 127.0.0.1 right now. */
function portFree(port: number): Promise<boolean> {
  return new Promise((resolveFree) => {
    const server = createServer()
    server.once('error', () => resolveFree(false))
    server.listen(port, '127.0.0.1', () => server.close(() => resolveFree(true)))
  })
}

/** A port nothing listens on right now (the OS picks it); the daemon that gets it binds it moments later. */
function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer()
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const port = (server.address() as { port: number }).port
      server.close(() => resolvePort(port))
    })
  })
}

function config(dir: string, fsid: string, monPort: number, memstoreBytes: number): string {
  return `# A throw-away single-node test cluster (scripts/chain/ceph-cluster.ts); everything lives in this folder.
[global]
fsid = ${fsid}
mon host = [v2:127.0.0.1:${monPort}]
public addr = 127.0.0.1
# One address per daemon (msgr2 only): one port to pick for the mon.
ms bind msgr1 = false
# No cephx on a loopback test cluster; radosgw also needs the client side and the mon connection mode said.
auth cluster required = none
auth service required = none
auth client required = none
ms mon client mode = crc
keyring = ${dir}/keyring
run dir = ${dir}/run
log file = ${dir}/log/$name.log
mon cluster log file = ${dir}/log/cluster.log
crash dir = ${dir}/crash
# Clients (the ceph command, radosgw-admin) run several at once: no admin socket for them.
admin socket =
# Pools of one copy on one OSD.
osd pool default size = 1
osd pool default min size = 1
mon allow pool size one = true
mon warn on pool no redundancy = false
osd crush chooseleaf type = 0
osd pool default pg num = 8
osd pool default pgp num = 8
osd pool default pg autoscale mode = off
# The default (1 s) makes every mon command take a second: start-up took 26 s with it.
paxos propose interval = 0.05
# A test machine's disk may be fuller than a real mon would accept.
mon data avail crit = 0
mon data avail warn = 0
osd objectstore = memstore
memstore device bytes = ${memstoreBytes}

[mon.a]
mon data = ${dir}/mon
admin socket = ${dir}/run/$name.asok

[osd.0]
osd data = ${dir}/osd
admin socket = ${dir}/run/$name.asok
# Memstore saves to disk on a clean stop only with this (the OSD can be restarted with its data).
osd fast shutdown = false

[client.rgw]
rgw data = ${dir}/rgw
admin socket = ${dir}/run/$name.asok
rgw thread pool size = 64
`
}

/** Runs a ceph tool to the end; rejects with its output on failure or after timeoutMs. */
function tool(
  bin: string,
  args: string[],
  opts: { input?: string; timeoutMs?: number } = {},
): Promise<string> {
  return new Promise((resolveRun, reject) => {
    const child = spawn(bin, args, { stdio: ['pipe', 'pipe', 'pipe'] })
    let out = ''
    let err = ''
    child.stdout.on('data', (d: Buffer) => (out += d.toString()))
    child.stderr.on('data', (d: Buffer) => (err += d.toString()))
    const timer = setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs ?? 30_000)
    child.once('error', (e) => {
      clearTimeout(timer)
      reject(e)
    })
    child.once('close', (code, signal) => {
      clearTimeout(timer)
      if (code === 0) resolveRun(out)
      else
        reject(
          new Error(
            `${bin} ${args.join(' ')} ${signal ? `was killed (${signal}, timeout?)` : `exited ${code}`}: ${(err || out).trim().slice(-1500)}`,
          ),
        )
    })
    child.stdin.end(opts.input ?? '')
  })
}

/** The process's state letter from /proc/PID/stat ('Z' zombie), or null when there is no such process. */
function procState(pid: number): string | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
    // "PID (comm) S …": comm may hold spaces or parentheses, so read after the last ')'.
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3)
  } catch {
    return null
  }
}

/** Alive and not a zombie (a daemon started in the background is re-parented; kill -0 succeeds on a zombie). */
function running(pid: number): boolean {
  const s = procState(pid)
  return s !== null && s !== 'Z' && s !== 'X'
}

/**
 * Whether the PID is still this cluster's daemon: the right program, started with this folder's config file. A
 * recorded PID may have been reused by anything since; only ours is ever signalled.
 */
function isOurDaemon(pid: number, daemon: Daemon, dir: string): boolean {
  try {
    const comm = readFileSync(`/proc/${pid}/comm`, 'utf8').trim()
    const argv = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0')
    return comm === COMM[daemon] && argv.includes(confFile(dir))
  } catch {
    return false
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms))
}

/** The last lines of a daemon's own log, for an error message. */
function tail(dir: string, daemon: Daemon): string {
  const name = { mon: 'mon.a', osd: 'osd.0', rgw: 'client.rgw' }[daemon]
  const parts: string[] = []
  for (const file of [join(dir, 'log', `${daemon}.out`), join(dir, 'log', `${name}.log`)]) {
    if (existsSync(file)) parts.push(readFileSync(file, 'utf8').split('\n').slice(-15).join('\n'))
  }
  return parts.join('\n').trim()
}

function spawnDaemon(dir: string, daemon: Daemon, args: string[], dieWithParent: boolean): number {
  const bin = BIN[daemon]
  // -f: stay in the foreground (the PID we get is the daemon's own); output beside its log.
  const argv = ['-c', confFile(dir), ...args, '-f']
  const out = openSync(join(dir, 'log', `${daemon}.out`), 'a')
  try {
    const child = dieWithParent
      ? spawn(BIN.setpriv, ['--pdeathsig', 'SIGTERM', '--', bin, ...argv], {
          stdio: ['ignore', out, out],
          detached: true,
        })
      : spawn(bin, argv, { stdio: ['ignore', out, out], detached: true })
    child.unref()
    if (!child.pid) throw new Error(`${bin} could not be started`)
    return child.pid
  } finally {
    closeSync(out)
  }
}

/** Resolves when `ready()` says so; rejects when the daemon exits first or the deadline passes. */
async function waitFor(
  what: string,
  pid: number,
  dir: string,
  daemon: Daemon,
  deadline: number,
  ready: () => Promise<boolean>,
): Promise<void> {
  for (;;) {
    if (!running(pid)) throw new Error(`${what} exited at start:\n${tail(dir, daemon)}`)
    if (await ready()) return
    if (Date.now() > deadline) throw new Error(`${what} did not come up in time:\n${tail(dir, daemon)}`)
    await sleep(50)
  }
}

function httpUp(port: number): Promise<boolean> {
  return new Promise((resolveUp) => {
    const req = request({ host: '127.0.0.1', port, path: '/', method: 'GET', timeout: 1000 }, (res) => {
      res.resume()
      resolveUp(res.statusCode === 200)
    })
    req.once('error', () => resolveUp(false))
    req.once('timeout', () => req.destroy())
    req.end()
  })
}

const ADDRESS_IN_USE = /Address already in use|EADDRINUSE|\(98\)/i

/** A running test cluster started by this process. */
export class CephCluster {
  private constructor(
    private state: CephClusterInfo,
    private readonly dieWithParent: boolean,
  ) {}

  get info(): Readonly<CephClusterInfo> {
    return this.state
  }

  /** The S3 client options every test uses. */
  get s3(): { endpoint: string; region: string; accessKeyId: string; secretAccessKey: string } {
    const { endpoint, region, accessKeyId, secretAccessKey } = this.state
    return { endpoint, region, accessKeyId, secretAccessKey }
  }

  static async start(dirIn: string, opts: StartOptions = {}): Promise<CephCluster> {
    const why = cephUnavailable()
    if (why) throw new Error(why)
    const dir = resolve(dirIn)
    const previous = readState(dir)
    if (previous && Object.keys(previous.pids).length)
      throw new Error(
        `a test cluster already runs in ${dir} (pids ${JSON.stringify(previous.pids)}); stop it first`,
      )
    const deadline = Date.now() + (opts.timeoutMs ?? 60_000)
    for (const sub of ['run', 'log', 'mon', 'osd', 'rgw', 'crash'])
      mkdirSync(join(dir, sub), { recursive: true })
    const cluster = new CephCluster(
      {
        dir,
        fsid: randomUUID(),
        endpoint: '',
        region: TEST_REGION,
        accessKeyId: TEST_ACCESS_KEY,
        secretAccessKey: TEST_SECRET_KEY,
        monPort: 0,
        rgwPort: 0,
        pids: {},
      },
      opts.dieWithParent ?? true,
    )
    try {
      await cluster.startMon(opts.memstoreBytes ?? 1 << 30, deadline)
      await cluster.startOsd(deadline)
      await cluster.createPoolsAndUser(deadline)
      await cluster.startGateway(deadline)
      return cluster
    } catch (err) {
      await cluster.stop().catch(() => {})
      throw err
    }
  }

  private ceph(args: string[], input?: string, timeoutMs = 30_000): Promise<string> {
    return tool(BIN.ceph, ['-c', confFile(this.state.dir), '--connect-timeout', '20', ...args], {
      input,
      timeoutMs,
    })
  }

  private record(daemon: Daemon, pid: number | undefined): void {
    if (pid === undefined) delete this.state.pids[daemon]
    else this.state.pids[daemon] = pid
    writeState(this.state)
  }

  private async startMon(memstoreBytes: number, deadline: number): Promise<void> {
    const { dir, fsid } = this.state
    for (let attempt = 1; ; attempt++) {
      const port = await freePort()
      rmSync(join(dir, 'mon'), { recursive: true, force: true })
      mkdirSync(join(dir, 'mon'))
      writeFileSync(confFile(dir), config(dir, fsid, port, memstoreBytes))
      this.state.monPort = port
      const monmap = join(dir, 'monmap')
      await tool(BIN.monmaptool, [
        '--create',
        '--clobber',
        '--fsid',
        fsid,
        '--addv',
        'a',
        `[v2:127.0.0.1:${port}]`,
        monmap,
      ])
      await tool(BIN.mon, ['-c', confFile(dir), '--mkfs', '-i', 'a', '--monmap', monmap])
      const pid = spawnDaemon(dir, 'mon', ['-i', 'a'], this.dieWithParent)
      this.record('mon', pid)
      try {
        await waitFor('ceph-mon', pid, dir, 'mon', deadline, async () => {
          try {
            await this.ceph(['mon', 'stat'], undefined, 5000)
            return true
          } catch {
            return false
          }
        })
        return
      } catch (err) {
        // Another program took the port between our check and the mon's bind: pick another one.
        if (attempt < 3 && ADDRESS_IN_USE.test(tail(dir, 'mon'))) {
          await this.stopDaemon('mon')
          continue
        }
        throw err
      }
    }
  }

  private async startOsd(deadline: number): Promise<void> {
    const { dir } = this.state
    const uuid = randomUUID()
    const id = (await this.ceph(['osd', 'new', uuid])).trim()
    if (id !== '0') throw new Error(`expected OSD id 0, the mon gave ${id}`)
    await tool(BIN.osd, ['-c', confFile(dir), '-i', '0', '--mkfs', '--osd-uuid', uuid])
    const pid = spawnDaemon(dir, 'osd', ['-i', '0'], this.dieWithParent)
    this.record('osd', pid)
    await waitFor('ceph-osd', pid, dir, 'osd', deadline, async () => {
      const dump = JSON.parse(await this.ceph(['osd', 'dump', '--format', 'json'])) as {
        osds: Array<{ osd: number; up: number }>
      }
      return dump.osds.some((o) => o.osd === 0 && o.up === 1)
    })
  }

  private async createPoolsAndUser(deadline: number): Promise<void> {
    // One ceph session for every pool: each separate `ceph` run is a Python start and a mon connection.
    const commands = POOLS.flatMap((p) => [`osd pool create ${p} 8`, `osd pool application enable ${p} rgw`])
    await this.ceph([], commands.join('\n') + '\n', Math.max(5000, deadline - Date.now()))
    await tool(
      BIN.admin,
      [
        '-c',
        confFile(this.state.dir),
        'user',
        'create',
        '--uid=tapdrop-test',
        '--display-name=TapDrop tests',
        `--access-key=${TEST_ACCESS_KEY}`,
        `--secret-key=${TEST_SECRET_KEY}`,
      ],
      { timeoutMs: Math.max(5000, deadline - Date.now()) },
    )
  }

  /**
   * Starts radosgw (again, after stopGateway: on the same port, so clients keep their endpoint). The mon and the OSD
   * keep the data meanwhile.
   */
  async startGateway(deadline = Date.now() + 30_000): Promise<void> {
    const { dir } = this.state
    if (this.state.pids.rgw !== undefined) throw new Error('radosgw already runs')
    const keepPort = this.state.rgwPort !== 0
    for (let attempt = 1; ; attempt++) {
      const port = keepPort ? this.state.rgwPort : await freePort()
      // A restart on the same port: the old gateway's socket may outlive it by a moment on a loaded machine.
      while (keepPort && !(await portFree(port)) && Date.now() < deadline) await sleep(100)
      const pid = spawnDaemon(
        dir,
        'rgw',
        ['-n', 'client.rgw', '--rgw-frontends', `beast endpoint=127.0.0.1:${port}`],
        this.dieWithParent,
      )
      this.state.rgwPort = port
      this.state.endpoint = `http://127.0.0.1:${port}`
      this.record('rgw', pid)
      try {
        await waitFor('radosgw', pid, dir, 'rgw', deadline, () => httpUp(port))
        return
      } catch (err) {
        // Never leave a dead gateway recorded: the next start would refuse ("already runs").
        await this.stopDaemon('rgw')
        const exited = /exited at start/.test(String(err))
        // Another program took a fresh port between our probe and radosgw's bind: another port. A gateway that
        // ended at start on its old port (seen once on a loaded CI machine): once more, after a pause.
        if (exited && attempt < 3 && Date.now() < deadline) {
          if (keepPort) await sleep(500 * attempt)
          else if (!ADDRESS_IN_USE.test(tail(dir, 'rgw'))) throw err
          continue
        }
        throw err
      }
    }
  }

  /** Stops radosgw only: the S3 endpoint goes away (connections refused) while the cluster keeps its data. */
  async stopGateway(): Promise<void> {
    await this.stopDaemon('rgw')
  }

  private async stopDaemon(daemon: Daemon): Promise<number> {
    const t0 = Date.now()
    await stopRecorded(this.state.dir, daemon, this.state.pids[daemon])
    this.record(daemon, undefined)
    return Date.now() - t0
  }

  /** Stops every daemon in order (radosgw, OSD, mon). The folder stays; the caller removes it. */
  async stop(): Promise<StopReport> {
    const t0 = Date.now()
    const took: StopReport['took'] = {}
    for (const d of STOP_ORDER) if (this.state.pids[d] !== undefined) took[d] = await this.stopDaemon(d)
    return { took, total: Date.now() - t0 }
  }
}

/** SIGTERM, then SIGKILL after `graceMs`; resolves once the process is gone (or a zombie). Never signals a stranger. */
async function stopRecorded(
  dir: string,
  daemon: Daemon,
  pid: number | undefined,
  graceMs = 10_000,
): Promise<void> {
  if (pid === undefined || !running(pid) || !isOurDaemon(pid, daemon, dir)) return
  process.kill(pid, 'SIGTERM')
  const until = Date.now() + graceMs
  while (running(pid)) {
    if (Date.now() > until) {
      if (isOurDaemon(pid, daemon, dir)) process.kill(pid, 'SIGKILL')
      break
    }
    await sleep(20)
  }
  for (let i = 0; i < 100 && running(pid); i++) await sleep(20)
  // A many-threaded daemon's main thread can be a zombie while its other threads still exit and hold its sockets
  // and files: wait for the last one (bounded).
  for (let i = 0; i < 250 && threads(pid) > 1; i++) await sleep(20)
}

/** How many threads the process still has (0 once it is gone). */
function threads(pid: number): number {
  try {
    return readdirSync(`/proc/${pid}/task`).length
  } catch {
    return 0
  }
}

export function startCephCluster(dir: string, opts?: StartOptions): Promise<CephCluster> {
  return CephCluster.start(dir, opts)
}

/** Stops the cluster recorded in DIR/cluster.json (from another process: the shell command's `stop`). */
export async function stopCephCluster(dir: string): Promise<StopReport> {
  const state = readState(resolve(dir))
  const t0 = Date.now()
  const took: StopReport['took'] = {}
  if (!state) return { took, total: 0 }
  for (const d of STOP_ORDER) {
    const pid = state.pids[d]
    if (pid === undefined) continue
    const t = Date.now()
    await stopRecorded(state.dir, d, pid)
    took[d] = Date.now() - t
    delete state.pids[d]
    writeState(state)
  }
  return { took, total: Date.now() - t0 }
}

/** The recorded cluster and which of its daemons still run. */
export function clusterStatus(
  dir: string,
): (CephClusterInfo & { alive: Partial<Record<Daemon, boolean>> }) | null {
  const state = readState(resolve(dir))
  if (!state) return null
  const alive: Partial<Record<Daemon, boolean>> = {}
  for (const [d, pid] of Object.entries(state.pids) as Array<[Daemon, number]>)
    alive[d] = running(pid) && isOurDaemon(pid, d, state.dir)
  return { ...state, alive }
}

/** Every live process on this machine started with the config file under `dir` (to check nothing is left). */
export function daemonsUnder(dir: string): number[] {
  const conf = confFile(resolve(dir))
  const pids: number[] = []
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue
    try {
      if (readFileSync(`/proc/${name}/cmdline`, 'utf8').split('\0').includes(conf) && running(Number(name)))
        pids.push(Number(name))
    } catch {
      // gone meanwhile
    }
  }
  return pids
}
