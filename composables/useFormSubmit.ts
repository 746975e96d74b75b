/**
 * A modal form's submit state: `saving` while the task runs, and the error it failed with as
 * `errorMessage` (worded by `describe`), cleared when the next attempt starts.
 */
export function useFormSubmit(describe: (error: unknown) => string = describeError) {
  const saving = ref(false)
  const errorMessage = ref('')

  async function run(task: () => Promise<void>) {
    saving.value = true
    errorMessage.value = ''
    try {
      await task()
    } catch (error) {
      errorMessage.value = describe(error)
    } finally {
      saving.value = false
    }
  }

  return { saving, errorMessage, run }
}
