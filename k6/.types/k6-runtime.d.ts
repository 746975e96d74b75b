// Globals the k6 runtime provides that @types/k6 does not declare: the console and the Web Crypto
// `crypto` object (global since k6 v1). Only the members this suite uses.
declare global {
  const console: {
    log(...data: unknown[]): void
    info(...data: unknown[]): void
    warn(...data: unknown[]): void
    error(...data: unknown[]): void
    debug(...data: unknown[]): void
  }
  const crypto: {
    randomUUID(): string
  }
}
export {}
