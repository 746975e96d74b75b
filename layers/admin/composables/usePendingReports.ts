/** The number of reports waiting, shared by the nav badge and the queue (which refreshes it after acting). */
export function usePendingReports() {
  const pending = useState<number>('admin-pending-reports', () => 0)
  const api = useApi()

  async function refresh() {
    try {
      pending.value = (await api<{ pending: number }>('/api/admin/reports/pending-count')).pending
    } catch {
      // The badge is a hint; the queue itself shows errors.
    }
  }

  return { pending, refresh }
}
