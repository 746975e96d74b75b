import type { MultiWatchSources } from 'vue'

interface AdminDataOptions<T> {
  /** The toast title when loading fails, e.g. "Could not load reports". */
  failure: string
  /** What the screen shows until the first answer. */
  initial: () => T
  /** Reload when these change. */
  watch?: MultiWatchSources
  /** False to wait for the first explicit `refresh()`. */
  immediate?: boolean
}

/**
 * How an admin screen reads its data: `useLazyAsyncData` (status, refresh, reload on `watch`), in
 * the browser only (the admin area renders no server side), with a failure told once as a toast.
 */
export function useAdminData<T>(key: MaybeRefOrGetter<string>, load: () => Promise<T>, options: AdminDataOptions<T>) {
  const toastError = useErrorToast()
  const result = useLazyAsyncData<T, unknown, T, KeysOf<T>, T>(key, load, {
    server: false,
    default: options.initial,
    watch: options.watch,
    immediate: options.immediate
  })
  watch(result.error, (error) => {
    if (error) toastError(options.failure, error.cause ?? error)
  })
  return result
}

type KeysOf<T> = Array<T extends T ? keyof T extends string ? keyof T : never : never>
