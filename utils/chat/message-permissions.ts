import type { Conversation, Message, UserRole } from '#shared/types'

/** Who is looking at a message, as far as the actions on it are concerned. */
export interface ActionViewer {
  userId: string | undefined
  userRole: UserRole | undefined
  conversation: Pick<Conversation, 'myRole' | 'settings' | 'type'> | null
}

/** The actions one viewer may take on one message; the server checks every one of them again. */
export interface MessagePermissions {
  react: boolean
  thread: boolean
  quote: boolean
  copyLink: boolean
  pin: boolean
  edit: boolean
  delete: boolean
  report: boolean
  /** The edit history is shown to the author and to moderators. */
  history: boolean
}

const NONE: MessagePermissions = { react: false, thread: false, quote: false, copyLink: false, pin: false, edit: false, delete: false, report: false, history: false }

/** Conversation owners/admins and global admins moderate. */
export function isModerator(viewer: ActionViewer): boolean {
  return viewer.userRole === 'admin' || viewer.conversation?.myRole === 'owner' || viewer.conversation?.myRole === 'admin'
}

/** Owners and admins pin; members too where the conversation allows it (the server's rule in services/pins). */
export function canPin(viewer: ActionViewer): boolean {
  return isModerator(viewer) || !!viewer.conversation?.settings.membersCanPin
}

/** What the toolbar offers for a message: nothing on system lines, tombstones and unsent copies. */
export function messagePermissions(message: Pick<Message, 'type' | 'seq' | 'deletedAt' | 'senderId' | 'threadRootId'>, viewer: ActionViewer): MessagePermissions {
  if (message.type === 'system' || message.deletedAt || message.seq === 0 || !viewer.userId) return NONE
  const own = message.senderId === viewer.userId
  const moderator = isModerator(viewer)
  return {
    react: true,
    // Threads are one level deep: a reply cannot start its own.
    thread: !message.threadRootId,
    // A quote is a top-level message, which members cannot post in announcement conversations.
    quote: viewer.conversation?.type !== 'announcement' || moderator,
    copyLink: true,
    pin: canPin(viewer),
    edit: own && message.type === 'text',
    delete: own || moderator,
    report: !own,
    history: own || moderator
  }
}
