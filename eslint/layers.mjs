// The import directions between TapDrop's layers (docs/architecture.md), as an ESLint rule. Each relative import is
// resolved to the file it names, so a folder is judged by where it is, not by how its name is spelled.
import { dirname, relative, resolve, sep } from 'node:path'
import { fileURLToPath } from 'node:url'

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..')

/** The repository-relative path with forward slashes ('src/main/core/hub.ts'). */
function repoPath(file) {
  return relative(ROOT, file).split(sep).join('/')
}

const within = (path, folder) => path === folder || path.startsWith(`${folder}/`)

/**
 * Options: a list of `{ from, forbid?, allowOnly?, why }`. A file under `from` may not import anything under a
 * `forbid` entry; with `allowOnly`, it may import (relatively) only what is under one of those entries.
 */
const rule = {
  meta: {
    type: 'problem',
    docs: { description: 'keeps imports flowing in the directions docs/architecture.md draws' },
    schema: [
      {
        type: 'array',
        items: {
          type: 'object',
          properties: {
            from: { type: 'string' },
            forbid: { type: 'array', items: { type: 'string' } },
            allowOnly: { type: 'array', items: { type: 'string' } },
            why: { type: 'string' },
          },
          required: ['from', 'why'],
          additionalProperties: false,
        },
      },
    ],
    messages: {
      forbidden: '{{from}} may not import {{target}}: {{why}}',
    },
  },
  create(context) {
    const file = repoPath(context.filename)
    const rules = (context.options[0] ?? []).filter((r) => within(file, r.from))
    if (rules.length === 0) return {}
    const check = (node, source) => {
      if (typeof source !== 'string' || !source.startsWith('.')) return
      const target = repoPath(resolve(dirname(context.filename), source))
      for (const r of rules) {
        const bad =
          (r.forbid ?? []).some((f) => within(target, f)) ||
          (r.allowOnly !== undefined && !r.allowOnly.some((a) => within(target, a)))
        if (bad) context.report({ node, messageId: 'forbidden', data: { from: r.from, target, why: r.why } })
      }
    }
    const literal = (node) => (node?.type === 'Literal' ? node.value : undefined)
    return {
      ImportDeclaration: (node) => check(node, node.source.value),
      ExportNamedDeclaration: (node) => node.source && check(node, node.source.value),
      ExportAllDeclaration: (node) => check(node, node.source.value),
      ImportExpression: (node) => check(node, literal(node.source)),
      TSImportType: (node) => check(node, literal(node.argument?.literal ?? node.argument)),
      CallExpression: (node) => {
        if (node.callee.type === 'Identifier' && node.callee.name === 'require')
          check(node, literal(node.arguments[0]))
      },
    }
  },
}

export default { rules: { imports: rule } }
