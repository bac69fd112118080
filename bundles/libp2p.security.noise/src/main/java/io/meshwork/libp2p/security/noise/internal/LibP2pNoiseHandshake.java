package io.meshwork.libp2p.security.noise.internal;

import io.meshwork.libp2p.api.codec.MalformedDataException;
import io.meshwork.libp2p.api.crypto.PublicKey;
import io.meshwork.libp2p.api.peer.PeerId;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * The libp2p {@code /noise} handshake as an event-driven state machine: Noise XX with the signed
 * {@code NoiseHandshakePayload} in messages 2 and 3, and inlined stream muxer negotiation.
 *
 * <p>Usage: call {@link #start()} once and send what it returns (the initiator's message 1; nothing for the
 * responder); then pass every received frame body to {@link #onMessage(byte[])} and send the {@link Step}'s
 * outbound message, if any, until the step carries a {@link Completion}. Frame bodies are Noise messages without
 * the 2-byte length prefix; {@link NoiseFramer#frame(byte[])} adds it. Any {@link NoiseException} is final: the
 * connection must be closed, and any early data is discarded with this object.
 *
 * <p>Flow: initiator {@code start()} gives message 1; responder {@code onMessage(m1)} gives message 2 with its
 * signed payload and muxer list; initiator {@code onMessage(m2)} verifies the responder and gives message 3 with
 * its own payload, and completes; responder {@code onMessage(m3)} verifies the initiator and completes. The
 * initiator's completion arrives before the responder has seen message 3, so the initiator may send transport
 * data right behind message 3; a responder must hand frames that follow message 3 to the completed session.
 *
 * <p>A fresh X25519 static key is drawn for every handshake (and wiped at the end); the identity key only signs
 * it. The chosen muxer is the first of the initiator's list that the responder also lists; if either side sends no
 * muxer list there is none and the caller negotiates a muxer with multistream-select; if both send lists without
 * a common entry the handshake fails, as the inlined-muxer-negotiation spec requires.
 *
 * <p>The signer is called on the caller's thread, once per handshake; an exception it throws propagates unchanged
 * and fails the handshake.
 *
 * <p>Not thread-safe: one instance per connection, confined to that connection's event loop.
 */
public final class LibP2pNoiseHandshake {

    /** The multistream-select protocol ID. */
    public static final String PROTOCOL_ID = "/noise";

    static final byte[] SIGNATURE_PREFIX = "noise-libp2p-static-key:".getBytes(StandardCharsets.UTF_8);
    private static final byte[] EMPTY = new byte[0];

    /** Which side of the handshake this is. */
    public enum Role {
        /** The dialer: sends messages 1 and 3. */
        INITIATOR,
        /** The listener: sends message 2. */
        RESPONDER
    }

    /**
     * What to do after a received message.
     *
     * @param outbound a Noise message (frame body) to send now, if any
     * @param completion the handshake result, once the handshake is complete
     */
    public record Step(Optional<byte[]> outbound, Optional<Completion> completion) {
    }

    /**
     * A completed handshake: the authenticated remote peer and the transport session.
     *
     * @param remotePeerId the Peer ID derived from the remote identity key
     * @param remoteIdentityKey the remote identity key, whose signature over the remote Noise static key verified
     * @param muxer the stream muxer agreed in the handshake, or empty to negotiate one with multistream-select
     * @param remoteExtensions the extensions the remote sent, if any (its early data, now authenticated)
     * @param session the transport ciphers
     */
    public record Completion(PeerId remotePeerId, PublicKey remoteIdentityKey, Optional<String> muxer,
            Optional<NoiseExtensions> remoteExtensions, NoiseSession session) {
    }

    /** Collects the settings of a handshake. Not thread-safe. */
    public static final class Builder {
        private final PublicKey identityKey;
        private final Function<byte[], byte[]> signer;
        private List<String> muxers = List.of();
        private AeadProvider aeadProvider = AeadProvider.AUTO;
        private @Nullable Supplier<X25519KeyPair> keySource;

        Builder(PublicKey identityKey, Function<byte[], byte[]> signer) {
            this.identityKey = Objects.requireNonNull(identityKey, "identityKey");
            this.signer = Objects.requireNonNull(signer, "signer");
        }

        /**
         * The stream muxers this side offers in the handshake, most preferred first. Empty (the default) sends no
         * extensions, so the muxer is negotiated afterwards with multistream-select.
         */
        public Builder muxers(List<String> muxers) {
            this.muxers = List.copyOf(muxers);
            return this;
        }

        /** The ChaCha20-Poly1305 implementation; {@link AeadProvider#AUTO} by default. */
        public Builder aeadProvider(AeadProvider provider) {
            this.aeadProvider = Objects.requireNonNull(provider, "provider");
            return this;
        }

        /**
         * Where the X25519 static and ephemeral key pairs come from (static first, then ephemeral); by default
         * fresh random keys from a {@link SecureRandom}. Only tests should replace it.
         */
        public Builder keySource(Supplier<X25519KeyPair> source) {
            this.keySource = Objects.requireNonNull(source, "source");
            return this;
        }

        /**
         * A dialer's handshake.
         *
         * @param expectedRemote the Peer ID that was dialed ({@code /p2p/...}); the handshake fails if the
         *     responder proves a different one. {@code null} accepts any peer.
         */
        public LibP2pNoiseHandshake initiator(@Nullable PeerId expectedRemote) {
            return new LibP2pNoiseHandshake(Role.INITIATOR, this, expectedRemote);
        }

        /** A listener's handshake. */
        public LibP2pNoiseHandshake responder() {
            return new LibP2pNoiseHandshake(Role.RESPONDER, this, null);
        }
    }

    private enum State { NEW, STARTED, COMPLETE, FAILED }

    private final Role role;
    private final PublicKey identityKey;
    private final Function<byte[], byte[]> signer;
    private final List<String> muxers;
    private final @Nullable PeerId expectedRemote;
    private final AeadProvider aeadProvider;
    private final X25519KeyPair staticKey;
    private final HandshakeState noise;
    private State state = State.NEW;

    private LibP2pNoiseHandshake(Role role, Builder builder, @Nullable PeerId expectedRemote) {
        this.role = role;
        this.identityKey = builder.identityKey;
        this.signer = builder.signer;
        this.muxers = builder.muxers;
        this.expectedRemote = expectedRemote;
        this.aeadProvider = builder.aeadProvider.resolve();
        Supplier<X25519KeyPair> keys = builder.keySource;
        if (keys == null) {
            keys = () -> X25519KeyPair.generate(DefaultRandom.INSTANCE);
        }
        this.staticKey = keys.get();
        X25519KeyPair ephemeral = keys.get();
        this.noise = new HandshakeState(role == Role.INITIATOR, EMPTY, staticKey, ephemeral, aeadProvider);
    }

    /**
     * A builder for a handshake of the node with this identity.
     *
     * @param identityKey the node's identity public key ({@code HostIdentity.publicKey()})
     * @param signer signs with the matching private key ({@code HostIdentity::sign})
     */
    public static Builder builder(PublicKey identityKey, Function<byte[], byte[]> signer) {
        return new Builder(identityKey, signer);
    }

    /** Which side this is. */
    public Role role() {
        return role;
    }

    /** Whether the handshake completed (a {@link Completion} was returned). */
    public boolean isComplete() {
        return state == State.COMPLETE;
    }

    /**
     * Begins the handshake. Call exactly once, before any {@link #onMessage}.
     *
     * @return for the initiator, message 1 (32 bytes, an ephemeral key); for the responder, nothing
     * @throws NoiseException {@link NoiseException.Reason#ILLEGAL_STATE} if called twice
     */
    public Optional<byte[]> start() throws NoiseException {
        if (state != State.NEW) {
            throw new NoiseException(NoiseException.Reason.ILLEGAL_STATE, "start() was already called");
        }
        state = State.STARTED;
        if (role == Role.RESPONDER) {
            return Optional.empty();
        }
        return Optional.of(guarded(() -> noise.writeMessage(EMPTY)));
    }

    /**
     * Processes one received handshake message (a frame body).
     *
     * @throws NoiseException if the message is malformed, fails to decrypt, carries an invalid or unsigned
     *     identity, names a peer other than the one dialed, or leaves no common muxer; and
     *     {@link NoiseException.Reason#ILLEGAL_STATE} if called before {@link #start()}, after completion or
     *     after a failure
     */
    public Step onMessage(byte[] frameBody) throws NoiseException {
        switch (state) {
            case NEW:
                throw new NoiseException(NoiseException.Reason.ILLEGAL_STATE, "start() must be called first");
            case COMPLETE:
                throw new NoiseException(NoiseException.Reason.ILLEGAL_STATE, "handshake message after completion");
            case FAILED:
                throw new NoiseException(NoiseException.Reason.ILLEGAL_STATE, "handshake already failed");
            default:
                break;
        }
        return guarded(() -> role == Role.INITIATOR ? initiatorReceived(frameBody) : responderReceived(frameBody));
    }

    /** Initiator, message 2 in: verify the responder, answer with message 3, complete. */
    private Step initiatorReceived(byte[] message) throws NoiseException {
        byte[] payload = noise.readMessage(message);
        Remote remote = verifyRemote(payload);
        @Nullable NoiseExtensions mine = ownExtensions();
        Optional<String> muxer = selectMuxer(mine, remote.extensions());
        byte[] third = noise.writeMessage(ownPayload(mine));
        return new Step(Optional.of(third), Optional.of(complete(remote, muxer)));
    }

    /** Responder: message 1 in gives message 2 out; message 3 in completes. */
    private Step responderReceived(byte[] message) throws NoiseException {
        if (noise.nextMessage() == 0) {
            // libp2p sends an empty payload in message 1; anything there is unauthenticated and ignored.
            noise.readMessage(message);
            byte[] second = noise.writeMessage(ownPayload(ownExtensions()));
            return new Step(Optional.of(second), Optional.empty());
        }
        byte[] payload = noise.readMessage(message);
        Remote remote = verifyRemote(payload);
        Optional<String> muxer = selectMuxer(remote.extensions(), ownExtensions());
        return new Step(Optional.empty(), Optional.of(complete(remote, muxer)));
    }

    private Completion complete(Remote remote, Optional<String> muxer) throws NoiseException {
        HandshakeState.TransportCiphers ciphers = noise.split();
        staticKey.destroy();
        state = State.COMPLETE;
        NoiseSession session = new NoiseSession(ciphers.sender(), ciphers.receiver(), ciphers.handshakeHash(),
                aeadProvider);
        return new Completion(remote.peerId(), remote.identityKey(), muxer, Optional.ofNullable(remote.extensions()),
                session);
    }

    private @Nullable NoiseExtensions ownExtensions() {
        return muxers.isEmpty() ? null : NoiseExtensions.ofMuxers(muxers);
    }

    private byte[] ownPayload(@Nullable NoiseExtensions extensions) {
        byte[] signature = signer.apply(signedData(staticKey.publicKeyView()));
        return new NoiseHandshakePayload(identityKey.marshal(), signature, extensions).encode();
    }

    static byte[] signedData(byte[] noiseStaticKey) {
        byte[] data = new byte[SIGNATURE_PREFIX.length + noiseStaticKey.length];
        System.arraycopy(SIGNATURE_PREFIX, 0, data, 0, SIGNATURE_PREFIX.length);
        System.arraycopy(noiseStaticKey, 0, data, SIGNATURE_PREFIX.length, noiseStaticKey.length);
        return data;
    }

    /** The verified remote side. */
    private record Remote(PublicKey identityKey, PeerId peerId, @Nullable NoiseExtensions extensions) {
    }

    /** SecureRandom is thread-safe; one instance serves every handshake. */
    private static final class DefaultRandom {
        static final SecureRandom INSTANCE = new SecureRandom();
    }

    private Remote verifyRemote(byte[] payloadBytes) throws NoiseException {
        byte[] remoteStatic = noise.remoteStaticKey();
        if (remoteStatic == null) {
            throw new IllegalStateException("remote static key unknown after the message that carries it");
        }
        NoiseHandshakePayload payload = NoiseHandshakePayload.decode(payloadBytes);
        byte[] keyBytes = payload.identityKey();
        byte[] signature = payload.identitySig();
        if (keyBytes == null) {
            throw new NoiseException(NoiseException.Reason.MALFORMED_PAYLOAD,
                    "remote handshake payload has no identity_key");
        }
        if (signature == null) {
            throw new NoiseException(NoiseException.Reason.MALFORMED_PAYLOAD,
                    "remote handshake payload has no identity_sig");
        }
        PublicKey key;
        try {
            key = PublicKey.unmarshal(keyBytes);
        } catch (MalformedDataException e) {
            throw new NoiseException(NoiseException.Reason.MALFORMED_PAYLOAD,
                    "remote identity_key is not a valid libp2p public key: " + e.getMessage(), e);
        }
        PeerId peerId = PeerId.fromPublicKey(key);
        if (!key.verify(signedData(remoteStatic), signature)) {
            throw new NoiseException(NoiseException.Reason.INVALID_SIGNATURE, "remote identity signature does not"
                    + " verify: " + peerId + " did not sign Noise static key "
                    + HexFormat.of().formatHex(remoteStatic));
        }
        if (expectedRemote != null && !expectedRemote.equals(peerId)) {
            throw new NoiseException(NoiseException.Reason.PEER_ID_MISMATCH, "dialed " + expectedRemote
                    + " but the peer is " + peerId);
        }
        return new Remote(key, peerId, payload.extensions());
    }

    /**
     * The inlined muxer choice: the first of the initiator's muxers the responder lists too. A side that sent no
     * extensions, or an empty list, opts out.
     */
    static Optional<String> selectMuxer(@Nullable NoiseExtensions initiator, @Nullable NoiseExtensions responder)
            throws NoiseException {
        if (initiator == null || responder == null || initiator.streamMuxers().isEmpty()
                || responder.streamMuxers().isEmpty()) {
            return Optional.empty();
        }
        for (String muxer : initiator.streamMuxers()) {
            if (responder.streamMuxers().contains(muxer)) {
                return Optional.of(muxer);
            }
        }
        throw new NoiseException(NoiseException.Reason.NO_COMMON_MUXER, "no common stream muxer: initiator offers "
                + initiator.streamMuxers() + ", responder offers " + responder.streamMuxers());
    }

    @FunctionalInterface
    private interface Action<T> {
        T run() throws NoiseException;
    }

    /** Runs {@code action}; on any failure marks the handshake failed and wipes the key pairs. */
    private <T> T guarded(Action<T> action) throws NoiseException {
        boolean ok = false;
        try {
            T result = action.run();
            ok = true;
            return result;
        } finally {
            if (!ok) {
                state = State.FAILED;
                staticKey.destroy();
                noise.destroy();
            }
        }
    }
}
