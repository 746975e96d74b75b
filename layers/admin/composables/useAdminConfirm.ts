import { ConfirmModal } from '#components'

/** The app's one confirm step, opened with `.open({ title, description, confirmLabel })`; admin screens keep their buttons' testids. */
export function useAdminConfirm() {
  return useOverlay().create(ConfirmModal, { props: { title: '', testids: { confirm: 'admin-confirm', cancel: 'admin-confirm-cancel' } } })
}
