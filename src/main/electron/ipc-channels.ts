/** The preload's named calls; the only IPC channels that exist. */
export const IPC = {
  setupToken: 'tapdrop:setup-token',
  notify: 'tapdrop:notify',
} as const
