import { Button, Checkbox, Flex } from 'antd'
import { ArrowDownOutlined, ArrowUpOutlined } from '@ant-design/icons'
import { useTranslation } from 'react-i18next'
import { PlatformSchema, type Platform } from '../../../../shared/contract/publish'

/**
 * The platforms a tag offers, in order: ticked ones first, in the order the phone page shows them, each movable up
 * and down; the rest below. A form control (value / onChange, as Form.Item hands them).
 */
export function PlatformOrder({
  value = [],
  onChange,
}: {
  value?: Platform[]
  onChange?: (next: Platform[]) => void
}) {
  const { t } = useTranslation()
  const rest = PlatformSchema.options.filter((p) => !value.includes(p))
  const move = (i: number, by: -1 | 1) => {
    const next = value.slice()
    ;[next[i], next[i + by]] = [next[i + by]!, next[i]!]
    onChange?.(next)
  }
  return (
    <Flex vertical gap={4} data-testid="tag-platforms">
      {[...value, ...rest].map((p, i) => {
        const on = i < value.length
        return (
          <Flex key={p} align="center" gap={8} data-testid={`platform-row-${p}`}>
            <Checkbox
              checked={on}
              onChange={(e) => onChange?.(e.target.checked ? [...value, p] : value.filter((x) => x !== p))}
              data-testid={`platform-${p}`}
              style={{ minWidth: 140 }}
            >
              {on ? `${i + 1}. ` : ''}
              {t(`label.platform.${p}`)}
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
                  data-testid={`platform-up-${p}`}
                />
                <Button
                  size="small"
                  type="text"
                  icon={<ArrowDownOutlined />}
                  disabled={i === value.length - 1}
                  onClick={() => move(i, 1)}
                  aria-label={t('tags.moveDown')}
                  data-testid={`platform-down-${p}`}
                />
              </>
            )}
          </Flex>
        )
      })}
    </Flex>
  )
}
