// Shared by the JSON-line peers (node-peer.mjs, kad-peer.mjs, relay-server.mjs): output and logging, command-line
// arguments, timeouts, and the command loop. Each peer reads one JSON command per line on stdin
// ({"id":..,"cmd":..,...}), answers one JSON line on stdout ({"id":..,"ok":true,...} or {"id":..,"ok":false,"error":..}),
// and stops cleanly on SIGTERM, SIGINT or the end of stdin (printing {"event":"exit"}).

import { createInterface } from 'node:readline'

export function out (obj) {
  process.stdout.write(JSON.stringify(obj) + '\n')
}

/** A logger to stderr whose lines start with [name time]. */
export function logger (name) {
  return (...args) => process.stderr.write(`[${name} ${new Date().toISOString()}] ${args.join(' ')}\n`)
}

export function errorText (err) {
  if (err == null) return 'unknown error'
  const name = err.name != null && err.name !== 'Error' ? `${err.name}: ` : ''
  return name + (err.message ?? String(err))
}

/** The value after `name` on the command line, or `fallback`. */
export function arg (name, fallback) {
  const i = process.argv.indexOf(name)
  return i >= 0 && i + 1 < process.argv.length ? process.argv[i + 1] : fallback
}

/** Throws unless `addr` (a multiaddr or its text) is on loopback: these peers never listen elsewhere. */
export function assertLoopback (addr, what = 'this peer talks to loopback only') {
  const text = addr.toString()
  if (!/^\/ip4\/127\.\d+\.\d+\.\d+\/|^\/ip6\/::1\//.test(text)) {
    throw new Error(`refusing non-loopback address ${text}: ${what}`)
  }
}

export function withTimeout (promise, ms, what) {
  let timer
  return Promise.race([
    promise,
    new Promise((resolve, reject) => {
      timer = setTimeout(() => reject(new Error(`${what}: timed out after ${ms} ms`)), ms)
    })
  ]).finally(() => clearTimeout(timer))
}

/**
 * Runs `commands` (name -> async function(cmd) returning the reply's fields) for the JSON lines on stdin, each
 * bounded by its `timeoutMs` (default 120 s), and stops `node` on SIGTERM, SIGINT or the end of stdin. Returns the
 * shutdown function (for an `exit` command).
 */
export function serveCommands (node, commands, log) {
  let stopping = false

  async function shutdown (code) {
    if (stopping) return
    stopping = true
    try {
      await withTimeout(node.stop(), 3000, 'stopping libp2p')
    } catch (err) {
      log(`stop failed: ${errorText(err)}`)
    }
    out({ event: 'exit' })
    process.exit(code)
  }

  async function run (line) {
    let cmd
    try {
      cmd = JSON.parse(line)
    } catch (err) {
      out({ id: null, ok: false, error: `bad JSON command: ${errorText(err)}` })
      return
    }
    const id = cmd.id ?? null
    const fn = Object.hasOwn(commands, cmd.cmd) ? commands[cmd.cmd] : null
    if (fn == null) {
      out({ id, ok: false, error: `unknown command ${JSON.stringify(cmd.cmd)}; known: ${Object.keys(commands).join(', ')}` })
      return
    }
    try {
      const result = await withTimeout(fn(cmd), cmd.timeoutMs ?? 120_000, `command ${cmd.cmd}`)
      out({ id, ok: true, ...result })
    } catch (err) {
      log(`command ${cmd.cmd} failed: ${err?.stack ?? errorText(err)}`)
      out({ id, ok: false, error: errorText(err) })
    }
  }

  process.on('unhandledRejection', (err) => log(`unhandled rejection: ${err?.stack ?? errorText(err)}`))
  process.on('SIGTERM', () => { shutdown(0) })
  process.on('SIGINT', () => { shutdown(0) })

  const rl = createInterface({ input: process.stdin, crlfDelay: Infinity })
  rl.on('line', (line) => {
    if (line.trim() !== '') run(line)
  })
  rl.on('close', () => { shutdown(0) })
  return shutdown
}
