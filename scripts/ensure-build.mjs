#!/usr/bin/env node
// Builds the production server into NUXT_OUTPUT_DIR (default .output) unless the build there is newer
// than every source: the test suites build it first, so CI's later steps reuse that one build.
import { ensureBuilt } from '../test/support/instance.mjs'

ensureBuilt({ log: message => console.log(message) })
