// Opened on demand: its code loads with the first opening, not with the page.
const ChatCreateProjectModal = defineAsyncComponent(() => import('~/components/chat/CreateProjectModal.vue'))

/**
 * Opens the new-project modal; a created project is selected and its first conversation opens.
 * From the project switcher and from the first-run screen of a member with no project.
 */
export function useCreateProject() {
  const overlay = useOverlay()
  const toast = useToast()
  const store = useConversationsStore()
  const modal = overlay.create(ChatCreateProjectModal)

  return async function createProject() {
    const project = await modal.open()
    if (!project) return
    const first = store.channels[0] ?? store.directMessages[0]
    await navigateTo(first ? `/c/${first.id}` : '/')
    toast.add({ title: `Project “${project.name}” created`, description: 'Add members from the project menu.', color: 'success' })
  }
}
