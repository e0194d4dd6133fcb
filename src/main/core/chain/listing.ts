import type { ObjectInfo, ObjectStore } from './object-store'

/** Every object under `prefix` (after `startAfter`), page by page (a page is one request), in key order. */
export async function* listAll(
  store: ObjectStore,
  prefix: string,
  options: { pageSize?: number; signal?: AbortSignal; startAfter?: string } = {},
): AsyncGenerator<ObjectInfo> {
  let continuation: string | undefined
  do {
    const page = await store.list(prefix, {
      pageSize: options.pageSize,
      continuation,
      startAfter: options.startAfter,
      signal: options.signal,
    })
    yield* page.objects
    continuation = page.next ?? undefined
  } while (continuation)
}
