import { Typography } from 'antd'
import { useTranslation } from 'react-i18next'

export function CopyText({ text, testId, small }: { text: string; testId?: string; small?: boolean }) {
  const { t } = useTranslation()
  return (
    <Typography.Text
      copyable={{ text, tooltips: [t('common.copy'), t('common.copied')] }}
      data-testid={testId}
      style={{
        fontFamily: 'ui-monospace, SFMono-Regular, Menlo, monospace',
        ...(small ? { fontSize: 12 } : {}),
      }}
    >
      {text}
    </Typography.Text>
  )
}
