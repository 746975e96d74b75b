/** The number of reports waiting, shared by the nav badge and the queue (which refreshes it after acting). */
export function usePendingReports() {
  const pending = useState<number>('admin-pending-reports', () => 0)
  const api = useApi()

  async function refresh() {
    // The badge is a hint: a failure is logged, and the queue itself shows errors.
    pending.value = (await api<{ pending: number }>('/api/admin/reports/pending-count').catch(logFailure('counting pending reports')))?.pending ?? pending.value
  }

  return { pending, refresh }
}
