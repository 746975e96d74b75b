/**
 * UTable offers no per-row attributes, so this stamps `data-testid` on each body row of the table
 * inside `container` whenever rows are rendered, letting tests select whole rows.
 */
export function useRowTestIds(container: Readonly<Ref<HTMLElement | null | undefined>>, testId: string) {
  const stamp = () => {
    container.value?.querySelectorAll<HTMLElement>('tbody > tr[data-slot="tr"]').forEach((row) => {
      if (row.dataset.testid !== testId) row.dataset.testid = testId
    })
  }
  useMutationObserver(container, stamp, { childList: true, subtree: true })
  onMounted(stamp)
}
