#!/usr/bin/env node
// Runs one script against a server using HubSpot's official Node client (@hubspot/api-client).
//
// stdin:  {"basePath": "http://127.0.0.1:8080", "accessToken": "...", "script": "<async function body>"}
// stdout: exactly one JSON line:
//   {"ok": true, "result": <value the script returned>}
//   {"ok": false, "error": {"name", "message", "code", "body", "headers"}}
// The script runs as the body of `async (client, hubspot) => { ... }`.
// Exit code is 0 whether the script succeeds or throws; non-zero only when the runner itself fails.
'use strict'

const hubspot = require('@hubspot/api-client')

// stdout carries exactly one JSON line; send the script's console output to stderr.
for (const m of ['log', 'info', 'debug']) console[m] = (...args) => console.error(...args)

const AsyncFunction = Object.getPrototypeOf(async function () {}).constructor

// Turn whatever the client returned into plain JSON-able data.
// * Date -> ISO string ("Invalid Date" if the client could not parse the server's value)
// * model class instances -> their own enumerable fields, i.e. the client's property names
//   (so `new` in an upsert result shows up as `_new`, exactly as a Node user sees it)
// * undefined fields are dropped, functions dropped, cycles replaced by "[Circular]"
function toPlain(value, seen = new Set()) {
  if (value === null || value === undefined) return value === null ? null : undefined
  if (value instanceof Date) {
    return Number.isNaN(value.getTime()) ? 'Invalid Date' : value.toISOString()
  }
  const t = typeof value
  if (t === 'string' || t === 'boolean') return value
  if (t === 'number') return Number.isFinite(value) ? value : String(value)
  if (t === 'bigint') return value.toString()
  if (t === 'function' || t === 'symbol') return undefined
  if (Buffer.isBuffer(value)) return value.toString('utf8')
  if (seen.has(value)) return '[Circular]'
  seen.add(value)
  try {
    if (Array.isArray(value)) {
      return value.map((v) => {
        const p = toPlain(v, seen)
        return p === undefined ? null : p
      })
    }
    if (value instanceof Map) {
      const out = {}
      for (const [k, v] of value) {
        const p = toPlain(v, seen)
        if (p !== undefined) out[String(k)] = p
      }
      return out
    }
    if (value instanceof Set) return toPlain([...value], seen)
    if (value instanceof Error) return errorToPlain(value, seen)
    const out = {}
    for (const k of Object.keys(value)) {
      const p = toPlain(value[k], seen)
      if (p !== undefined) out[k] = p
    }
    return out
  } finally {
    seen.delete(value)
  }
}

function errorToPlain(e, seen = new Set()) {
  if (e === null || typeof e !== 'object') {
    return { name: typeof e, message: String(e), code: null, body: null, headers: null }
  }
  let name = e.name || 'Error'
  // ApiException does not set .name, so it would read "Error"; use the class name instead.
  if (e.constructor && e.constructor.name && name === 'Error') name = e.constructor.name
  const pick = (k) => {
    const v = k in e ? toPlain(e[k], seen) : undefined
    return v === undefined ? null : v
  }
  return {
    name,
    message: e.message === undefined ? String(e) : String(e.message),
    code: pick('code'),
    body: pick('body'),
    headers: pick('headers'),
  }
}

function readStdin() {
  return new Promise((resolve, reject) => {
    const chunks = []
    process.stdin.on('data', (c) => chunks.push(c))
    process.stdin.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')))
    process.stdin.on('error', reject)
  })
}

function emit(obj) {
  const line = JSON.stringify(obj) + '\n'
  process.stdout.write(line, () => process.exit(0))
}

async function main() {
  const raw = await readStdin()
  const input = JSON.parse(raw)
  if (typeof input !== 'object' || input === null) throw new Error('stdin must be a JSON object')
  const { basePath, accessToken, script } = input
  if (typeof basePath !== 'string' || typeof script !== 'string') {
    throw new Error('stdin JSON needs string "basePath" and "script"')
  }

  let outcome
  try {
    const client = new hubspot.Client({ accessToken, basePath, numberOfApiCallRetries: 0 })
    const fn = new AsyncFunction('client', 'hubspot', script)
    const result = await fn(client, hubspot)
    const plain = toPlain(result)
    outcome = { ok: true, result: plain === undefined ? null : plain }
  } catch (e) {
    outcome = { ok: false, error: errorToPlain(e) }
  }
  emit(outcome)
}

main().catch((e) => {
  process.stderr.write(`run.js runner failure: ${e && e.stack ? e.stack : e}\n`)
  process.exit(2)
})
