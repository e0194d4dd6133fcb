import { ESLint } from 'eslint'
import { describe, expect, it } from 'vitest'
import { REPO } from '../helpers/paths'

// The layer rules in eslint.config.mjs (drawn in docs/architecture.md) fire on a planted import of each kind, and
// stay quiet on the imports each layer is meant to make. The planted files do not exist: ESLint lints the text as if
// it were at that path, with the repository's own configuration.

const eslint = new ESLint({ cwd: REPO })

async function problems(filePath: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(`${code}\nexport const planted = x\n`, { filePath })
  return result!.messages.map((m) => `${m.ruleId}: ${m.message}`)
}

const layer = (p: string[]) =>
  p.filter((m) => m.startsWith('layers/imports') || m.startsWith('no-restricted-imports'))

describe('layer rules', () => {
  const violations: Array<[string, string, string]> = [
    [
      'src/main/core/videos/planted.ts',
      "import { x } from '../../admin/server'",
      'src/main/core may not import src/main/admin',
    ],
    [
      'src/main/core/planted.ts',
      "import { x } from '../lan/server'",
      'src/main/core may not import src/main/lan',
    ],
    [
      'src/main/core/tags/programming/planted.ts',
      "import { x } from '../../../nfc/service'",
      'src/main/core may not import src/main/nfc',
    ],
    [
      'src/main/core/planted.ts',
      "import { x } from '../cli/index'",
      'src/main/core may not import src/main/cli',
    ],
    [
      'src/main/core/brand/planted.ts',
      "import { x } from '../../http/headers'",
      'src/main/core may not import src/main/http',
    ],
    [
      'src/main/core/planted.ts',
      "import { x } from '../app/hub'",
      'src/main/core may not import src/main/app',
    ],
    [
      'src/main/core/planted.ts',
      "export { x } from '../electron/tray'",
      'src/main/core may not import src/main/electron',
    ],
    ['src/main/core/planted.ts', "import { x } from 'electron'", 'the hub core must not import electron'],
    [
      'src/main/core/chain/planted.ts',
      "import { x } from '../../chain/s3-store'",
      'src/main/core may not import src/main/chain',
    ],
    [
      'src/main/core/chain/planted.ts',
      "import { x } from '@aws-sdk/client-s3'",
      'the domain talks to the object store through core/chain/object-store.ts',
    ],
    [
      'src/main/core/chain/planted.ts',
      "import { x } from 'electron'",
      'the hub core must not import electron',
    ],
    [
      'src/main/core/planted.ts',
      "const { x } = require('../lan/server')",
      'src/main/core may not import src/main/lan',
    ],
    [
      'src/main/db/repos/planted.ts',
      "import type { x } from '../../core/errors'",
      'src/main/db may not import src/main/core',
    ],
    [
      'src/main/db/planted.ts',
      "import { x } from '../admin/server'",
      'src/main/db may not import src/main/admin',
    ],
    [
      'src/main/db/planted.ts',
      "import { x } from '../app/services'",
      'src/main/db may not import src/main/app',
    ],
    [
      'src/renderer/src/pages/planted.tsx',
      "import { x } from '../../../main/core/errors'",
      'src/renderer may not import src/main/core/errors',
    ],
    [
      'src/renderer/src/planted.ts',
      "import type { x } from '../../preload/index'",
      'src/renderer may not import src/preload/index',
    ],
    [
      'src/shared/planted.ts',
      "import { x } from '../main/core/errors'",
      'src/shared may not import src/main/core/errors',
    ],
  ]
  for (const [file, code, message] of violations)
    it(`refuses ${file}: ${code}`, async () => {
      const found = layer(await problems(file, code))
      expect(found).toHaveLength(1)
      expect(found[0]).toContain(message)
    })

  const allowed: Array<[string, string]> = [
    ['src/main/core/videos/planted.ts', "import { x } from '../../db/repos'"],
    ['src/main/core/planted.ts', "import { x } from '../../shared/contract'"],
    ['src/main/core/tags/programming/planted.ts', "import { x } from '../service'"],
    ['src/main/db/repos/planted.ts', "import { x } from '../../../shared/contract/tags'"],
    ['src/main/nfc/planted.ts', "import { x } from '../core/tags/programming/nfc-port'"],
    ['src/main/chain/planted.ts', "import { x } from '../core/chain/object-store'"],
    ['src/main/chain/planted.ts', "import { x } from '@aws-sdk/client-s3'"],
    ['src/main/app/planted.ts', "import { x } from '../admin/server'"],
    ['src/renderer/src/pages/planted.tsx', "import { x } from '../../../shared/contract'"],
    ['src/renderer/src/pages/planted.tsx', "import { x } from '../components/x'"],
    ['src/shared/planted.ts', "import { x } from '../../package.json'"],
  ]
  for (const [file, code] of allowed)
    it(`lets ${file}: ${code}`, async () => {
      expect(layer(await problems(file, code))).toEqual([])
    })
})
