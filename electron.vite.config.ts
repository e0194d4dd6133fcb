import { resolve } from 'node:path'
import { defineConfig } from 'electron-vite'
import type { Plugin } from 'vite'
import react from '@vitejs/plugin-react'

// One build for three targets. The main bundle's entries: `index` (the Electron shell), `cli` (the `tapdrop`
// command and the headless hub), `nfc-worker`, the database threads and the chain's hashing thread, so the hub core
// ships once and runs in both.
export default defineConfig({
  main: {
    build: {
      // Node 20 runs the CLI/headless hub; Electron 41's Node is newer, so node20 output suits both.
      target: 'node20',
      externalizeDeps: true,
      sourcemap: true,
      rollupOptions: {
        input: {
          index: resolve(__dirname, 'src/main/index.ts'),
          cli: resolve(__dirname, 'src/main/cli/index.ts'),
          // The NFC worker runs in its own process (see src/main/nfc/worker.ts).
          'nfc-worker': resolve(__dirname, 'src/main/nfc/worker.ts'),
          // Database threads (src/main/db/threads/spawn.ts finds them next to cli.js).
          'db-batch-writer': resolve(__dirname, 'src/main/db/threads/batch-writer.ts'),
          'db-readonly': resolve(__dirname, 'src/main/db/threads/readonly.ts'),
          // The chain downloads' checksum thread (src/main/core/chain/file-hasher.ts finds it the same way).
          'chain-file-hash': resolve(__dirname, 'src/main/core/chain/file-hash-thread.ts'),
        },
      },
    },
  },
  preload: {
    build: {
      // A sandboxed preload must be a single CommonJS file.
      rollupOptions: {
        input: { index: resolve(__dirname, 'src/preload/index.ts') },
        output: { format: 'cjs', entryFileNames: '[name].cjs' },
      },
    },
  },
  renderer: {
    root: resolve(__dirname, 'src/renderer'),
    plugins: [react(), assetsFromTheRoot()],
    build: {
      sourcemap: false,
      chunkSizeWarningLimit: 2500,
      rollupOptions: { input: resolve(__dirname, 'src/renderer/index.html') },
    },
  },
})

/**
 * The console is always served over HTTP by the hub (the desktop window loads the admin URL too), never from
 * file://, but electron-vite builds the renderer with relative asset paths: a link to /videos/3 then looked for its
 * scripts under /videos/assets/ and got index.html back (a blank page). The page's own references are made absolute;
 * the scripts import their chunks relative to themselves, which is right once they load from /assets/.
 */
function assetsFromTheRoot(): Plugin {
  return {
    name: 'tapdrop-assets-from-the-root',
    transformIndexHtml: {
      order: 'post',
      handler: (html) => html.replace(/(src|href)="\.\//g, '$1="/'),
    },
  }
}
