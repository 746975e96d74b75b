/**
 * The client's one way to show a failure: an error toast titled by what failed, described by
 * `describeError`. Call it in setup and keep the function: `useToast()` injects, which only works there.
 */
export function useErrorToast() {
  const toast = useToast()
  return function toastError(title: string, error: unknown) {
    toast.add({ title, description: describeError(error), color: 'error' })
  }
}
