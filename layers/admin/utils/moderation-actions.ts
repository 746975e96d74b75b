import { z } from 'zod'
import { REPORT_ACTIONS, type ReportAction } from '#shared/enums'
import { reportActionSchema, type EscalationRule, type Sanction } from '#shared/moderation-schemas'

/** How long a mute, read-only or ban lasts: a preset, until lifted, or a custom end. */
export type DurationChoice = '60' | '1440' | '10080' | 'forever' | 'custom'

export const DURATION_PRESETS: { label: string, value: DurationChoice }[] = [
  { label: '1 h', value: '60' },
  { label: '24 h', value: '1440' },
  { label: '7 d', value: '10080' },
  { label: 'Until lifted', value: 'forever' },
  { label: 'Custom', value: 'custom' }
]

export const ACTION_OPTIONS: { label: string, value: ReportAction, icon: string, timed: boolean, needsReason: boolean, description: string }[] = [
  { label: 'Delete message', value: 'deleted', icon: 'i-lucide-trash-2', timed: false, needsReason: false, description: 'Removed for everyone, live. It can be restored.' },
  { label: 'Warn', value: 'warned', icon: 'i-lucide-triangle-alert', timed: false, needsReason: true, description: 'The sender gets a notice with your reason.' },
  { label: 'Mute', value: 'muted', icon: 'i-lucide-mic-off', timed: true, needsReason: true, description: 'Cannot post anywhere until it ends.' },
  { label: 'Read-only here', value: 'readonly', icon: 'i-lucide-eye', timed: true, needsReason: true, description: 'Cannot post in this conversation.' },
  { label: 'Ban from project', value: 'banned', icon: 'i-lucide-ban', timed: true, needsReason: true, description: 'Loses the project\'s conversations at once.' },
  { label: 'Dismiss', value: 'dismissed', icon: 'i-lucide-check', timed: false, needsReason: false, description: 'Nothing wrong: close the report.' }
]

export interface ActionForm {
  action: ReportAction
  duration: DurationChoice
  /** `datetime-local` value, for a custom end. */
  customUntil: string
  reason: string
  resolution: string
  deleteMessage: boolean
}

export const emptyActionForm = (): ActionForm => ({ action: 'deleted', duration: '1440', customUntil: '', reason: '', resolution: '', deleteMessage: false })

/** The request body a filled-in form stands for (checked by {@link reportActionFormSchema} first). */
function bodyOf(form: ActionForm): Record<string, unknown> {
  const option = ACTION_OPTIONS.find(o => o.value === form.action)!
  const reason = form.reason.trim()
  const body: Record<string, unknown> = { action: form.action }
  // A reason typed for another action before switching (e.g. to dismiss) is not sent along.
  if (reason && option.needsReason) body.reason = reason
  if (form.resolution.trim()) body.resolution = form.resolution.trim()
  if (form.deleteMessage && form.action !== 'deleted' && form.action !== 'dismissed') body.deleteMessage = true
  if (option.timed && form.duration === 'custom') body.until = new Date(form.customUntil).toISOString()
  else if (option.timed && form.duration !== 'forever') body.durationMinutes = Number(form.duration)
  return body
}

/** Where a problem with a body field shows in the form. */
const FIELD_OF: Record<string, keyof ActionForm> = { until: 'customUntil', durationMinutes: 'customUntil', reason: 'reason', resolution: 'resolution' }

/**
 * The report action form's schema for `<UForm :schema>`: what only the form knows (sanctions say
 * why, a custom end lies ahead), then the body it builds checked by the server's own `reportActionSchema`.
 */
export const reportActionFormSchema = z.object({
  action: z.enum(REPORT_ACTIONS, { error: 'choose an action' }),
  duration: z.enum(['60', '1440', '10080', 'forever', 'custom']),
  customUntil: z.string(),
  reason: z.string(),
  resolution: z.string(),
  deleteMessage: z.boolean()
}).superRefine((form, ctx) => {
  const option = ACTION_OPTIONS.find(o => o.value === form.action)!
  const problem = (path: keyof ActionForm, message: string) => ctx.addIssue({ code: 'custom', path: [path], message })
  if (option.needsReason && !form.reason.trim()) return problem('reason', 'say why — the user sees this reason')
  if (option.timed && form.duration === 'custom') {
    const at = new Date(form.customUntil)
    if (!form.customUntil || Number.isNaN(at.getTime())) return problem('customUntil', 'pick when it ends')
    if (at.getTime() <= Date.now()) return problem('customUntil', 'the end must be in the future')
  }
  const checked = reportActionSchema.safeParse(bodyOf(form))
  for (const issue of checked.error?.issues ?? []) problem(FIELD_OF[String(issue.path[0])] ?? 'action', issue.message)
})

/** The body of POST /api/admin/reports/:id/actions for a filled-in form, or the problem with it. */
export function actionBody(form: ActionForm): { body: Record<string, unknown> } | { error: string } {
  const checked = reportActionFormSchema.safeParse(form)
  return checked.success ? { body: bodyOf(form) } : { error: checked.error.issues[0]!.message }
}

const when = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' })

/** "Muted until Dec 2, 1:04 PM — cool down" */
export function describeSanction(s: Pick<Sanction, 'kind' | 'until' | 'reason' | 'conversationId' | 'projectId'>): string {
  const what = s.kind === 'warn' ? 'Warned' : s.kind === 'ban' ? (s.projectId ? 'Banned from project' : 'Banned') : s.conversationId ? 'Read-only in a conversation' : 'Muted'
  const until = s.kind === 'warn' ? '' : s.until ? ` until ${when.format(new Date(s.until))}` : ' until lifted'
  return `${what}${until}${s.reason ? ` — ${s.reason}` : ''}`
}

/** "muted for 24 h", "banned from the project until lifted" */
export function describeRuleOutcome(rule: Pick<EscalationRule, 'action' | 'durationHours'>): string {
  const verb = rule.action === 'mute' ? 'muted' : rule.action === 'readonly' ? 'read-only in the conversation' : 'banned from the project'
  if (rule.durationHours === null) return `${verb} until lifted`
  return `${verb} for ${rule.durationHours % 24 === 0 && rule.durationHours >= 48 ? `${rule.durationHours / 24} d` : `${rule.durationHours} h`}`
}

export const ACTION_LABEL: Record<ReportAction, string> = {
  dismissed: 'Dismissed', deleted: 'Deleted', warned: 'Warned', muted: 'Muted', readonly: 'Read-only', banned: 'Banned'
}
