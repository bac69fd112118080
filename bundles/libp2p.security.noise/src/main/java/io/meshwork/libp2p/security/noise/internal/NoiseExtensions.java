package io.meshwork.libp2p.security.noise.internal;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;

/**
 * The {@code NoiseExtensions} message of the libp2p handshake payload:
 *
 * <pre>
 * message NoiseExtensions {
 *   repeated bytes  webtransport_certhashes = 1;
 *   repeated string stream_muxers           = 2;
 * }
 * </pre>
 *
 * Unknown fields are skipped as protobuf requires (extension code points above 1024 are experimental and may
 * appear); list sizes and entry lengths are bounded.
 *
 * <p>Immutable and thread-safe.
 *
 * @param webtransportCerthashes multihashes of WebTransport certificates (empty over TCP)
 * @param streamMuxers stream muxer protocol IDs, in the sender's order of preference
 */
public record NoiseExtensions(List<byte[]> webtransportCerthashes, List<String> streamMuxers) {

    /** Most entries accepted in either list. */
    static final int MAX_ENTRIES = 64;
    /** Longest certificate hash accepted (a multihash is far shorter). */
    static final int MAX_CERTHASH_LENGTH = 1024;
    /** Longest muxer protocol ID accepted (multistream-select allows 1024-byte messages). */
    static final int MAX_MUXER_LENGTH = 1024;

    private static final int CERTHASHES = 1;
    private static final int STREAM_MUXERS = 2;

    /** Copies both lists (and each certificate hash). */
    public NoiseExtensions {
        webtransportCerthashes = webtransportCerthashes.stream().map(byte[]::clone)
                .collect(Collectors.toUnmodifiableList());
        streamMuxers = List.copyOf(streamMuxers);
    }

    /** Extensions carrying only a muxer list. */
    public static NoiseExtensions ofMuxers(List<String> muxers) {
        return new NoiseExtensions(List.of(), muxers);
    }

    /** The certificate hashes; each a copy. */
    @Override
    public List<byte[]> webtransportCerthashes() {
        return webtransportCerthashes.stream().map(byte[]::clone).collect(Collectors.toUnmodifiableList());
    }

    byte[] encode() {
        ProtoWriter w = new ProtoWriter();
        for (byte[] hash : webtransportCerthashes) {
            w.lengthDelimited(CERTHASHES, hash);
        }
        for (String muxer : streamMuxers) {
            w.lengthDelimited(STREAM_MUXERS, muxer.getBytes(StandardCharsets.UTF_8));
        }
        return w.toByteArray();
    }

    static NoiseExtensions decode(byte[] buf, int off, int len) throws NoiseException {
        ProtoReader r = new ProtoReader(buf, off, len, "NoiseExtensions");
        List<byte[]> hashes = new ArrayList<>();
        List<String> muxers = new ArrayList<>();
        while (r.hasMore()) {
            int at = r.position();
            int tag = r.readTag();
            int field = ProtoReader.fieldNumber(tag);
            if (field == CERTHASHES || field == STREAM_MUXERS) {
                if (ProtoReader.wireType(tag) != ProtoReader.LEN) {
                    throw r.malformed("field " + field + " must be length-delimited, not wire type "
                            + ProtoReader.wireType(tag), at);
                }
                List<?> target = field == CERTHASHES ? hashes : muxers;
                if (target.size() == MAX_ENTRIES) {
                    throw r.malformed("more than " + MAX_ENTRIES + " entries in field " + field, at);
                }
                if (field == CERTHASHES) {
                    hashes.add(r.readBytes(MAX_CERTHASH_LENGTH, "webtransport_certhashes"));
                } else {
                    muxers.add(r.readString(MAX_MUXER_LENGTH, "stream_muxers"));
                }
            } else {
                r.skip(tag);
            }
        }
        return new NoiseExtensions(hashes, muxers);
    }

    @Override
    public boolean equals(Object other) {
        if (!(other instanceof NoiseExtensions)) {
            return false;
        }
        NoiseExtensions that = (NoiseExtensions) other;
        if (webtransportCerthashes.size() != that.webtransportCerthashes.size()
                || !streamMuxers.equals(that.streamMuxers)) {
            return false;
        }
        for (int i = 0; i < webtransportCerthashes.size(); i++) {
            if (!Arrays.equals(webtransportCerthashes.get(i), that.webtransportCerthashes.get(i))) {
                return false;
            }
        }
        return true;
    }

    @Override
    public int hashCode() {
        int h = streamMuxers.hashCode();
        for (byte[] hash : webtransportCerthashes) {
            h = 31 * h + Arrays.hashCode(hash);
        }
        return h;
    }

    @Override
    public String toString() {
        return "NoiseExtensions[" + webtransportCerthashes.size() + " certhashes, muxers " + streamMuxers + "]";
    }
}
