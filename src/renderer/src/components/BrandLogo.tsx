import { Flex, Typography } from 'antd'
import { useBrand } from '../brand/useBrand'
import { BrandMark } from './BrandMark'

/** The brand's logo and name (the built-in mark until the brand has loaded). */
export function BrandLogo({ size = 30, fontSize = 16 }: { size?: number; fontSize?: number }) {
  const { brand, name } = useBrand()
  return (
    <Flex align="center" gap={10} data-testid="brand-logo">
      {brand ? (
        <img src={brand.logoUrl} alt="" width={size} height={size} style={{ objectFit: 'contain' }} />
      ) : (
        <BrandMark size={size} />
      )}
      <Typography.Text strong style={{ fontSize }} ellipsis>
        {name}
      </Typography.Text>
    </Flex>
  )
}
