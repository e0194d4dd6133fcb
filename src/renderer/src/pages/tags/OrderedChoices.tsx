import type { ReactNode } from 'react'
import { Button, Checkbox, Flex } from 'antd'
import { ArrowDownOutlined, ArrowUpOutlined } from '@ant-design/icons'
import { useTranslation } from 'react-i18next'

/**
 * Some of a fixed set of choices, in order: ticked ones first, in the order the phone page shows them, each movable
 * up and down; the rest below. A form control (value / onChange, as Form.Item hands them). Test ids are
 * `<prefix>-<choice>` (the box), `<prefix>-row-…`, `<prefix>-up-…`, `<prefix>-down-…`.
 */
export function OrderedChoices<T extends string>({
  value = [],
  onChange,
  options,
  label,
  note,
  testId,
  prefix,
  labelWidth = 140,
}: {
  value?: T[]
  onChange?: (next: T[]) => void
  options: readonly T[]
  label: (choice: T) => string
  /** Said after a ticked choice's buttons (e.g. what it still lacks). */
  note?: (choice: T) => ReactNode
  testId: string
  prefix: string
  /** Room for the longest label, so the arrows line up. */
  labelWidth?: number
}) {
  const { t } = useTranslation()
  const rest = options.filter((p) => !value.includes(p))
  const move = (i: number, by: -1 | 1) => {
    const next = value.slice()
    ;[next[i], next[i + by]] = [next[i + by]!, next[i]!]
    onChange?.(next)
  }
  return (
    <Flex vertical gap={4} data-testid={testId}>
      {[...value, ...rest].map((p, i) => {
        const on = i < value.length
        return (
          <Flex key={p} align="center" gap={8} data-testid={`${prefix}-row-${p}`}>
            <Checkbox
              checked={on}
              onChange={(e) => onChange?.(e.target.checked ? [...value, p] : value.filter((x) => x !== p))}
              data-testid={`${prefix}-${p}`}
              style={{ minWidth: labelWidth, whiteSpace: 'nowrap' }}
            >
              {on ? `${i + 1}. ` : ''}
              {label(p)}
            </Checkbox>
            {on && (
              <>
                <Button
                  size="small"
                  type="text"
                  icon={<ArrowUpOutlined />}
                  disabled={i === 0}
                  onClick={() => move(i, -1)}
                  aria-label={t('tags.moveUp')}
                  data-testid={`${prefix}-up-${p}`}
                />
                <Button
                  size="small"
                  type="text"
                  icon={<ArrowDownOutlined />}
                  disabled={i === value.length - 1}
                  onClick={() => move(i, 1)}
                  aria-label={t('tags.moveDown')}
                  data-testid={`${prefix}-down-${p}`}
                />
                {note?.(p)}
              </>
            )}
          </Flex>
        )
      })}
    </Flex>
  )
}
