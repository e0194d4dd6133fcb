import type { TransferRecord } from '../../src/main/db/repos/delivery'

/**
 * A new transfer as the tap path makes it (pending, nothing sent), for tests that drive the delivery records
 * directly: `over` names what the test is about.
 */
export function newTransfer(
  over: Partial<TransferRecord> & Pick<TransferRecord, 'id' | 'createdAt'>,
): TransferRecord {
  return {
    token: `tok${String(over.id).padStart(21, '0')}`,
    tapId: null,
    tagId: null,
    tagCode: 'AbCdEfGhIjKl',
    videoId: null,
    rendition: '720p',
    deviceId: 'device-1',
    tier: 'normal',
    ip: null,
    userAgent: null,
    captionId: null,
    variantId: null,
    seed: null,
    remixFallback: null,
    bytesTotal: 1000,
    bytesSent: 0,
    wireBytes: 0,
    requests: 0,
    coverage: [],
    status: 'pending',
    error: null,
    admittedAt: null,
    startedAt: null,
    finishedAt: null,
    updatedAt: over.createdAt,
    ...over,
  }
}
