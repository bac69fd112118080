// A js-libp2p peer for the NAT system tests (io.meshwork.it.nat.JsDcutrInteropIT), run inside a network namespace
// built by integration-tests/src/test/nat/nat-topology.sh. Unlike node-peer.mjs it is not limited to loopback: the
// namespaces are isolated from the machine's network. It reports by lines on stdout that start with "NATPEER " (the
// same convention as io.meshwork.it.nat.NatPeer) and exits when stdin closes.
//
//   node --import ./polyfill.mjs nat-peer.mjs --listen-port <P> [--relay <relay multiaddr>] [--dial-port <L>]
//        [--announce <multiaddr>] [--dial <circuit multiaddr>] [--ping-count <n>]
//        [--autonat] [--connect <multiaddr>] [--ready-ip <ip>]
//
// Services: identify, ping, @libp2p/dcutr, the circuit relay transport (a reservation on --relay; "CIRCUIT <addr>"
// once it holds one), and the sink test protocol (/meshwork/test/sink/1.0.0: counts, answers the 8-byte count and
// the SHA-256). With --dial it dials the circuit address (js is then "A" of DCUtR, the other side drives the
// protocol), waits for a direct (non-relayed) connection to that peer, reports "DIRECT true|false ms=.. remote=..",
// and pings over it ("PING over=direct|relayed ms=..").
// With --autonat it also runs @libp2p/autonat (AutoNAT v1 client and server) and reports the verification state of
// each of its addresses when it changes ("ADDRESS <multiaddr> verified=<bool> type=<type>"); --connect dials a peer
// directly ("CONNECTED <remote addr>"); --ready-ip prints "READY /ip4/<ip>/tcp/<P>/p2p/<id>" once listening.
//
// Why --dial-port and --announce (see docs/protocols/dcutr.md, "Interop"): a TCP hole punch through port-preserving
// NATs needs each side to dial from the port the other side dials. Node's net.connect cannot share a listening port
// (no SO_REUSEPORT on client sockets), so every dial of this peer binds the fixed local port L (@libp2p/tcp's
// dialOpts, passed to net.connect) that nothing listens on; the relay connection comes from L too, so the NAT maps
// L, and --announce adds the NAT's public address with port L to what js sends in its DCUtR CONNECT.

import { createHash } from 'node:crypto'
import { createInterface } from 'node:readline'
import { createLibp2p } from 'libp2p'
import { tcp } from '@libp2p/tcp'
import { noise } from '@libp2p/noise'
import { yamux } from '@libp2p/yamux'
import { identify } from '@libp2p/identify'
import { ping } from '@libp2p/ping'
import { dcutr } from '@libp2p/dcutr'
import { autoNAT } from '@libp2p/autonat'
import { circuitRelayTransport } from '@libp2p/circuit-relay-v2'
import { peerIdFromString } from '@libp2p/peer-id'
import { multiaddr } from '@multiformats/multiaddr'
import { arg, logger } from './peer-io.mjs'

const SINK = '/meshwork/test/sink/1.0.0'

function say (line) {
  process.stdout.write(`NATPEER ${line}\n`)
}

const log = logger('nat-peer')

function required (name) {
  const v = arg(name)
  if (v == null) throw new Error(`missing ${name}`)
  return v
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms))

const relayAddr = arg('--relay') != null ? multiaddr(arg('--relay')) : null
const listenPort = Number(required('--listen-port'))
const dialPort = arg('--dial-port') != null ? Number(arg('--dial-port')) : null
const announce = arg('--announce')
const withAutonat = process.argv.includes('--autonat')
const connectTo = arg('--connect')
const readyIp = arg('--ready-ip')
const dialTarget = arg('--dial')
const pingCount = Number(arg('--ping-count', '3'))

const isRelayed = (c) => c.remoteAddr.toString().includes('/p2p-circuit')

const node = await createLibp2p({
  addresses: {
    listen: [`/ip4/0.0.0.0/tcp/${listenPort}`, '/p2p-circuit'],
    appendAnnounce: announce != null ? [announce] : []
  },
  transports: [tcp(dialPort != null ? { dialOpts: { localPort: dialPort } } : {}), circuitRelayTransport()],
  connectionEncrypters: [noise()],
  streamMuxers: [yamux()],
  services: {
    identify: identify(),
    ping: ping({ runOnLimitedConnection: true }),
    dcutr: dcutr(),
    ...(withAutonat ? { autonat: autoNAT() } : {})
  }
})

await node.handle(SINK, (stream, connection) => {
  sink(stream).catch((err) => {
    log(`sink from ${connection.remotePeer} failed: ${err?.message ?? err}`)
    stream.abort(err instanceof Error ? err : new Error(String(err)))
  })
}, { runOnLimitedConnection: true })

async function sink (stream) {
  const hash = createHash('sha256')
  let count = 0
  await new Promise((resolve, reject) => {
    stream.addEventListener('message', (evt) => {
      const d = evt.data instanceof Uint8Array ? evt.data : evt.data.subarray()
      hash.update(d)
      count += d.length
    })
    stream.addEventListener('end', resolve)
    stream.addEventListener('close', (evt) => (evt.error != null ? reject(evt.error) : resolve()))
    if (stream.readableEnded) resolve()
  })
  const reply = new Uint8Array(40)
  new DataView(reply.buffer).setBigUint64(0, BigInt(count))
  reply.set(hash.digest(), 8)
  if (!stream.send(reply)) await stream.onDrain()
  await stream.close()
}

node.addEventListener('connection:open', (evt) => {
  const c = evt.detail
  say(`CONNECTION open peer=${c.remotePeer} remote=${c.remoteAddr} direction=${c.direction} relayed=${isRelayed(c)}`)
})
node.addEventListener('connection:close', (evt) => {
  const c = evt.detail
  say(`CONNECTION close peer=${c.remotePeer} remote=${c.remoteAddr} relayed=${isRelayed(c)}`)
})

let stopping = false
async function shutdown () {
  if (stopping) return
  stopping = true
  try {
    await Promise.race([node.stop(), sleep(3000)])
  } finally {
    process.exit(0)
  }
}
process.on('SIGTERM', shutdown)
process.on('unhandledRejection', (err) => log(`unhandled rejection: ${err?.stack ?? err}`))
createInterface({ input: process.stdin }).on('close', shutdown)

if (withAutonat) {
  const seen = new Map()
  setInterval(() => {
    for (const a of node.components.addressManager.getAddressesWithMetadata()) {
      const key = a.multiaddr.toString()
      if (seen.get(key) !== a.verified) {
        seen.set(key, a.verified)
        say(`ADDRESS ${key} verified=${a.verified} type=${a.type}`)
      }
    }
  }, 100)
}

try {
  if (readyIp != null) say(`READY /ip4/${readyIp}/tcp/${listenPort}/p2p/${node.peerId}`)
  if (connectTo != null) {
    const c = await node.dial(multiaddr(connectTo))
    say(`CONNECTED ${c.remoteAddr}`)
  }
}
catch (err) {
  log(err?.stack ?? String(err))
  say(`ERROR ${err?.message ?? err}`)
}

if (relayAddr != null) {
  await relayAndDial().catch((err) => {
    log(err?.stack ?? String(err))
    say(`ERROR ${err?.message ?? err}`)
  })
}

async function relayAndDial () {
  // the relay, then a reservation on it
  const relayConn = await node.dial(relayAddr)
  const marker = `/p2p/${relayConn.remotePeer}/p2p-circuit`
  const deadline = Date.now() + 15_000
  let circuit
  while ((circuit = node.getMultiaddrs().map(String).find((a) => a.includes(marker))) == null) {
    if (Date.now() > deadline) throw new Error(`no reservation; addresses ${node.getMultiaddrs().join(' ')}`)
    await sleep(50)
  }
  say(`ADDRESSES ${node.getMultiaddrs().map(String).join(' ')}`)
  say(`CIRCUIT ${circuit}`)

  if (dialTarget != null) {
    const ma = multiaddr(dialTarget)
    const peer = peerIdFromString(ma.getComponents().filter((c) => c.name === 'p2p').pop().value)
    const t0 = Date.now()
    const relayed = await node.dial(ma)
    const relayedAt = Date.now()
    say(`RELAYED ${relayed.remoteAddr} limited=${relayed.limits != null} ms=${relayedAt - t0}`)
    let direct
    const until = Date.now() + 45_000
    while ((direct = node.getConnections(peer).find((c) => c.status === 'open' && !isRelayed(c))) == null &&
      Date.now() < until) {
      await sleep(5)
    }
    say(`DIRECT ${direct != null} ms=${direct != null ? Date.now() - relayedAt : -1}` +
      (direct != null ? ` remote=${direct.remoteAddr} direction=${direct.direction}` : ''))

    let ms = -1
    for (let i = 0; i < pingCount; i++) ms = await node.services.ping.ping(peer)
    say(`PING over=${direct != null ? 'direct' : 'relayed'} ms=${ms}`)
    say('DONE')
  }
}
