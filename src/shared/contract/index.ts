import type { z } from 'zod'
import { mergeSections, type MethodSpec } from './define'
import { authContract } from './auth'
import { usersContract } from './users'
import { auditContract } from './audit'
import { hubContract } from './hub'
import { videosContract } from './videos'
import { tagsContract } from './tags'
import { transfersContract } from './transfers'
import { nfcContract } from './nfc'
import { monitoringContract } from './monitoring'
import { brandContract } from './brand'
import { chainContract } from './chain'
import { captionsContract } from './captions'
import { funnelContract } from './funnel'
import { storeActionsContract } from './store-actions'
import { tagPreviewContract } from './tag-preview'
import { remixContract } from './remix'
import { douyinContract } from './douyin'

export const contract = mergeSections<Record<string, MethodSpec>>(
  authContract,
  usersContract,
  auditContract,
  hubContract,
  videosContract,
  tagsContract,
  transfersContract,
  nfcContract,
  monitoringContract,
  brandContract,
  chainContract,
  captionsContract,
  funnelContract,
  storeActionsContract,
  tagPreviewContract,
  remixContract,
  douyinContract,
) as typeof authContract &
  typeof usersContract &
  typeof auditContract &
  typeof hubContract &
  typeof videosContract &
  typeof tagsContract &
  typeof transfersContract &
  typeof nfcContract &
  typeof monitoringContract &
  typeof brandContract &
  typeof chainContract &
  typeof captionsContract &
  typeof funnelContract &
  typeof storeActionsContract &
  typeof tagPreviewContract &
  typeof remixContract &
  typeof douyinContract

export type Contract = typeof contract
export type MethodName = keyof Contract & string
/** What a caller passes (before defaults and transforms). */
export type MethodInput<M extends MethodName> = z.input<Contract[M]['input']>
/** What a handler receives (validated, defaults applied). */
export type MethodArgs<M extends MethodName> = z.output<Contract[M]['input']>
export type MethodResult<M extends MethodName> = z.output<Contract[M]['output']>

export function isMethodName(name: string): name is MethodName {
  return Object.prototype.hasOwnProperty.call(contract, name)
}

export * from './common'
export * from './auth'
export * from './users'
export * from './audit'
export * from './hub'
export * from './videos'
export * from './tags'
export * from './transfers'
export * from './nfc'
export * from './monitoring'
export * from './brand'
export * from './chain'
export * from './publish'
export * from './captions'
export * from './funnel'
export * from './store-actions'
export * from './tag-preview'
export * from './remix'
