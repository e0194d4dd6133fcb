import { useEffect, useState } from 'react'

/** The time now, ticking every `ms`: for "… ago" texts that must age while the page stays open. */
export function useNow(ms = 30_000): number {
  const [now, setNow] = useState(() => Date.now())
  useEffect(() => {
    const id = window.setInterval(() => setNow(Date.now()), ms)
    return () => window.clearInterval(id)
  }, [ms])
  return now
}
