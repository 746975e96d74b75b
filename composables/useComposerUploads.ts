import type { Attachment } from '#shared/types'
import type { ErrorBody } from '#shared/errors'
import { UPLOAD_MIME_ALIASES, UPLOAD_TYPES, isUploadMimeType } from '#shared/upload-schemas'

export type UploadStatus = 'uploading' | 'ready' | 'error'

/** A file picked for the composer: uploading, uploaded (not yet sent) or refused. */
export interface ComposerUpload {
  key: string
  fileName: string
  sizeBytes: number
  mimeType: string
  /** 0..1 while uploading. */
  progress: number
  status: UploadStatus
  error?: string
  attachment?: Attachment
  /** An object URL for image previews in the chip. */
  previewUrl?: string
}

const ALLOWED_EXTENSIONS: ReadonlySet<string> = new Set<string>(Object.values(UPLOAD_TYPES).flatMap(t => t.extensions))

function isAllowed(file: File): boolean {
  const type = UPLOAD_MIME_ALIASES[file.type] ?? file.type
  if (type && isUploadMimeType(type)) return true
  const extension = file.name.split('.').pop()?.toLowerCase() ?? ''
  return ALLOWED_EXTENSIONS.has(extension)
}

function parseError(xhr: XMLHttpRequest, maxBytes: number): string {
  if (xhr.status === 413) return `Larger than the ${formatBytes(maxBytes)} limit`
  if (xhr.status === 0) return 'Network error'
  let body: unknown
  try {
    body = JSON.parse(xhr.responseText)
  } catch {
    body = null
  }
  const error = (body as { error?: ErrorBody } | null)?.error
  if (!error) return `Upload failed (${xhr.status})`
  const field = (error.details?.fields as { field: string, message: string }[] | undefined)?.find(f => f.field === 'file')
  const message = field?.message ?? error.message.replace(/^file:\s*/, '')
  return error.code === 'VALIDATION' ? message.charAt(0).toUpperCase() + message.slice(1) : describeError(error)
}

/** The composer's attachments for one conversation: upload at once, remove before sending, hand over on send. */
export function useComposerUploads(conversationId: MaybeRefOrGetter<string>) {
  const all = useState<Record<string, ComposerUpload[]>>('chat-uploads', () => ({}))
  const auth = useAuthStore()
  const api = useApi()
  const toastError = useErrorToast()
  const maxBytes = useClientConfig().uploadMaxBytes
  const requests = useNuxtApp().$uploadRequests

  const id = computed(() => toValue(conversationId))
  const items = computed<ComposerUpload[]>(() => all.value[id.value] ?? [])
  const uploading = computed(() => items.value.some(i => i.status === 'uploading'))
  const ready = computed(() => items.value.flatMap(i => i.status === 'ready' && i.attachment ? [i.attachment] : []))

  function list(): ComposerUpload[] {
    return (all.value[id.value] ??= [])
  }

  /** The reactive copy, so progress updates re-render. */
  function find(key: string, target: string) {
    return all.value[target]?.find(i => i.key === key)
  }

  function start(file: File, target: string, key: string) {
    const xhr = new XMLHttpRequest()
    requests.set(key, xhr)
    xhr.open('POST', `/api/conversations/${target}/uploads`)
    if (auth.token) xhr.setRequestHeader('Authorization', `Bearer ${auth.token}`)
    xhr.upload.onprogress = (event) => {
      const item = find(key, target)
      if (item && event.lengthComputable) item.progress = event.loaded / event.total
    }
    xhr.onload = () => {
      requests.delete(key)
      const item = find(key, target)
      if (!item) return
      if (xhr.status >= 200 && xhr.status < 300) {
        try {
          item.attachment = (JSON.parse(xhr.responseText) as { attachment: Attachment }).attachment
          item.status = 'ready'
          item.progress = 1
          return
        } catch {
          item.error = 'Unexpected answer from the server'
        }
      } else {
        item.error = parseError(xhr, maxBytes)
      }
      item.status = 'error'
    }
    xhr.onerror = () => {
      requests.delete(key)
      const item = find(key, target)
      if (item) Object.assign(item, { status: 'error', error: 'Network error' })
    }
    const form = new FormData()
    form.append('file', file, file.name)
    xhr.send(form)
  }

  /** Checks and starts uploading each file; refused ones show as error chips. */
  function add(files: Iterable<File>) {
    const target = id.value
    for (const file of files) {
      const key = crypto.randomUUID()
      const item: ComposerUpload = {
        key,
        fileName: file.name || 'pasted-image.png',
        sizeBytes: file.size,
        mimeType: file.type,
        progress: 0,
        status: 'uploading',
        previewUrl: file.type.startsWith('image/') ? URL.createObjectURL(file) : undefined
      }
      if (file.size > maxBytes) Object.assign(item, { status: 'error', error: `Larger than the ${formatBytes(maxBytes)} limit` })
      else if (file.size === 0) Object.assign(item, { status: 'error', error: 'The file is empty' })
      else if (!isAllowed(file)) Object.assign(item, { status: 'error', error: 'This file type is not allowed' })
      list().push(item)
      if (item.status === 'uploading') start(file.name ? file : new File([file], item.fileName, { type: file.type }), target, key)
    }
  }

  function drop(key: string) {
    const items = all.value[id.value]
    const index = items?.findIndex(i => i.key === key) ?? -1
    if (!items || index === -1) return null
    const [item] = items.splice(index, 1)
    if (item?.previewUrl) URL.revokeObjectURL(item.previewUrl)
    return item ?? null
  }

  /** Cancels an upload, or deletes an uploaded file that was not sent. */
  function remove(key: string) {
    requests.get(key)?.abort()
    requests.delete(key)
    const item = drop(key)
    if (item?.attachment) {
      api(`/api/attachments/${item.attachment.id}`, { method: 'DELETE' }).catch((error: unknown) => {
        if (error instanceof ApiError && error.code === 'CONFLICT') return
        toastError(`Could not remove ${item.fileName}`, error)
      })
    }
  }

  /** Takes the uploaded attachments for a send and clears the tray. */
  function take(): Attachment[] {
    const attachments = ready.value
    for (const item of [...items.value]) {
      if (item.status === 'uploading') continue
      drop(item.key)
    }
    return attachments
  }

  return { items, uploading, ready, maxBytes, add, remove, take }
}
