/**
 * A system notification asked for by the console page (through the preload). The page is trusted only as far as
 * its origin is checked by the caller; the text is still bounded and stripped of control characters here.
 */
export function notificationPayload(input: unknown): { title: string; body: string } | null {
  if (typeof input !== 'object' || input === null) return null
  const { title, body } = input as Record<string, unknown>
  if (typeof title !== 'string' || typeof body !== 'string' || !title.trim()) return null
  // eslint-disable-next-line no-control-regex -- control characters are exactly what is removed
  const clean = (s: string, n: number) => s.replace(/[\u0000-\u001f\u007f]+/g, ' ').slice(0, n)
  return { title: clean(title, 120), body: clean(body, 400) }
}
