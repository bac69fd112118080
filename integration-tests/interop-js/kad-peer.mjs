// A js-libp2p Kademlia DHT peer (@libp2p/kad-dht) driven by Meshwork's JsKadInteropIT through one JSON command
// per line on stdin, answers on stdout (the protocol of node-peer.mjs: {"id","cmd",...} in, {"id","ok",...} out,
// a {"event":"ready","peerId","addrs"} line first). Server mode, loopback addresses kept (passthroughMapper: the
// default mapper drops private addresses, which would leave every routing table here empty), ping included
// (kad-dht 16 requires it). Keys and values travel as base64.
//
//   node --import ./polyfill.mjs kad-peer.mjs [--listen /ip4/127.0.0.1/tcp/0] [--kad-protocol /ipfs/kad/1.0.0]
//
// Commands:
//   connect       {addr}             dial a multiaddr (with /p2p/)
//   tableSize     {}                 peers in the DHT routing table
//   findPeer      {peer}             a DHT lookup; answers {addrs} of the peer
//   put           {key, value}       dht.put; answers {responses}: peers that answered the PUT
//   get           {key}              dht.get; answers {value} (the best one)
//   provide       {mh}               dht.provide of the CIDv1 (raw) with that multihash
//   findProviders {mh, max}          dht.findProviders; answers {providers: [{peer, addrs}]}
//   publicKey     {}                 this node's public key, protobuf-marshalled (for /pk/ records)
// It refuses any non-loopback address.

import { createLibp2p } from 'libp2p'
import { tcp } from '@libp2p/tcp'
import { noise } from '@libp2p/noise'
import { yamux } from '@libp2p/yamux'
import { identify } from '@libp2p/identify'
import { ping } from '@libp2p/ping'
import { kadDHT, passthroughMapper } from '@libp2p/kad-dht'
import { publicKeyToProtobuf } from '@libp2p/crypto/keys'
import { peerIdFromString } from '@libp2p/peer-id'
import { multiaddr } from '@multiformats/multiaddr'
import { CID } from 'multiformats/cid'
import * as Digest from 'multiformats/hashes/digest'
import { arg, assertLoopback, logger, out, serveCommands } from './peer-io.mjs'

const log = logger('kad-peer')

const listenAddr = arg('--listen', '/ip4/127.0.0.1/tcp/0')
assertLoopback(listenAddr)
const protocol = arg('--kad-protocol', '/ipfs/kad/1.0.0')

const node = await createLibp2p({
  addresses: { listen: [listenAddr] },
  transports: [tcp()],
  connectionEncrypters: [noise()],
  streamMuxers: [yamux()],
  services: {
    identify: identify(),
    ping: ping(),
    dht: kadDHT({ protocol, clientMode: false, peerInfoMapper: passthroughMapper })
  }
})

const b64 = (bytes) => Buffer.from(bytes).toString('base64')
const unb64 = (text) => new Uint8Array(Buffer.from(text, 'base64'))
const cidOf = (mh) => CID.createV1(0x55, Digest.decode(unb64(mh)))

const commands = {
  async connect (cmd) {
    const ma = multiaddr(cmd.addr)
    assertLoopback(ma)
    const conn = await node.dial(ma)
    return { remotePeer: conn.remotePeer.toString() }
  },

  async tableSize () {
    return { size: node.services.dht.routingTable?.size ?? -1 }
  },

  async findPeer (cmd) {
    const peer = peerIdFromString(cmd.peer)
    for await (const event of node.services.dht.findPeer(peer)) {
      if (event.name === 'FINAL_PEER' && event.peer.id.equals(peer)) {
        return { addrs: event.peer.multiaddrs.map(String), from: event.from?.toString() }
      }
    }
    throw new Error(`peer ${cmd.peer} not found`)
  },

  async put (cmd) {
    let responses = 0
    for await (const event of node.services.dht.put(unb64(cmd.key), unb64(cmd.value))) {
      if (event.name === 'PEER_RESPONSE' && event.messageName === 'PUT_VALUE') responses++
    }
    return { responses }
  },

  async get (cmd) {
    let value = null
    for await (const event of node.services.dht.get(unb64(cmd.key))) {
      if (event.name === 'VALUE') value = event.value
    }
    if (value == null) throw new Error('no value found')
    return { value: b64(value) }
  },

  async provide (cmd) {
    let events = 0
    for await (const event of node.services.dht.provide(cidOf(cmd.mh))) {
      if (event != null) events++
    }
    return { events }
  },

  async findProviders (cmd) {
    const max = cmd.max ?? 20
    const providers = new Map()
    for await (const event of node.services.dht.findProviders(cidOf(cmd.mh))) {
      if (event.name === 'PROVIDER') {
        for (const p of event.providers) providers.set(p.id.toString(), p.multiaddrs.map(String))
        if (providers.size >= max) break
      }
    }
    return { providers: [...providers].map(([peer, addrs]) => ({ peer, addrs })) }
  },

  async publicKey () {
    return { publicKey: b64(publicKeyToProtobuf(node.peerId.publicKey)) }
  }
}

serveCommands(node, commands, log)

out({ event: 'ready', peerId: node.peerId.toString(), addrs: node.getMultiaddrs().map(String) })
