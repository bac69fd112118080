// A js-libp2p peer driven by Meshwork's interop tests (io.meshwork.it.interop.JsInteropIT) and system benchmark
// (io.meshwork.benchmarks.system.SystemBench) through one JSON command per line on stdin, answers on stdout
// (see README.md for the protocol). Listens on loopback only. Besides identify, ping and the echo / sink / source
// test protocols it serves two light bulk protocols and commands that time from the js side, inside node, with
// process.hrtime.bigint().
//
//   node --import ./polyfill.mjs node-peer.mjs [--listen /ip4/127.0.0.1/tcp/0]
//
// Protocols served, besides node-peer.mjs's echo / sink / source test protocols:
//   /meshwork/bench/discard/1.0.0  reads until the remote half-closes, replies with the byte count (8 bytes BE),
//                                  half-closes (sink without hashing)
//   /meshwork/bench/blast/1.0.0    reads an 8-byte BE length N, sends N bytes (one fixed 64 KiB chunk over and over),
//                                  half-closes (source without generating)
// Extra commands (all times in ms, measured in node):
//   discard   {peer, bytes}                upload bytes to the remote's discard; checks the count; ms, mbps
//   blast     {peer, bytes}                download bytes from the remote's blast; checks the count; ms, mbps
//   firstDial {addr, count}                count times: a fresh libp2p node (no listener), dial addr, time until
//                                          node.dial resolves (secured + muxed), stop the node; ms[]
//   echoRtt   {peer, size, count, warmup}  one echo stream; size-byte messages, one at a time; rtts[] (after warmup)
//   pingNew   {peer, count, warmup}        per ping a new echo stream: open, send 32 bytes + half-close, read 32
//                                          bytes and the end; rtts[], totalMs (of the count timed pings)
// With --pubsub gossipsub|floodsub it also runs a pubsub service (see README.md, "PubSub"): commands subscribe,
// unsubscribe, publish, pubsubPeers, meshPeers, pubsubTopics, setValidator, clearValidator, and the benchmark commands
// psArm, psCollect, psLatency, psBurst; delivered messages are reported as {"event":"message",...} lines.
// With --relay-server it is also a Circuit Relay v2 hop server (@libp2p/circuit-relay-v2, reservation cap raised for
// tests; command reservations); with --relay-client it has the circuit relay transport, listens on /p2p-circuit, serves
// the test protocols (and ping) on limited (relayed) connections too and opens its streams with
// runOnLimitedConnection: commands reserve, dialCircuit (see README.md, "Circuit Relay v2"). With --identify-push it
// also handles identify push (peers telling it their new addresses or protocols).
// It refuses any non-loopback address.

import { createHash, randomBytes } from 'node:crypto'
import { createLibp2p } from 'libp2p'
import { tcp } from '@libp2p/tcp'
import { noise } from '@libp2p/noise'
import { yamux } from '@libp2p/yamux'
import { identify, identifyPush } from '@libp2p/identify'
import { ping } from '@libp2p/ping'
import { gossipsub } from '@libp2p/gossipsub'
import { floodsub } from '@libp2p/floodsub'
import { circuitRelayServer, circuitRelayTransport } from '@libp2p/circuit-relay-v2'
import { peerIdFromString } from '@libp2p/peer-id'
import { multiaddr } from '@multiformats/multiaddr'
import { arg, assertLoopback, errorText, logger, out, serveCommands, withTimeout } from './peer-io.mjs'

const log = logger('node-peer')

const ECHO = '/meshwork/test/echo/1.0.0'
const SINK = '/meshwork/test/sink/1.0.0'
const SOURCE = '/meshwork/test/source/1.0.0'
const SEED = 0x2545F491
const CHUNK = 64 * 1024
const STREAM_LIMIT = 256
const DISCARD = '/meshwork/bench/discard/1.0.0'
const BLAST = '/meshwork/bench/blast/1.0.0'
let blastChunk = null

// ------------------------------------------------------------------ output

// ------------------------------------------------------------------ arguments

const listenAddr = arg('--listen', process.env.INTEROP_LISTEN ?? '/ip4/127.0.0.1/tcp/0')
assertLoopback(listenAddr)
const pubsubKind = arg('--pubsub', 'none')
if (!['none', 'gossipsub', 'floodsub'].includes(pubsubKind)) {
  throw new Error(`--pubsub must be gossipsub, floodsub or none, not ${pubsubKind}`)
}
const relayServer = process.argv.includes('--relay-server')
const relayClient = process.argv.includes('--relay-client')
/** With --identify-push it also serves /ipfs/id/push/1.0.0 (a separate service in js-libp2p). */
const withIdentifyPush = process.argv.includes('--identify-push')
/** Stream options of the test protocols: relay clients also run them on limited (relayed) connections. */
const limitedOptions = relayClient ? { runOnLimitedConnection: true } : {}

// ------------------------------------------------------------------ deterministic data

if (new Uint8Array(new Uint32Array([1]).buffer)[0] !== 1) {
  throw new Error('this script assumes a little-endian platform')
}

/** The deterministic stream, in chunks; every chunk but the last is a multiple of 4 bytes long. */
class Generator {
  constructor (seed = SEED) {
    this.x = seed | 0
  }

  next (n) {
    const words = new Uint32Array(Math.ceil(n / 4))
    let x = this.x
    for (let i = 0; i < words.length; i++) {
      x ^= x << 13
      x ^= x >>> 17
      x ^= x << 5
      words[i] = x
    }
    this.x = x
    return new Uint8Array(words.buffer, 0, n)
  }
}

const expectedShaCache = new Map()

function expectedSha (bytes) {
  let sha = expectedShaCache.get(bytes)
  if (sha == null) {
    const gen = new Generator()
    const hash = createHash('sha256')
    for (let left = bytes; left > 0;) {
      const n = Math.min(CHUNK, left)
      hash.update(gen.next(n))
      left -= n
    }
    sha = hash.digest('hex')
    expectedShaCache.set(bytes, sha)
  }
  return sha
}

function u64 (n) {
  const b = new Uint8Array(8)
  new DataView(b.buffer).setBigUint64(0, BigInt(n))
  return b
}

// ------------------------------------------------------------------ stream helpers

/**
 * Reads a libp2p 3 stream through its events. (The stream's own async iterator can miss a half-close that arrived
 * before iteration began; 'end' plus readableEnded cannot.)
 */
class Reader {
  constructor (stream) {
    this.stream = stream
    this.chunks = []
    this.ended = stream.readableEnded
    this.error = null
    this.wake = null
    stream.addEventListener('message', (evt) => {
      const d = evt.data
      this.chunks.push(d instanceof Uint8Array ? d : d.subarray())
      this.#notify()
    })
    stream.addEventListener('end', () => {
      this.ended = true
      this.#notify()
    })
    stream.addEventListener('close', (evt) => {
      if (evt.error != null) this.error = evt.error
      this.ended = true
      this.#notify()
    })
  }

  #notify () {
    const w = this.wake
    this.wake = null
    if (w != null) w()
  }

  /** The next chunk, or null at the end of the data. Throws if the stream was reset. */
  async next () {
    for (;;) {
      if (this.chunks.length > 0) return this.chunks.shift()
      if (this.error != null) throw this.error
      if (this.ended) return null
      await new Promise((resolve) => { this.wake = resolve })
    }
  }

  async readExactly (n) {
    const out = new Uint8Array(n)
    let have = 0
    while (have < n) {
      const c = await this.next()
      if (c == null) throw new Error(`stream ended after ${have} of ${n} bytes`)
      const take = Math.min(n - have, c.length)
      out.set(c.subarray(0, take), have)
      have += take
      if (take < c.length) this.chunks.unshift(c.subarray(take))
    }
    return out
  }
}

async function send (stream, data) {
  if (!stream.send(data)) {
    await stream.onDrain()
  }
}

async function sendAll (stream, data) {
  for (let off = 0; off < data.length; off += CHUNK) {
    await send(stream, data.subarray(off, Math.min(data.length, off + CHUNK)))
  }
}

// ------------------------------------------------------------------ handlers

async function handleEcho (stream) {
  const r = new Reader(stream)
  for (let c = await r.next(); c != null; c = await r.next()) {
    await send(stream, c)
  }
  await stream.close()
}

async function handleSink (stream) {
  const r = new Reader(stream)
  const hash = createHash('sha256')
  let count = 0
  for (let c = await r.next(); c != null; c = await r.next()) {
    hash.update(c)
    count += c.length
  }
  const reply = new Uint8Array(40)
  reply.set(u64(count), 0)
  reply.set(hash.digest(), 8)
  await send(stream, reply)
  await stream.close()
}

async function handleSource (stream) {
  const r = new Reader(stream)
  const header = await r.readExactly(8)
  const total = Number(new DataView(header.buffer).getBigUint64(0))
  const gen = new Generator()
  for (let left = total; left > 0;) {
    const n = Math.min(CHUNK, left)
    await send(stream, gen.next(n))
    left -= n
  }
  await stream.close()
}

async function handleDiscard (stream) {
  const r = new Reader(stream)
  let count = 0
  for (let c = await r.next(); c != null; c = await r.next()) {
    count += c.length
  }
  await send(stream, u64(count))
  await stream.close()
}

async function handleBlast (stream) {
  const r = new Reader(stream)
  const header = await r.readExactly(8)
  const total = Number(new DataView(header.buffer).getBigUint64(0))
  if (blastChunk == null) blastChunk = new Generator().next(CHUNK)
  for (let left = total; left > 0;) {
    const n = Math.min(CHUNK, left)
    await send(stream, n === CHUNK ? blastChunk : blastChunk.subarray(0, n))
    left -= n
  }
  await stream.close()
}

function guarded (name, fn) {
  return (stream, connection) => {
    fn(stream).catch((err) => {
      log(`${name} handler (stream ${stream.id} from ${connection.remotePeer}) failed: ${errorText(err)}`)
      stream.abort(err instanceof Error ? err : new Error(String(err)))
    })
  }
}

// ------------------------------------------------------------------ pubsub

/**
 * The message id every node of the test networks uses (the spec's default, go's, and Meshwork's "from-seqno"): the
 * raw bytes of the author's Peer ID (`from`) followed by the 8-byte big-endian seqno. js gossipsub's own StrictSign
 * default uses the protobuf public key instead of the Peer ID, so IHAVE/IWANT would never match other nodes'.
 */
function fromSeqnoId (msg) {
  if (msg.type !== 'signed' || msg.sequenceNumber == null) throw new Error('from-seqno message id needs a signed message')
  const from = msg.from.toMultihash().bytes
  const id = new Uint8Array(from.length + 8)
  id.set(from, 0)
  new DataView(id.buffer).setBigUint64(from.length, BigInt.asUintN(64, msg.sequenceNumber))
  return id
}

function pubsubService () {
  if (pubsubKind === 'gossipsub') {
    return {
      pubsub: gossipsub({
        msgIdFn: fromSeqnoId,
        allowPublishToZeroTopicPeers: true,
        ignoreDuplicatePublishError: false,
        emitSelf: false
      })
    }
  }
  if (pubsubKind === 'floodsub') {
    return { pubsub: floodsub({ emitSelf: false }) }
  }
  return {}
}

function relayServices () {
  if (!relayServer) return {}
  // js's default cap is 15 reservations; the default circuit limits (2 min, 128 KiB per direction) stay, so the
  // connections relayed here are limited ones
  return { relay: circuitRelayServer({ reservations: { maxReservations: 1000 } }) }
}

function requirePubsub () {
  const ps = node.services.pubsub
  if (ps == null) throw new Error('no pubsub service: start node-peer.mjs with --pubsub gossipsub|floodsub')
  return ps
}

function requireTopic (cmd) {
  if (typeof cmd.topic !== 'string' || cmd.topic === '') throw new Error('missing "topic"')
  return cmd.topic
}

const b64 = (bytes) => Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64')
const hex = (bytes) => Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('hex')

/**
 * The clock of the pubsub latency measurements, comparable across processes on one machine: wall-clock epoch
 * microseconds as performance.timeOrigin (the wall clock read once at process start) + performance.now() (monotonic
 * since then). The Java side uses the same construction (Instant.now() once + System.nanoTime() since). Two processes'
 * clocks then differ by the error of their two start-time wall-clock reads (microseconds) plus any NTP slew between
 * the starts and the measurement (negligible over minutes).
 */
const epochUs = () => (performance.timeOrigin + performance.now()) * 1000

/**
 * Benchmark payload (identical in Java): bytes 0-7 the publisher's epochUs() at publication, big-endian unsigned;
 * bytes 8-11 the sequence number (0, 1, ...) big-endian; then zero padding up to the payload size (at least 12).
 */
function benchPayload (seq, size) {
  const p = new Uint8Array(Math.max(12, size))
  const v = new DataView(p.buffer)
  v.setBigUint64(0, BigInt(Math.round(epochUs())))
  v.setUint32(8, seq)
  return p
}

/** Topics we are subscribed to with message events on ({"event":"message"} lines); others are silent. */
const eventTopics = new Set()
/** Per topic: the armed benchmark collector (psArm), if any. */
const collectors = new Map()
/** Per topic: payloads (base64) our validator rejects, set by setValidator. */
const rejecting = new Map()

function onPubsubMessage (msg, receivedFrom, msgId) {
  const topic = msg.topic
  const c = collectors.get(topic)
  if (c != null && msg.data.length >= 12) {
    const now = epochUs()
    const v = new DataView(msg.data.buffer, msg.data.byteOffset, msg.data.byteLength)
    const stamp = Number(v.getBigUint64(0))
    const seq = v.getUint32(8)
    if (c.seen.has(seq)) {
      c.duplicates++
    } else {
      c.seen.add(seq)
      c.latUs.push(Math.round(now - stamp))
      if (c.firstUs == null) c.firstUs = now
      c.lastUs = now
    }
    c.wake()
  }
  if (eventTopics.has(topic)) {
    const signed = msg.type === 'signed'
    out({
      event: 'message',
      topic,
      from: signed ? msg.from.toString() : null,
      seqno: signed ? msg.sequenceNumber.toString() : null,
      data: b64(msg.data),
      receivedFrom: receivedFrom?.toString() ?? null,
      msgId: msgId ?? (signed ? hex(fromSeqnoId(msg)) : null)
    })
  }
}

function installPubsubListeners () {
  const ps = node.services.pubsub
  if (ps == null) return
  if (pubsubKind === 'gossipsub') {
    // 'gossipsub:message' carries the forwarding peer; it is dispatched exactly when 'message' is
    ps.addEventListener('gossipsub:message', (evt) => {
      const d = evt.detail
      onPubsubMessage(d.msg, d.propagationSource, null)
    })
  } else {
    ps.addEventListener('message', (evt) => onPubsubMessage(evt.detail, null, null))
  }
}

function sleep (ms) {
  return new Promise((resolve) => setTimeout(resolve, ms))
}

const pubsubCommands = {
  async subscribe (cmd) {
    const ps = requirePubsub()
    const topic = requireTopic(cmd)
    if (cmd.events !== false) eventTopics.add(topic)
    else eventTopics.delete(topic)
    ps.subscribe(topic)
    return { topics: ps.getTopics() }
  },

  async unsubscribe (cmd) {
    const ps = requirePubsub()
    const topic = requireTopic(cmd)
    eventTopics.delete(topic)
    ps.unsubscribe(topic)
    return { topics: ps.getTopics() }
  },

  async publish (cmd) {
    const ps = requirePubsub()
    const topic = requireTopic(cmd)
    const data = new Uint8Array(Buffer.from(cmd.data ?? '', 'base64'))
    const r = await ps.publish(topic, data)
    return { recipients: r.recipients.length, recipientPeers: r.recipients.map(String) }
  },

  async pubsubPeers (cmd) {
    const ps = requirePubsub()
    const topic = requireTopic(cmd)
    return { peers: ps.getSubscribers(topic).map(String), all: ps.getPeers().map(String) }
  },

  async meshPeers (cmd) {
    const ps = requirePubsub()
    const topic = requireTopic(cmd)
    if (typeof ps.getMeshPeers !== 'function') throw new Error(`${pubsubKind} has no mesh`)
    return { peers: ps.getMeshPeers(topic).map(String) }
  },

  async pubsubTopics () {
    return { topics: requirePubsub().getTopics() }
  },

  /** Rejects messages on topic whose payload equals one of reject[] (base64); everything else is accepted. */
  async setValidator (cmd) {
    const ps = requirePubsub()
    const topic = requireTopic(cmd)
    const set = new Set(cmd.reject ?? [])
    rejecting.set(topic, set)
    ps.topicValidators.set(topic, (peer, msg) => set.has(b64(msg.data)) ? 'reject' : 'accept')
    return { rejecting: set.size }
  },

  async clearValidator (cmd) {
    const ps = requirePubsub()
    const topic = requireTopic(cmd)
    ps.topicValidators.delete(topic)
    rejecting.delete(topic)
    return {}
  },

  /** Starts (or restarts) recording benchmark payloads arriving on topic; the topic must be subscribed. */
  async psArm (cmd) {
    const topic = requireTopic(cmd)
    requirePubsub()
    const c = { latUs: [], seen: new Set(), duplicates: 0, firstUs: null, lastUs: null, waiter: null }
    c.wake = () => {
      const w = c.waiter
      if (w != null && w.test()) {
        c.waiter = null
        w.resolve()
      }
    }
    collectors.set(topic, c)
    return { armedUs: epochUs() }
  },

  /**
   * Waits until expect distinct benchmark messages arrived on topic since psArm (arming now if not armed), or waitMs
   * passed, or (with idleMs) something arrived and then nothing for idleMs; then disarms and answers what arrived (not an error if fewer): count, duplicates, latUs[] (arrival
   * order), firstUs / lastUs (epoch µs of the first and last arrival).
   */
  async psCollect (cmd) {
    const topic = requireTopic(cmd)
    if (!collectors.has(topic)) await pubsubCommands.psArm(cmd)
    const c = collectors.get(topic)
    const expect = cmd.expect ?? 1
    const waitMs = cmd.waitMs ?? 10_000
    const idleMs = cmd.idleMs ?? null
    if (c.seen.size < expect) {
      await new Promise((resolve) => {
        const deadline = performance.now() + waitMs
        let idle = null
        const done = () => {
          clearTimeout(timer)
          clearInterval(idle)
          c.waiter = null
          resolve()
        }
        const timer = setTimeout(done, waitMs)
        if (idleMs != null) {
          // give up early once something arrived and then nothing more for idleMs (lost messages)
          idle = setInterval(() => {
            if (c.lastUs != null && epochUs() - c.lastUs > idleMs * 1000 && performance.now() < deadline) done()
          }, Math.max(10, Math.min(idleMs / 4, 250)))
        }
        c.waiter = { test: () => c.seen.size >= expect, resolve: done }
      })
    }
    collectors.delete(topic)
    return { count: c.seen.size, duplicates: c.duplicates, latUs: c.latUs, firstUs: c.firstUs, lastUs: c.lastUs }
  },

  /** Publishes count benchmark payloads of size bytes paced at rate per second (catching up without sleeping). */
  async psLatency (cmd) {
    const ps = requirePubsub()
    const topic = requireTopic(cmd)
    const count = cmd.count ?? 1000
    const rate = cmd.rate ?? 1000
    const size = cmd.size ?? 256
    const startUs = epochUs()
    const t0 = performance.now()
    let minRecipients = Infinity
    for (let i = 0; i < count; i++) {
      const due = t0 + i * 1000 / rate
      const wait = due - performance.now()
      if (wait >= 1) await sleep(wait)
      else if (wait > 0) await new Promise((resolve) => setImmediate(resolve))
      const r = await ps.publish(topic, benchPayload(i, size))
      minRecipients = Math.min(minRecipients, r.recipients.length)
    }
    return { sent: count, startUs, ms: performance.now() - t0, minRecipients }
  },

  /**
   * Publishes count benchmark payloads of size bytes in a burst: every publish() is issued at once (in order), then
   * all are awaited, the way an application fires a burst (the Java side does the same).
   */
  async psBurst (cmd) {
    const ps = requirePubsub()
    const topic = requireTopic(cmd)
    const count = cmd.count ?? 2000
    const size = cmd.size ?? 256
    const startUs = epochUs()
    const t0 = performance.now()
    const pending = []
    for (let i = 0; i < count; i++) {
      pending.push(ps.publish(topic, benchPayload(i, size)))
    }
    let minRecipients = Infinity
    for (const r of await Promise.all(pending)) {
      minRecipients = Math.min(minRecipients, r.recipients.length)
    }
    return { sent: count, startUs, ms: performance.now() - t0, minRecipients }
  }
}

// ------------------------------------------------------------------ node

// js-libp2p's defaults admit only 5 inbound connections per second per remote host (and 10 pending upgrades): the
// fresh-dial measurement opens a new connection every few ms from 127.0.0.1, so the listener admits more.
const connectionManager = { inboundConnectionThreshold: 100_000, maxIncomingPendingConnections: 1000 }

const node = await createLibp2p({
  addresses: { listen: relayClient ? [listenAddr, '/p2p-circuit'] : [listenAddr] },
  connectionManager,
  transports: relayClient ? [tcp(), circuitRelayTransport()] : [tcp()],
  connectionEncrypters: [noise()],
  streamMuxers: [yamux()],
  services: {
    identify: identify(),
    ...(withIdentifyPush ? { identifyPush: identifyPush() } : {}),
    ping: ping({ runOnLimitedConnection: true }),
    ...pubsubService(),
    ...relayServices()
  }
})

const handlerOptions = { maxInboundStreams: STREAM_LIMIT, maxOutboundStreams: STREAM_LIMIT, ...limitedOptions }
await node.handle(ECHO, guarded('echo', handleEcho), handlerOptions)
await node.handle(SINK, guarded('sink', handleSink), handlerOptions)
await node.handle(SOURCE, guarded('source', handleSource), handlerOptions)
await node.handle(DISCARD, guarded('discard', handleDiscard), handlerOptions)
await node.handle(BLAST, guarded('blast', handleBlast), handlerOptions)

/** The latest identify result per remote peer, and who waits for one. */
const identified = new Map()
const identifyWaiters = new Map()

node.addEventListener('peer:identify', (evt) => {
  const key = evt.detail.peerId.toString()
  identified.set(key, evt.detail)
  const waiters = identifyWaiters.get(key) ?? []
  identifyWaiters.delete(key)
  waiters.forEach((w) => w(evt.detail))
})
node.addEventListener('connection:open', (evt) => {
  const c = evt.detail
  out({ event: 'connection:open', peer: c.remotePeer.toString(), remoteAddr: c.remoteAddr.toString(), direction: c.direction })
})
node.addEventListener('connection:close', (evt) => {
  const c = evt.detail
  out({ event: 'connection:close', peer: c.remotePeer.toString(), remoteAddr: c.remoteAddr.toString(), direction: c.direction })
})

function waitIdentified (peer, ms) {
  const key = peer.toString()
  const have = identified.get(key)
  if (have != null) return Promise.resolve(have)
  return withTimeout(new Promise((resolve) => {
    const list = identifyWaiters.get(key) ?? []
    list.push(resolve)
    identifyWaiters.set(key, list)
  }), ms, `identify of ${key}`)
}

function describeIdentify (r) {
  return {
    protocols: [...r.protocols],
    listenAddrs: r.listenAddrs.map(String),
    observedAddr: r.observedAddr?.toString() ?? null,
    agentVersion: r.agentVersion ?? null,
    protocolVersion: r.protocolVersion ?? null,
    signedPeerRecordAddrs: r.signedPeerRecord?.addresses?.map(String) ?? null
  }
}

async function describePeerStore (peer) {
  const p = await node.peerStore.get(peer)
  const agent = p.metadata.get('AgentVersion')
  return {
    protocols: [...p.protocols],
    addresses: p.addresses.map((a) => ({ addr: a.multiaddr.toString(), certified: a.isCertified })),
    agentVersion: agent == null ? null : new TextDecoder().decode(agent)
  }
}

function describeConnection (c) {
  return {
    id: c.id,
    peer: c.remotePeer.toString(),
    remoteAddr: c.remoteAddr.toString(),
    direction: c.direction,
    status: c.status,
    rtt: c.rtt ?? null,
    streams: c.streams.length,
    opened: c.timeline.open,
    encryption: c.encryption ?? null,
    multiplexer: c.multiplexer ?? null,
    limited: c.limits != null,
    limits: c.limits == null ? null : { seconds: c.limits.seconds ?? null, bytes: c.limits.bytes?.toString() ?? null }
  }
}

function requirePeer (cmd) {
  if (typeof cmd.peer !== 'string') throw new Error('missing "peer"')
  return peerIdFromString(cmd.peer)
}

/**
 * A stream to peer. With circuit true it is opened on an open relayed connection to peer (fails if there is none):
 * js's connection manager, asked by peer id, ignores limited connections and dials a new one, directly if it knows a
 * direct address (learned by identify over the circuit).
 */
async function openStream (peer, protocol, circuit = false) {
  if (circuit) {
    return (await circuitConnection(peer)).newStream(protocol, { maxOutboundStreams: STREAM_LIMIT, runOnLimitedConnection: true })
  }
  return node.dialProtocol(peer, protocol, { maxOutboundStreams: STREAM_LIMIT, ...limitedOptions })
}

async function circuitConnection (peer) {
  const conn = node.getConnections(peer).find((c) => c.status === 'open' && c.remoteAddr.toString().includes('/p2p-circuit'))
  if (conn == null) throw new Error(`no open relayed connection to ${peer}`)
  return conn
}

/** count pings (32 random bytes, echoed) on one new /ipfs/ping/1.0.0 stream of conn; rtts in ms. */
async function pingOn (conn, count) {
  const stream = await conn.newStream('/ipfs/ping/1.0.0', { runOnLimitedConnection: true })
  const r = new Reader(stream)
  const rtts = []
  for (let i = 0; i < count; i++) {
    const data = new Uint8Array(randomBytes(32))
    const t0 = performance.now()
    await send(stream, data)
    const got = await r.readExactly(32)
    if (Buffer.compare(Buffer.from(got), Buffer.from(data)) !== 0) throw new Error('ping answer differs')
    rtts.push(performance.now() - t0)
  }
  await stream.close()
  return rtts
}

// ------------------------------------------------------------------ commands

async function echoOnce (peer, size, circuit = false) {
  const stream = await openStream(peer, ECHO, circuit)
  const data = new Uint8Array(randomBytes(size))
  const r = new Reader(stream)
  const reading = (async () => {
    const got = new Uint8Array(size + 1024) // room to notice surplus bytes
    let have = 0
    for (let c = await r.next(); c != null; c = await r.next()) {
      if (have + c.length > got.length) throw new Error(`echo returned more than the ${size} bytes sent`)
      got.set(c, have)
      have += c.length
    }
    return got.subarray(0, have)
  })()
  await sendAll(stream, data)
  await stream.close() // half-close: the echo side half-closes after echoing everything
  const got = await reading
  const same = got.length === data.length && Buffer.compare(Buffer.from(got), Buffer.from(data)) === 0
  if (!same) {
    let first = 0
    while (first < Math.min(got.length, data.length) && got[first] === data[first]) first++
    throw new Error(`echo mismatch on stream ${stream.id}: sent ${data.length} bytes, got ${got.length}, first difference at ${first}`)
  }
  return data.length
}

const commands = {
  async dial (cmd) {
    const ma = multiaddr(cmd.addr)
    assertLoopback(ma)
    const conn = await node.dial(ma)
    const result = await waitIdentified(conn.remotePeer, 10_000)
    return {
      connection: describeConnection(conn),
      identify: describeIdentify(result),
      peerStore: await describePeerStore(conn.remotePeer)
    }
  },

  async peerInfo (cmd) {
    const peer = requirePeer(cmd)
    const result = await waitIdentified(peer, cmd.timeoutMs ?? 10_000)
    return { identify: describeIdentify(result), peerStore: await describePeerStore(peer) }
  },

  async ping (cmd) {
    const peer = requirePeer(cmd)
    if (cmd.circuit === true) {
      const conn = await circuitConnection(peer)
      return { rtts: await pingOn(conn, cmd.count ?? 5), remoteAddr: conn.remoteAddr.toString() }
    }
    const rtts = []
    for (let i = 0; i < (cmd.count ?? 5); i++) {
      rtts.push(await node.services.ping.ping(peer))
    }
    return { rtts }
  },

  async echo (cmd) {
    const peer = requirePeer(cmd)
    const streams = cmd.streams ?? 1
    const size = cmd.size ?? 4096
    const start = performance.now()
    const results = await Promise.allSettled(Array.from({ length: streams }, () => echoOnce(peer, size, cmd.circuit === true)))
    const failures = results.filter((r) => r.status === 'rejected').map((r) => errorText(r.reason))
    if (failures.length > 0) {
      throw new Error(`${failures.length} of ${streams} echo streams failed: ${failures.slice(0, 5).join('; ')}`)
    }
    const answer = { streams, bytesEach: size, ms: performance.now() - start }
    if (cmd.circuit === true) answer.remoteAddr = (await circuitConnection(peer)).remoteAddr.toString()
    return answer
  },

  async sink (cmd) {
    const peer = requirePeer(cmd)
    const total = cmd.bytes
    const expected = expectedSha(total)
    const start = performance.now()
    const stream = await openStream(peer, SINK)
    const r = new Reader(stream)
    const reply = r.readExactly(40)
    reply.catch(() => {}) // awaited below; a reset must not count as unhandled meanwhile
    const gen = new Generator()
    for (let left = total; left > 0;) {
      const n = Math.min(CHUNK, left)
      await send(stream, gen.next(n))
      left -= n
    }
    await stream.close()
    const answer = await reply
    const ms = performance.now() - start
    const count = Number(new DataView(answer.buffer).getBigUint64(0))
    const remoteSha = Buffer.from(answer.subarray(8)).toString('hex')
    if (count !== total || remoteSha !== expected) {
      throw new Error(`sink reply mismatch: sent ${total} bytes sha256 ${expected}, remote counted ${count} sha256 ${remoteSha}`)
    }
    return { bytes: total, sha256: expected, ms, mbps: total / 1e6 / (ms / 1000) }
  },

  async source (cmd) {
    const peer = requirePeer(cmd)
    const total = cmd.bytes
    const expected = expectedSha(total)
    const start = performance.now()
    const stream = await openStream(peer, SOURCE)
    const r = new Reader(stream)
    await send(stream, u64(total))
    await stream.close()
    const hash = createHash('sha256')
    let count = 0
    for (let c = await r.next(); c != null; c = await r.next()) {
      hash.update(c)
      count += c.length
    }
    const ms = performance.now() - start
    const sha = hash.digest('hex')
    if (count !== total || sha !== expected) {
      throw new Error(`source data mismatch: asked ${total} bytes sha256 ${expected}, got ${count} bytes sha256 ${sha}`)
    }
    return { bytes: total, sha256: sha, ms, mbps: total / 1e6 / (ms / 1000) }
  },

  async conns (cmd) {
    const list = cmd.peer == null ? node.getConnections() : node.getConnections(peerIdFromString(cmd.peer))
    return { connections: list.map(describeConnection) }
  },

  async exit () {
    setTimeout(() => shutdown(0), 10)
    return {}
  }
}

const nowMs = () => Number(process.hrtime.bigint()) / 1e6

/** One round trip of size bytes on an open echo stream (reader r). */
async function echoRoundTrip (stream, r, data) {
  await send(stream, data)
  const got = await r.readExactly(data.length)
  if (got[0] !== data[0] || got[got.length - 1] !== data[data.length - 1]) throw new Error('echo mismatch')
}

async function pingNewOnce (peer, data) {
  const stream = await openStream(peer, ECHO)
  const r = new Reader(stream)
  await send(stream, data)
  await stream.close() // half-close; the echo side half-closes after echoing
  await r.readExactly(data.length)
  if (await r.next() != null) throw new Error('echo sent more than asked')
}

const benchCommands = {
  async discard (cmd) {
    const peer = requirePeer(cmd)
    const total = cmd.bytes
    if (blastChunk == null) blastChunk = new Generator().next(CHUNK)
    const start = nowMs()
    const stream = await openStream(peer, DISCARD)
    const r = new Reader(stream)
    const reply = r.readExactly(8)
    reply.catch(() => {})
    for (let left = total; left > 0;) {
      const n = Math.min(CHUNK, left)
      await send(stream, n === CHUNK ? blastChunk : blastChunk.subarray(0, n))
      left -= n
    }
    await stream.close()
    const answer = await reply
    const ms = nowMs() - start
    const count = Number(new DataView(answer.buffer).getBigUint64(0))
    if (count !== total) throw new Error(`discard counted ${count} of ${total} bytes`)
    return { bytes: total, ms, mbps: total / 1e6 / (ms / 1000) }
  },

  async blast (cmd) {
    const peer = requirePeer(cmd)
    const total = cmd.bytes
    const start = nowMs()
    const stream = await openStream(peer, BLAST)
    const r = new Reader(stream)
    await send(stream, u64(total))
    await stream.close()
    let count = 0
    for (let c = await r.next(); c != null; c = await r.next()) count += c.length
    const ms = nowMs() - start
    if (count !== total) throw new Error(`blast delivered ${count} of ${total} bytes`)
    return { bytes: total, ms, mbps: total / 1e6 / (ms / 1000) }
  },

  async firstDial (cmd) {
    const ma = multiaddr(cmd.addr)
    assertLoopback(ma)
    const ms = []
    for (let i = 0; i < (cmd.count ?? 5); i++) {
      const dialer = await createLibp2p({
        addresses: { listen: [] },
        transports: [tcp()],
        connectionEncrypters: [noise()],
        streamMuxers: [yamux()],
        services: { identify: identify(), ping: ping() }
      })
      try {
        const t0 = nowMs()
        await dialer.dial(ma)
        ms.push(nowMs() - t0)
      } finally {
        await withTimeout(dialer.stop(), 5000, 'stopping the dialer')
      }
    }
    return { ms }
  },

  async echoRtt (cmd) {
    const peer = requirePeer(cmd)
    const size = cmd.size ?? 32
    const stream = await openStream(peer, ECHO)
    const r = new Reader(stream)
    const data = new Uint8Array(randomBytes(size))
    for (let i = 0; i < (cmd.warmup ?? 200); i++) await echoRoundTrip(stream, r, data)
    const rtts = []
    for (let i = 0; i < (cmd.count ?? 2000); i++) {
      const t0 = nowMs()
      await echoRoundTrip(stream, r, data)
      rtts.push(nowMs() - t0)
    }
    await stream.close()
    return { rtts }
  },

  async pingNew (cmd) {
    const peer = requirePeer(cmd)
    const data = new Uint8Array(randomBytes(32))
    for (let i = 0; i < (cmd.warmup ?? 100); i++) await pingNewOnce(peer, data)
    const rtts = []
    const start = nowMs()
    for (let i = 0; i < (cmd.count ?? 1000); i++) {
      const t0 = nowMs()
      await pingNewOnce(peer, data)
      rtts.push(nowMs() - t0)
    }
    return { rtts, totalMs: nowMs() - start }
  }
}
const relayCommands = {
  /**
   * Dials the relay at relayAddr (with /p2p/<relay>) and waits until the relay transport made a reservation there,
   * i.e. until we have a listen address .../p2p/<relay>/p2p-circuit; answers those circuit addresses (with /p2p/<us>).
   */
  async reserve (cmd) {
    if (!relayClient) throw new Error('no relay transport: start node-peer.mjs with --relay-client')
    const ma = multiaddr(cmd.relayAddr)
    assertLoopback(ma)
    const conn = await node.dial(ma)
    const marker = `/p2p/${conn.remotePeer}/p2p-circuit`
    const circuitAddrs = () => node.getMultiaddrs().map(String).filter((a) => a.includes(marker))
    const deadline = performance.now() + (cmd.waitMs ?? 15_000)
    while (circuitAddrs().length === 0) {
      if (performance.now() > deadline) {
        throw new Error(`no reservation on ${conn.remotePeer} after ${cmd.waitMs ?? 15_000} ms; our addresses: ${node.getMultiaddrs().map(String).join(' ')}`)
      }
      await sleep(50)
    }
    return { relay: conn.remotePeer.toString(), circuitAddrs: circuitAddrs() }
  },

  /**
   * Dials a circuit address (.../p2p/<relay>/p2p-circuit/p2p/<peer>); answers the connection (with limited). The
   * circuit address first becomes the peer's only known address (js's dialer adds the peer store's addresses to the
   * one it is given and tries direct ones first), and it is a new connection even if one to the peer exists.
   */
  async dialCircuit (cmd) {
    const ma = multiaddr(cmd.addr)
    assertLoopback(ma)
    const target = ma.getComponents().filter((c) => c.name === 'p2p').pop()?.value
    if (target == null) throw new Error(`${cmd.addr} names no target peer`)
    const peer = peerIdFromString(target)
    if (await node.peerStore.has(peer)) await node.peerStore.patch(peer, { multiaddrs: [ma.decapsulateCode(421)] })
    const conn = await node.dial(ma, { force: true }) // a new connection even if one exists
    return { connection: describeConnection(conn) }
  },

  /** The relay server's reservations: the peer ids holding one. */
  async reservations () {
    const relay = node.services.relay
    if (relay == null) throw new Error('no relay server: start node-peer.mjs with --relay-server')
    return { peers: [...relay.reservations.keys()].map(String) }
  }
}
Object.assign(commands, benchCommands, pubsubCommands, relayCommands)
installPubsubListeners()

const shutdown = serveCommands(node, commands, log)

out({ event: 'ready', peerId: node.peerId.toString(), addrs: node.getMultiaddrs().map(String) })
