import js from '@eslint/js'
import tseslint from 'typescript-eslint'
import reactHooks from 'eslint-plugin-react-hooks'
import globals from 'globals'
import layers from './eslint/layers.mjs'

// What sits above the domain: the listeners, the NFC hardware, the chain's object store (S3), the CLI, the shell,
// label PDFs, packaging, and app/, the composition root that builds all of it. See docs/architecture.md.
const OUTER = [
  'src/main/app',
  'src/main/admin',
  'src/main/lan',
  'src/main/nfc',
  'src/main/chain',
  'src/main/cli',
  'src/main/http',
  'src/main/electron',
  'src/main/labels',
  'src/main/packaging',
  'src/main/index.ts',
]

export default tseslint.config(
  { ignores: ['out/**', 'dist/**', 'node_modules/**', 'test-results/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', destructuredArrayIgnorePattern: '^_' },
      ],
      'no-console': 'error',
    },
  },
  {
    // The hub core runs headless too: it must never pull in Electron (style.md §1).
    files: ['src/main/**/*.ts'],
    ignores: ['src/main/index.ts', 'src/main/electron/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [
            {
              name: 'electron',
              message: 'the hub core must not import electron; put shell code in src/main/electron',
            },
          ],
        },
      ],
    },
  },
  {
    // The domain reaches the object store through its port (core/chain/object-store.ts), never the S3 library.
    files: ['src/main/core/**/*.ts', 'src/main/db/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [
            {
              name: 'electron',
              message: 'the hub core must not import electron; put shell code in src/main/electron',
            },
          ],
          patterns: [
            {
              group: ['@aws-sdk/*', '@smithy/*'],
              message:
                'the domain talks to the object store through core/chain/object-store.ts; the S3 client lives in src/main/chain',
            },
          ],
        },
      ],
    },
  },
  {
    // The directions between layers (docs/architecture.md); tests/unit/layers.test.ts plants a violation of each.
    files: ['src/**/*.{ts,tsx}'],
    plugins: { layers },
    rules: {
      'layers/imports': [
        'error',
        [
          {
            from: 'src/main/core',
            forbid: OUTER,
            why: "the domain knows nothing of the listeners, the NFC hardware, the object store's S3 client, the CLI or the shell that use it; app/ wires them together (an interface declared in core, implemented outside, when the domain needs one of them)",
          },
          {
            from: 'src/main/db',
            forbid: ['src/main/core', ...OUTER],
            why: "the database layer sits below the domain: SQL, rows and their checks, with the contract's types",
          },
          {
            from: 'src/renderer',
            allowOnly: ['src/renderer', 'src/shared'],
            why: "the console runs in a browser and knows the hub only through src/shared (the contract, and the desktop bridge's type)",
          },
          {
            from: 'src/shared',
            allowOnly: ['src/shared', 'package.json'],
            why: 'the contract is shared by the hub, the console and the CLI, so it depends on none of them',
          },
        ],
      ],
    },
  },
  {
    files: ['src/renderer/**/*.{ts,tsx}'],
    languageOptions: { globals: { ...globals.browser } },
    plugins: { 'react-hooks': reactHooks },
    rules: { ...reactHooks.configs.recommended.rules },
  },
  {
    // Tests and scripts talk to the terminal on purpose.
    files: ['tests/**', 'scripts/**', 'bin/**'],
    rules: {
      'no-console': 'off',
      '@typescript-eslint/no-explicit-any': 'off',
      '@typescript-eslint/no-require-imports': 'off',
    },
  },
)
