import type { CreateExportInput, ExportJob } from '#shared/export-schemas'

/** How often the list refreshes while an export is queued or running. */
const POLL_MS = 1000

/** The background exports list, refreshed every second while any of them is still working. */
export function useExportJobs() {
  const api = useApi()
  const jobs = ref<ExportJob[]>([])
  const loading = ref(false)
  const error = ref<string | null>(null)
  let timer: ReturnType<typeof setTimeout> | null = null
  let stopped = false

  const active = computed(() => jobs.value.some(j => j.status === 'queued' || j.status === 'running'))

  async function refresh() {
    loading.value = true
    try {
      jobs.value = (await api<{ exports: ExportJob[] }>('/api/admin/exports')).exports
      error.value = null
    } catch (e) {
      error.value = describeError(e)
    } finally {
      loading.value = false
    }
    schedule()
  }

  function schedule() {
    if (timer) clearTimeout(timer)
    timer = null
    if (!stopped && active.value) timer = setTimeout(() => void refresh(), POLL_MS)
  }

  async function start(input: Omit<CreateExportInput, 'includeDeleted' | 'includeAttachments' | 'csvRaw'> & { includeDeleted?: boolean, includeAttachments?: boolean, csvRaw?: boolean }): Promise<ExportJob> {
    const { export: job } = await api<{ export: ExportJob }>('/api/admin/exports', { method: 'POST', body: input as Record<string, unknown> })
    jobs.value = [job, ...jobs.value.filter(j => j.id !== job.id)]
    schedule()
    return job
  }

  onMounted(() => void refresh())
  onBeforeUnmount(() => {
    stopped = true
    if (timer) clearTimeout(timer)
  })

  return { jobs, loading, error, active, refresh, start }
}
