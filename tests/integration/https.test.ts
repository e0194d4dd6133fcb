import { execFileSync } from 'node:child_process'
import { readFileSync, writeFileSync } from 'node:fs'
import { get } from 'node:https'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { Hub } from '../../src/main/app/hub'
import { ConfigError } from '../../src/main/core/errors'
import { startTestHub, setupOwner, readyVideo, type TestHub } from '../helpers/hub'
import { clip } from '../helpers/corpus'
import { tempDir } from '../helpers/tmp'

const certs = tempDir()
function selfSigned(name: string, days = 30) {
  const cert = join(certs.path, `${name}.crt`)
  const key = join(certs.path, `${name}.key`)
  execFileSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:prime256v1',
      '-nodes',
      '-keyout',
      key,
      '-out',
      cert,
      '-days',
      String(days),
      '-subj',
      '/CN=tapdrop.test',
      '-addext',
      'subjectAltName=IP:127.0.0.1',
    ],
    { stdio: 'ignore' },
  )
  return { cert, key }
}
afterAll(() => certs.cleanup())

function httpsGet(url: string, ca: Buffer): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    get(url, { ca }, (res) => {
      let body = ''
      res.on('data', (d) => (body += d))
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }))
    }).on('error', reject)
  })
}

describe('HTTPS on the phone listener', () => {
  let t: TestHub | null = null
  afterAll(() => t?.stop())

  it(
    'serves tap pages over HTTPS with the store certificate, and tag URLs use https',
    { timeout: 120_000 },
    async () => {
      const { cert, key } = selfSigned('good')
      const dir = tempDir()
      writeFileSync(
        join(dir.path, 'config.json'),
        JSON.stringify({
          adminPort: 0,
          lanPort: 0,
          lanHost: '127.0.0.1',
          mdns: false,
          tapRateLimitPerMinute: 0,
          lanTlsCert: cert,
          lanTlsKey: key,
        }),
      )
      const src = clip('https-clip.mp4', 1)
      t = await startTestHub({ dataDir: dir.path })
      expect(t.started.lanUrl).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/)
      expect(t.started.publicUrl).toMatch(/^https:\/\//)
      const owner = await setupOwner(t)
      const v = await readyVideo(t, src, 'secure')
      const tag = await owner.invoke('tag-create', { videoIds: [v.id] })
      expect(tag.url.startsWith('https://127.0.0.1:')).toBe(true)
      const ca = readFileSync(cert)
      const page = await httpsGet(tag.url, ca)
      expect(page.status).toBe(200)
      expect(page.body).toContain('secure')
      const settings = await owner.invoke('settings-get', {})
      expect(settings.tls).toMatchObject({ subject: 'CN=tapdrop.test', hosts: ['127.0.0.1'] })
    },
  )

  it('refuses bad certificate files with the exact reason', () => {
    const good = selfSigned('a')
    const other = selfSigned('b')
    const garbage = join(certs.path, 'garbage.pem')
    writeFileSync(garbage, 'not a certificate')
    const attempt = (lanTlsCert: string, lanTlsKey: string | null) => {
      const d = tempDir()
      try {
        const hub = new Hub({
          dataDir: d.path,
          env: { TAPDROP_NFC: 'false' },
          flags: { adminPort: 0, lanPort: 0, lanHost: '127.0.0.1' },
        })
        hub.config.update({ lanTlsCert, lanTlsKey } as never)
        return hub.start().then(
          async () => {
            await hub.stop()
            return 'started'
          },
          (err: unknown) => (err instanceof ConfigError ? err.message : `other: ${String(err)}`),
        )
      } finally {
        setTimeout(() => d.cleanup(), 2000)
      }
    }
    return Promise.all([
      attempt(good.cert, other.key).then((m) =>
        expect(m).toContain(`lanTlsKey: ${other.key} does not belong to the certificate ${good.cert}`),
      ),
      attempt(garbage, good.key).then((m) =>
        expect(m).toContain(`lanTlsCert: ${garbage} is not a PEM certificate`),
      ),
      attempt(join(certs.path, 'missing.crt'), good.key).then((m) =>
        expect(m).toMatch(/lanTlsCert: cannot read .*missing\.crt \(ENOENT\)/),
      ),
      attempt(good.cert, null).then((m) => expect(m).toContain('lanTlsCert and lanTlsKey go together')),
    ])
  })
})
