import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { openDatabase, closeDatabase } from '../../../src/main/db/open'
import { createRepos, type Repos } from '../../../src/main/db/repos'
import { AuditService } from '../../../src/main/core/audit/service'
import { EventBus } from '../../../src/main/core/events/bus'
import { silentLogger } from '../../../src/main/core/logger'
import { TagsService } from '../../../src/main/core/tags/service'
import { TagProvisioner } from '../../../src/main/core/tags/programming/provisioner'
import { NfcError } from '../../../src/main/core/tags/programming/nfc-error'
import type { NfcPort, PlacedTag } from '../../../src/main/core/tags/programming/nfc-port'
import { systemContext } from '../../../src/main/core/auth/actor'
import { CountingTransport, type Transport } from '../../../src/main/nfc/apdu'
import { inspectChip, writeChip } from '../../../src/main/nfc/chip'
import { inspect, programTag } from '../../../src/main/nfc/programmer'
import { ndefTlv } from '../../../src/main/nfc/ndef'
import { VirtualNtag } from '../../nfc/virtual-ntag'
import { phoneReadsUrl } from '../../nfc/decode'
import { tempDir } from '../../helpers/tmp'

// Tag programming's rules (core/tags/programming) over the NFC side's chip code (nfc/chip.ts) through the port they
// share, with a virtual NTAG on the wire instead of pcscd: what the pcscd tests check end to end, minus the reader.

const BASE = 'http://192.168.1.20:8080'
const logger = silentLogger()
const local = systemContext

function wire(tag: VirtualNtag): Transport {
  return { transmit: async (apdu) => tag.handle(apdu) ?? Buffer.alloc(0) }
}

/** One reader with one tag lying on it. */
class OneReader implements NfcPort {
  readonly feedbacks: Array<'ok' | 'fail'> = []
  placed: PlacedTag
  constructor(public tag: VirtualNtag) {
    this.placed = { reader: 'test reader', uid: tag.uid.toString('hex'), seq: 1, since: 0 }
  }
  status() {
    return { service: 'ready' as const, detail: null, readers: [] }
  }
  readerNames() {
    return [this.placed.reader]
  }
  present() {
    return this.placed
  }
  onCard() {
    return () => {}
  }
  async waitForTag() {
    return this.placed
  }
  inspect() {
    return inspectChip(wire(this.tag))
  }
  write(_reader: string, inspected: Parameters<NfcPort['write']>[1], w: Parameters<NfcPort['write']>[2]) {
    return writeChip(wire(this.tag), inspected, w)
  }
  async feedback(_reader: string, outcome: 'ok' | 'fail') {
    this.feedbacks.push(outcome)
  }
}

let dir: ReturnType<typeof tempDir>
let repos: Repos
let tags: TagsService
let videoId: number

beforeEach(() => {
  dir = tempDir()
  repos = createRepos(
    openDatabase(join(dir.path, 'tapdrop.db'), { backupsDir: join(dir.path, 'b'), logger }).db,
  )
  tags = new TagsService({
    repos,
    audit: new AuditService(repos.audit),
    events: new EventBus(),
    logger,
    publicUrl: () => BASE,
    reachableOrigins: () => new Set([BASE]),
  })
  videoId = repos.videos.insert({
    title: 'spring',
    description: '',
    originalName: 'spring.mp4',
    sourcePath: 'sources/x.mp4',
    sizeBytes: 1,
    sha256: 'x',
    durationMs: 1000,
    width: 640,
    height: 360,
    rotation: 0,
    container: 'mp4',
    videoCodec: 'h264',
    audioCodec: null,
    pixFmt: null,
    frameRate: null,
    bitRate: null,
    uploadedBy: null,
    uploaderName: 'test',
    now: Date.now(),
  })
})
afterEach(() => {
  closeDatabase(repos.db)
  dir.cleanup()
})

const create = {
  create: { videoIds: [] as number[], tier: 'normal' as const, dailyCap: null, label: 'door' },
}
const write = (p: TagProvisioner, overwrite = false) =>
  p.write(local, {
    ...create,
    create: { ...create.create, videoIds: [videoId] },
    lock: false,
    timeoutSeconds: 1,
    overwrite,
  })

async function codeOf(p: Promise<unknown>): Promise<string> {
  try {
    await p
  } catch (err) {
    if (err instanceof NfcError) return err.code
    throw err
  }
  return 'no error'
}

describe('tag programming through the NFC port', () => {
  it('programs a blank tag, records it, and counts the same commands as reading and writing the chip directly', async () => {
    const reader = new OneReader(new VirtualNtag({ chip: 'NTAG213' }))
    const result = await write(new TagProvisioner({ nfc: reader, tags, logger }))
    expect(phoneReadsUrl(reader.tag.userMemory())).toBe(result.url)
    expect(result.url).toBe(`${BASE}/t/${result.tag.code}`)
    expect(result.tag).toMatchObject({ chip: 'NTAG213', uid: reader.placed.uid, label: 'door' })
    expect(reader.feedbacks).toEqual(['ok'])

    const twin = new CountingTransport(wire(new VirtualNtag({ chip: 'NTAG213' })))
    await programTag(twin, await inspect(twin), { url: result.url })
    expect(result.apdus).toBe(twin.count)
  })

  it('reads a tag it programmed as known, with the chip and its capacity', async () => {
    const reader = new OneReader(new VirtualNtag({ chip: 'NTAG215' }))
    const p = new TagProvisioner({ nfc: reader, tags, logger })
    const written = await write(p)
    const reading = await p.read(local, { timeoutSeconds: 1 })
    expect(reading).toMatchObject({
      kind: 'known',
      chip: 'NTAG215',
      url: written.url,
      capacityBytes: 504,
      readOnly: false,
      passwordProtected: false,
    })
    expect(reading.tag?.id).toBe(written.tag.id)
  })

  it('asks before overwriting someone else’s content or one of its own tags, and says what is on it', async () => {
    const tag = new VirtualNtag({ chip: 'NTAG213' })
    // A text record ("hi") as a store's old tag might carry.
    const text = ndefTlv(Buffer.from('d101055402656e6869', 'hex'))
    text.copy(tag.memory, 16)
    const reader = new OneReader(tag)
    const p = new TagProvisioner({ nfc: reader, tags, logger })
    expect(await codeOf(write(p))).toBe('foreign-content')
    expect((await p.read(local, { timeoutSeconds: 1 })).content).toBe('a text record')
    expect(reader.feedbacks).toEqual(['fail'])
    await write(p, true)
    expect(await codeOf(write(p))).toBe('known-tag')
    expect(repos.tags.list()).toHaveLength(1)
  })
})
