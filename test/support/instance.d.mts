import type { ChildProcess } from 'node:child_process'

export declare const ROOT: string
/** The build output folder: NUXT_OUTPUT_DIR (relative to the repo) or `.output`. */
export declare function outputDir(dir?: string): string
/** The built server's entry inside an output folder. */
export declare function serverEntry(dir?: string): string
/** Builds the production server unless its entry is newer than every source file. */
export declare function ensureBuilt(options?: { dir?: string, log?: (message: string) => void, useExisting?: boolean }): void
/** Runs scripts/services-up.sh; returns its stderr (what it had to start), throws when it fails. */
export declare function servicesUp(): string
/** A free loopback port. */
export declare function freePort(): Promise<number>
/** Per-IP sign-in limits raised for suites that sign many users up from 127.0.0.1. */
export declare const SUITE_AUTH_LIMITS: Readonly<{ AUTH_SIGNUPS_PER_IP: string, AUTH_LOGIN_FAILS_PER_IP: string, INVITATIONS_PER_HOUR: string }>
/** SIGKILLs every instance this process started and removes their own data dirs. */
export declare function killAll(): void

export interface StartOptions {
  /** Names the instance in errors and in its data dir. */
  name?: string
  /** Added to (and overriding) process.env, NODE_ENV=production, HOST=127.0.0.1; PORT is always `port`. */
  env?: Record<string, string>
  /** A fixed port (a restart on the same address); a free one otherwise. */
  port?: number
  /** The output folder whose server/index.mjs runs (default: outputDir()). */
  outputDir?: string
  /** The address it listens on and is reached at (HOST; default 127.0.0.1). */
  host?: string
  /** A launcher the node process runs under, e.g. `['ip', 'netns', 'exec', 'ns']`: it must exec node in its own place, so the pid stays the server's. */
  command?: string[]
  /** Another script to run instead of the built server (the benchmark's bare Socket.IO server). */
  script?: string
  nodeArgs?: string[]
  cwd?: string
  /** Polled until it answers 2xx. */
  healthPath?: string
  timeoutMs?: number
  /** Keeps at most this many characters of output (the newest half once exceeded). */
  logLimit?: number
  /** false: no DATA_DIR of its own when env has none. */
  dataDir?: boolean
  /**
   * Start the embedded database (when its data dir has none yet) as a copy of one this build
   * already migrated and seeded, made once per build in the temp folder: skips initdb, the
   * migrations and the seed. For instances started for their settings, not to test a first start.
   */
  pgliteTemplate?: boolean
}

export interface Instance {
  name: string
  url: string
  port: number
  pid: number
  process: ChildProcess
  /** Everything it printed on stdout and stderr so far. */
  output: () => string
  alive: () => boolean
  /** SIGTERM, then SIGKILL after 5 s; resolves once it is gone. */
  stop: () => Promise<void>
  /** Sends `signal` (SIGKILL by default: a crash, for failover tests) and waits for the exit. */
  kill: (signal?: NodeJS.Signals) => Promise<void>
}

/** Starts a built instance and waits until it is healthy. */
export declare function startInstance(options?: StartOptions): Promise<Instance>
