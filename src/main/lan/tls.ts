import { readFileSync } from 'node:fs'
import { X509Certificate, createPrivateKey } from 'node:crypto'
import { ConfigError } from '../core/errors'

export interface TlsMaterial {
  cert: Buffer
  key: Buffer
  subject: string
  validTo: Date
  hosts: string[]
}

/**
 * The store's certificate and key for HTTPS on the phone listener. Checked at start: both readable PEM, the key
 * belongs to the certificate, the certificate is in its validity period. Each problem is named exactly.
 */
export function loadTls(certPath: string, keyPath: string, now = new Date()): TlsMaterial {
  const problems: string[] = []
  let cert: Buffer | null = null
  let key: Buffer | null = null
  try {
    cert = readFileSync(certPath)
  } catch (err) {
    problems.push(
      `lanTlsCert: cannot read ${certPath} (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`,
    )
  }
  try {
    key = readFileSync(keyPath)
  } catch (err) {
    problems.push(
      `lanTlsKey: cannot read ${keyPath} (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`,
    )
  }
  if (!cert || !key) throw new ConfigError(problems)
  let x509: X509Certificate
  try {
    x509 = new X509Certificate(cert)
  } catch {
    throw new ConfigError([`lanTlsCert: ${certPath} is not a PEM certificate`])
  }
  let privateKey
  try {
    privateKey = createPrivateKey(key)
  } catch {
    throw new ConfigError([`lanTlsKey: ${keyPath} is not a PEM private key (or it is encrypted)`])
  }
  if (!x509.checkPrivateKey(privateKey))
    problems.push(`lanTlsKey: ${keyPath} does not belong to the certificate ${certPath}`)
  const validTo = new Date(x509.validTo)
  if (validTo < now)
    problems.push(`lanTlsCert: the certificate expired on ${validTo.toISOString().slice(0, 10)}`)
  if (new Date(x509.validFrom) > now)
    problems.push(
      `lanTlsCert: the certificate is not valid before ${new Date(x509.validFrom).toISOString().slice(0, 10)}`,
    )
  if (problems.length) throw new ConfigError(problems)
  const hosts = (x509.subjectAltName ?? '')
    .split(',')
    .map((s) => s.trim().replace(/^(DNS|IP Address):/, ''))
    .filter(Boolean)
  return { cert, key, subject: x509.subject, validTo, hosts }
}
