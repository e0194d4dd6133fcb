/** The TapDrop mark: a phone touching a tag, in the brand colour. */
export function BrandMark({ size = 28, color = '#1f6feb' }: { size?: number; color?: string }) {
  return (
    <svg width={size} height={size} viewBox="0 0 32 32" aria-hidden="true">
      <rect x="2" y="2" width="28" height="28" rx="8" fill={color} />
      <rect x="11" y="7" width="10" height="18" rx="2.5" fill="none" stroke="#fff" strokeWidth="2" />
      <path
        d="M23.5 12.5a5 5 0 0 1 0 7M26 10a8.5 8.5 0 0 1 0 12"
        fill="none"
        stroke="#fff"
        strokeWidth="1.8"
        strokeLinecap="round"
      />
      <circle cx="16" cy="21.5" r="1.2" fill="#fff" />
    </svg>
  )
}
