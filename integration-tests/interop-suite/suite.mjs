// The official libp2p interop suite (@libp2p/interop) with Meshwork in the "go" slot.
//
// type 'go' -> the Meshwork relay runtime jar in p2pd mode (a separate JVM, killed by PID in stop())
// type 'js' -> a js-libp2p node with @libp2p/daemon-server, in this process
//
// Environment: MESHWORK_JAR (required: the relay runtime jar), JAVA (default: java), MESHWORK_JAVA_OPTS (extra JVM
// options, space separated), MESHWORK_P2PD_LOG (a directory to keep each daemon's output in).
// Rows this node does not implement (webtransport, webrtc-direct, tls, plaintext, mplex, rsa, secp256k1) throw the
// suite's UnsupportedError; select the rows to run with mocha --grep (see OfficialInteropIT).
import { spawn } from 'node:child_process'
import fs from 'node:fs'
import net from 'node:net'
import os from 'node:os'
import path from 'node:path'
import { circuitRelayServer, circuitRelayTransport } from '@libp2p/circuit-relay-v2'
import { privateKeyFromProtobuf } from '@libp2p/crypto/keys'
import { createClient } from '@libp2p/daemon-client'
import { createServer } from '@libp2p/daemon-server'
import { floodsub } from '@libp2p/floodsub'
import { identify } from '@libp2p/identify'
import {
  UnsupportedError, connectInteropTests, dhtInteropTests, pubsubInteropTests, relayInteropTests, streamInteropTests
} from '@libp2p/interop'
import { kadDHT, passthroughMapper } from '@libp2p/kad-dht'
import { noise } from '@libp2p/noise'
import { ping } from '@libp2p/ping'
import { tcp } from '@libp2p/tcp'
import { yamux } from '@libp2p/yamux'
import { multiaddr } from '@multiformats/multiaddr'
import { createLibp2p } from 'libp2p'
import Mocha from 'mocha'

const JAR = process.env.MESHWORK_JAR
const JAVA = process.env.JAVA ?? 'java'
const JAVA_OPTS = (process.env.MESHWORK_JAVA_OPTS ?? '').split(' ').filter(s => s !== '')
const LOG_DIR = process.env.MESHWORK_P2PD_LOG
const START_TIMEOUT_MS = 45_000
let spawned = 0

// The suite budgets 20 s for a hook that spawns two or three daemons and 10 s per test. A JVM daemon takes 1-3 s
// to reach "Control socket:" on an idle 2-core machine but up to ~14 s while parallel builds load it, so the
// timeouts the suite sets (this.timeout(...)) can be scaled: MESHWORK_SUITE_TIMEOUT_FACTOR=3 (OfficialInteropIT).
// Only time budgets change; every assertion stays as the suite wrote it.
const TIMEOUT_FACTOR = Number(process.env.MESHWORK_SUITE_TIMEOUT_FACTOR ?? '1')
if (TIMEOUT_FACTOR > 1) {
  const timeout = Mocha.Runnable.prototype.timeout
  Mocha.Runnable.prototype.timeout = function (ms) {
    if (arguments.length === 0) return timeout.call(this)
    return timeout.call(this, typeof ms === 'number' && ms > 0 ? ms * TIMEOUT_FACTOR : ms)
  }
}

function unsupported (options) {
  if (options.transport != null && options.transport !== 'tcp') return `transport ${options.transport}`
  if (options.encryption != null && options.encryption !== 'noise') return `encryption ${options.encryption}`
  if (options.muxer != null && options.muxer !== 'yamux') return `muxer ${options.muxer}`
  if (options.key != null && !path.basename(options.key).includes('ed25519')) return `key ${path.basename(options.key)}`
  return null
}

async function freePort () {
  return new Promise((resolve, reject) => {
    const server = net.createServer()
    server.on('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address()
      server.close(() => resolve(port))
    })
  })
}

async function createGoPeer (options) {
  if (JAR == null || JAR === '') throw new Error('MESHWORK_JAR is not set')
  const port = await freePort()
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'meshwork-p2pd-'))
  const args = [...JAVA_OPTS, '-jar', JAR, '--data', dataDir, '--p2pd', `-listen=/ip4/127.0.0.1/tcp/${port}`]
  args.push(options.noListen === true ? '-noListenAddrs' : '-hostAddrs=/ip4/127.0.0.1/tcp/0')
  if (options.key != null) args.push(`-id=${options.key}`)
  if (options.relay === true) args.push('-relay')
  if (options.pubsub === true) args.push('-pubsub', `-pubsubRouter=${options.pubsubRouter ?? 'gossipsub'}`)
  if (options.dht === true) args.push('-dhtServer')
  const n = ++spawned
  const proc = spawn(JAVA, args, { stdio: ['ignore', 'pipe', 'pipe'] })
  const log = LOG_DIR != null ? fs.createWriteStream(path.join(LOG_DIR, `p2pd-${n}.log`)) : null
  log?.write(`${JAVA} ${args.join(' ')}\n`)
  let output = ''
  const exited = new Promise(resolve => proc.once('exit', (code, signal) => resolve({ code, signal })))
  const ready = new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`p2pd #${n} not ready after ${START_TIMEOUT_MS} ms:\n${output}`)),
      START_TIMEOUT_MS)
    const onData = buf => {
      const text = buf.toString()
      output += text
      log?.write(text)
      const m = output.match(/Control socket: (\S+)/)
      if (m != null) {
        clearTimeout(timer)
        resolve(multiaddr(m[1]))
      }
    }
    proc.stdout.on('data', onData)
    proc.stderr.on('data', onData)
    exited.then(({ code, signal }) => {
      clearTimeout(timer)
      reject(new Error(`p2pd #${n} exited (${code ?? signal}) before it was ready:\n${output}`))
    })
  })
  let controlAddr
  try {
    controlAddr = await ready
  } catch (err) {
    proc.kill('SIGKILL')
    fs.rmSync(dataDir, { recursive: true, force: true })
    throw err
  }
  return {
    client: createClient(controlAddr),
    async stop () {
      if (proc.exitCode == null && proc.signalCode == null) {
        proc.kill('SIGTERM')
        const timer = setTimeout(() => proc.kill('SIGKILL'), 10_000)
        await exited
        clearTimeout(timer)
      }
      log?.end()
      fs.rmSync(dataDir, { recursive: true, force: true })
    }
  }
}

async function createJsPeer (options) {
  const listen = options.noListen === true ? [] : ['/ip4/127.0.0.1/tcp/0']
  const services = { identify: identify(), ping: ping() }
  if (options.pubsub === true) {
    if (options.pubsubRouter !== 'floodsub') throw new UnsupportedError('gossipsub js daemons are not set up here')
    services.pubsub = floodsub()
  }
  if (options.relay === true) services.relay = circuitRelayServer()
  // the standard DHT protocol (the Meshwork daemon speaks it in p2pd mode), answering requests (server mode), and
  // keeping loopback addresses (the default mapper drops private addresses, which is all this test network has)
  if (options.dht === true) {
    services.dht = kadDHT({ protocol: '/ipfs/kad/1.0.0', clientMode: false, peerInfoMapper: passthroughMapper })
  }
  const node = await createLibp2p({
    addresses: { listen },
    transports: [tcp(), circuitRelayTransport()],
    connectionEncrypters: [noise()],
    streamMuxers: [yamux()],
    privateKey: options.key != null ? privateKeyFromProtobuf(fs.readFileSync(options.key)) : undefined,
    connectionMonitor: { enabled: false },
    services
  })
  const server = createServer(multiaddr('/ip4/127.0.0.1/tcp/0'), node)
  await server.start()
  return {
    client: createClient(server.getMultiaddr()),
    async stop () {
      await server.stop()
      await node.stop()
    }
  }
}

const factory = {
  async spawn (options) {
    const why = unsupported(options)
    if (why != null) throw new UnsupportedError(`not implemented by this run: ${why}`)
    return options.type === 'go' ? createGoPeer(options) : createJsPeer(options)
  }
}

connectInteropTests(factory)
relayInteropTests(factory)
await dhtInteropTests(factory)
await pubsubInteropTests(factory)
await streamInteropTests(factory)
