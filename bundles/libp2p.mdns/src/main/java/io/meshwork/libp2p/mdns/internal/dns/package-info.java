/**
 * The DNS message format as multicast DNS uses it (RFC 1035 section 4, RFC 6762): header, questions and resource
 * records (PTR, TXT, SRV, A, AAAA; other types kept as raw bytes), with a bounded decoder (packet size, label and
 * name lengths, record counts, compression pointers that may only point backwards) and an encoder that compresses
 * names. Plain Java.
 */
@NullMarked
package io.meshwork.libp2p.mdns.internal.dns;

import org.jspecify.annotations.NullMarked;
