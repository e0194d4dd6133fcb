// pino-roll ships no types; this declares the part the logger uses.
declare module 'pino-roll' {
  import type SonicBoom from 'sonic-boom'
  interface PinoRollOptions {
    file: string | (() => string)
    size?: string | number
    frequency?: 'daily' | 'hourly' | number
    extension?: string
    mkdir?: boolean
    symlink?: boolean
    limit?: { count?: number; removeOtherLogFiles?: boolean }
    dateFormat?: string
    /** Passed on to sonic-boom: the most bytes it queues; beyond, lines are dropped. */
    maxLength?: number
  }
  export default function build(options: PinoRollOptions): Promise<SonicBoom>
}
