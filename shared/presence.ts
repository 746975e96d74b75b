import { CHOSEN_PRESENCE_STATUSES, type PresenceStatus } from './enums'

/** A status a member can choose; "offline" only ever follows from having no socket open. */
export type ChosenPresence = Exclude<PresenceStatus, 'offline'>

/** A stored or remembered status read back: anything unknown counts as "online". */
export function chosenPresence(value: unknown): ChosenPresence {
  return (CHOSEN_PRESENCE_STATUSES as readonly unknown[]).includes(value) ? value as ChosenPresence : 'online'
}
