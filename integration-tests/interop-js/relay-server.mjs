// A js-libp2p Circuit Relay v2 hop server (@libp2p/circuit-relay-v2) for Meshwork's relay capacity benchmark
// (io.meshwork.benchmarks.system.RelayCapacityBench) and interop tests, with its caps raised from the command line.
// Driven like node-peer.mjs: one JSON command per line on stdin, answers on stdout; listens on loopback only.
//
//   node --import ./polyfill.mjs relay-server.mjs [--listen /ip4/127.0.0.1/tcp/0]
//        [--max-reservations 15] [--reservation-ttl-ms 7200000] [--data-limit-bytes 131072]
//        [--duration-limit-ms 120000] [--max-connections 300] [--max-stop-streams 300]
//
// Defaults are js-libp2p's own. Commands:
//   stats         {}   heapUsed, heapTotal, rss, external, arrayBuffers (bytes, process.memoryUsage()),
//                      reservations (held by the relay), connections (open), circuits (open STOP streams)
//   reservations  {}   peers: the peer ids holding a reservation
// It refuses any non-loopback address.

import { createLibp2p } from 'libp2p'
import { tcp } from '@libp2p/tcp'
import { noise } from '@libp2p/noise'
import { yamux } from '@libp2p/yamux'
import { identify } from '@libp2p/identify'
import { ping } from '@libp2p/ping'
import { circuitRelayServer } from '@libp2p/circuit-relay-v2'
import { arg, assertLoopback, logger, out, serveCommands } from './peer-io.mjs'

const log = logger('relay-server')

const STOP = '/libp2p/circuit/relay/0.2.0/stop'

function intArg (name, fallback) {
  const v = Number(arg(name, String(fallback)))
  if (!Number.isSafeInteger(v) || v < 0) throw new Error(`${name} must be a non-negative integer`)
  return v
}

const listenAddr = arg('--listen', '/ip4/127.0.0.1/tcp/0')
assertLoopback(listenAddr, 'this relay listens on loopback only')
const maxReservations = intArg('--max-reservations', 15)
const reservationTtl = intArg('--reservation-ttl-ms', 2 * 60 * 60 * 1000)
const dataLimit = BigInt(intArg('--data-limit-bytes', 1 << 17))
const durationLimit = intArg('--duration-limit-ms', 2 * 60 * 1000)
const maxConnections = intArg('--max-connections', 300)
const maxStopStreams = intArg('--max-stop-streams', 300)

const node = await createLibp2p({
  addresses: { listen: [listenAddr] },
  connectionManager: {
    maxConnections,
    // every client comes from 127.0.0.1: js's defaults admit 5 inbound connections per second per host
    inboundConnectionThreshold: 1_000_000,
    maxIncomingPendingConnections: 1000
  },
  transports: [tcp()],
  connectionEncrypters: [noise()],
  streamMuxers: [yamux()],
  services: {
    identify: identify(),
    ping: ping({ runOnLimitedConnection: true }),
    relay: circuitRelayServer({
      maxOutboundStopStreams: maxStopStreams,
      reservations: {
        maxReservations,
        reservationTtl,
        defaultDataLimit: dataLimit,
        defaultDurationLimit: durationLimit
      }
    })
  }
})

const commands = {
  async stats () {
    const m = process.memoryUsage()
    let connections = 0
    let circuits = 0
    for (const c of node.getConnections()) {
      connections++
      for (const s of c.streams) {
        if (s.protocol === STOP) circuits++
      }
    }
    return {
      heapUsed: m.heapUsed,
      heapTotal: m.heapTotal,
      rss: m.rss,
      external: m.external,
      arrayBuffers: m.arrayBuffers,
      reservations: node.services.relay.reservations.size,
      connections,
      circuits
    }
  },
  async reservations () {
    return { peers: [...node.services.relay.reservations.keys()].map(String) }
  }
}

serveCommands(node, commands, log)

log(`relay: up to ${maxReservations} reservations (ttl ${reservationTtl} ms), circuit limit ${dataLimit} bytes /`
  + ` ${durationLimit} ms, ${maxConnections} connections`)
out({ event: 'ready', peerId: node.peerId.toString(), addrs: node.getMultiaddrs().map(String) })
