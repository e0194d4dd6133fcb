export const SCHEMA_BASE = 'snssdk1128://openplatform/share'

export interface ShareSchemaInput {
  clientKey: string
  nonceStr: string
  timestamp: string
  signature: string
  /** The share id: Douyin's, or the hub's own (docs/douyin.md §4). */
  state: string
  videoPath: string
  title?: string
  hashtags?: readonly string[]
}

/** Hashtags as the schema carries them: without a leading `#`, trimmed, empty ones dropped, each once. */
export function cleanHashtags(hashtags: readonly string[] = []): string[] {
  const out: string[] = []
  for (const raw of hashtags) {
    const tag = raw
      .trim()
      .replace(/^[#＃]+/, '')
      .trim()
    if (tag && !out.includes(tag)) out.push(tag)
  }
  return out
}

/**
 * The H5 share schema that opens Douyin's publish page with the video, title and hashtags (docs/douyin.md §6).
 * Keys sorted, each key and value encoded as `encodeURIComponent` does (a space is `%20`, never `+`), empty
 * optional values left out.
 */
export function buildShareSchema(input: ShareSchemaInput): string {
  const hashtags = cleanHashtags(input.hashtags)
  const title = input.title?.trim() ?? ''
  const params: Record<string, string> = {
    share_type: 'h5',
    client_key: input.clientKey,
    nonce_str: input.nonceStr,
    timestamp: input.timestamp,
    signature: input.signature,
    state: input.state,
    video_path: input.videoPath,
    // Straight to the publish page (single video only); the customer still presses 发布 there.
    share_to_publish: '1',
  }
  if (title) params.title = title
  if (hashtags.length) params.hashtag_list = JSON.stringify(hashtags)
  const query = Object.keys(params)
    .sort()
    .map((k) => `${encodeURIComponent(k)}=${encodeURIComponent(params[k]!)}`)
    .join('&')
  return `${SCHEMA_BASE}?${query}`
}
