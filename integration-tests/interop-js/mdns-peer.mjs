// A js-libp2p peer with @libp2p/mdns for Meshwork's mDNS interop test (io.meshwork.it.mdns.JsMdnsInteropIT). The
// test runs it inside a private network namespace (never on a real interface): it listens on /ip4/0.0.0.0/tcp/0,
// so on the namespace's LAN address, and discovers peers by multicast DNS.
//
//   node --import ./polyfill.mjs mdns-peer.mjs [--interval <ms>]
//
// stdout, one event per line (the same lines as the Java peer io.meshwork.it.mdns.MdnsPeerMain):
//   READY <peer-id> <listen addrs, comma-separated>
//   FOUND <peer-id> <addrs> <ms>     (libp2p's peer:discovery event; ms since libp2p started)
//   CONNECTED <peer-id>              (connection:open)
//   DIALED <peer-id> | DIAL-FAILED <peer-id> <error>
//   MARK
// stdin commands: dial <peer-id> (through the addresses in the peer store), mark, quit.

import { createInterface } from 'node:readline'
import { createLibp2p } from 'libp2p'
import { tcp } from '@libp2p/tcp'
import { noise } from '@libp2p/noise'
import { yamux } from '@libp2p/yamux'
import { identify } from '@libp2p/identify'
import { ping } from '@libp2p/ping'
import { mdns } from '@libp2p/mdns'
import { peerIdFromString } from '@libp2p/peer-id'
import { arg, logger } from './peer-io.mjs'

function out (line) {
  process.stdout.write(line + '\n')
}

const log = logger('mdns-peer')

const interval = Number(arg('--interval', '10000'))

const node = await createLibp2p({
  addresses: { listen: ['/ip4/0.0.0.0/tcp/0'] },
  transports: [tcp()],
  connectionEncrypters: [noise()],
  streamMuxers: [yamux()],
  peerDiscovery: [mdns({ interval })],
  services: { identify: identify(), ping: ping() }
})

node.addEventListener('peer:discovery', (evt) => {
  const { id, multiaddrs } = evt.detail
  out(`FOUND ${id.toString()} ${multiaddrs.map(String).join(',')} ${Math.round(performance.now() - started)}`)
})
node.addEventListener('connection:open', (evt) => {
  out(`CONNECTED ${evt.detail.remotePeer.toString()}`)
})

const started = performance.now()
await node.start()
out(`READY ${node.peerId.toString()} ${node.getMultiaddrs().map(String).join(',')}`)
log('started', node.getMultiaddrs().map(String).join(' '))

const rl = createInterface({ input: process.stdin })
rl.on('line', async (line) => {
  const [cmd, a] = line.trim().split(/\s+/)
  try {
    if (cmd === 'dial') {
      try {
        await node.dial(peerIdFromString(a), { signal: AbortSignal.timeout(15000) })
        out(`DIALED ${a}`)
      } catch (err) {
        out(`DIAL-FAILED ${a} ${err?.message ?? err}`)
      }
    } else if (cmd === 'mark') {
      out('MARK')
    } else if (cmd === 'quit') {
      await node.stop()
      process.exit(0)
    } else if (cmd !== '') {
      out(`ERROR unknown command ${line}`)
    }
  } catch (err) {
    log('command failed:', err?.stack ?? err)
  }
})
rl.on('close', async () => {
  await node.stop()
  process.exit(0)
})
process.on('SIGTERM', async () => {
  await node.stop()
  process.exit(0)
})
