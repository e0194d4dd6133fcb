import { ApiError } from '../../../shared/api-client'
import type { ImportResult } from '../../../shared/contract/videos'
import { isErrorCode } from '../../../shared/errors'

/**
 * Sends one file as the raw request body (streamed by the browser from disk) and reports bytes sent. XHR rather
 * than fetch: only XHR reports upload progress.
 */
export function uploadVideo(
  file: File,
  options: { title?: string; onProgress?: (sent: number, total: number) => void; signal?: AbortSignal },
): Promise<ImportResult> {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest()
    xhr.open('POST', '/api/videos/upload')
    xhr.setRequestHeader('Content-Type', 'application/octet-stream')
    xhr.setRequestHeader('X-Tapdrop-Filename', encodeURIComponent(file.name))
    if (options.title) xhr.setRequestHeader('X-Tapdrop-Title', encodeURIComponent(options.title))
    xhr.upload.onprogress = (e) => options.onProgress?.(e.loaded, e.lengthComputable ? e.total : file.size)
    xhr.onload = () => {
      let body: {
        result?: ImportResult
        error?: { code?: unknown; message?: string; details?: Record<string, unknown> }
      } = {}
      try {
        body = JSON.parse(xhr.responseText) as typeof body
      } catch {
        /* handled below */
      }
      if (xhr.status < 300 && body.result) return resolve(body.result)
      const code = isErrorCode(body.error?.code) ? body.error.code : 'internal-error'
      reject(new ApiError(code, body.error?.message ?? `HTTP ${xhr.status}`, xhr.status, body.error?.details))
    }
    xhr.onerror = () => reject(new ApiError('unavailable', 'the upload was interrupted', 0))
    xhr.onabort = () => reject(new DOMException('cancelled', 'AbortError'))
    options.signal?.addEventListener('abort', () => xhr.abort(), { once: true })
    xhr.send(file)
  })
}
