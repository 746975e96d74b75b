import type { RetentionPolicy, RetentionPreview } from '#admin-shared/retention-schemas'

const number = new Intl.NumberFormat('en-US')
const plural = (n: number, one: string, many: string) => `${number.format(n)} ${n === 1 ? one : many}`

/** "Would delete 1,204 messages and 37 files", or that nothing would go. */
export function describeRetentionPreview(preview: RetentionPreview): string {
  if (!preview.messages) return 'The next run would delete nothing.'
  return `Would delete ${plural(preview.messages, 'message', 'messages')} and ${plural(preview.files, 'file', 'files')}`
}

/** "Keep forever" or "Delete after 90 days · pinned kept". */
export function describeRetentionPolicy(policy: Pick<RetentionPolicy, 'days' | 'keepPinned'>): string {
  if (policy.days === null) return 'Keep forever'
  return `Delete after ${plural(policy.days, 'day', 'days')}${policy.keepPinned ? ' · pinned kept' : ''}`
}
