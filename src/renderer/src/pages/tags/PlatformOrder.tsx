import { useTranslation } from 'react-i18next'
import { PlatformSchema, type Platform } from '../../../../shared/contract/publish'
import { OrderedChoices } from './OrderedChoices'

/** The platforms a tag offers, in the order the phone page shows their buttons. A form control. */
export function PlatformOrder(props: { value?: Platform[]; onChange?: (next: Platform[]) => void }) {
  const { t } = useTranslation()
  return (
    <OrderedChoices
      {...props}
      options={PlatformSchema.options}
      label={(p) => t(`label.platform.${p}`)}
      testId="tag-platforms"
      prefix="platform"
      labelWidth={180}
    />
  )
}
