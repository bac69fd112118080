package io.meshwork.libp2p.kad.internal;

import io.meshwork.libp2p.api.host.Stream;
import io.meshwork.libp2p.api.host.StreamHandler;
import io.meshwork.libp2p.api.io.VarintFrames;
import io.meshwork.libp2p.api.peer.PeerId;
import io.meshwork.libp2p.kad.internal.engine.KadEngine;
import io.meshwork.libp2p.kad.internal.proto.KadCodec;
import io.meshwork.libp2p.kad.internal.proto.KadMessage;
import java.nio.ByteBuffer;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Serves inbound DHT streams: any number of requests one after the other on one stream, answered in order; at most
 * {@code maxInFlight} unanswered at once. A malformed request, a refused record or too many requests reset the
 * stream.
 */
public final class KadHandler implements StreamHandler {

    private static final Logger LOG = LoggerFactory.getLogger(KadHandler.class);

    private final KadEngine engine;
    private final int maxInFlight;

    public KadHandler(KadEngine engine, int maxInFlight) {
        this.engine = engine;
        this.maxInFlight = maxInFlight;
    }

    @Override
    public void handle(Stream stream) {
        PeerId from = stream.connection().remotePeer();
        stream.setReader(new VarintFrames.Reader(KadCodec.MAX_MESSAGE_SIZE, new VarintFrames.MessageHandler() {
            private int inFlight;
            private boolean ended;

            @Override
            public void onMessage(ByteBuffer message) {
                byte[] bytes = new byte[message.remaining()];
                message.get(bytes);
                KadMessage request = KadCodec.decode(bytes);
                if (++inFlight > maxInFlight) {
                    LOG.debug("{} sent more than {} DHT requests at once on one stream; resetting it", from,
                            maxInFlight);
                    stream.reset();
                    return;
                }
                engine.handle(from, request).whenCompleteAsync((response, e) -> {
                    inFlight--;
                    if (e != null) {
                        LOG.debug("DHT {} from {}: {}", request.type(), from, e.getMessage());
                        stream.reset();
                        return;
                    }
                    if (response != null) {
                        stream.write(VarintFrames.frame(KadCodec.encode(response)));
                    }
                    if (ended && inFlight == 0) {
                        stream.close();
                    }
                }, stream.executor());
            }

            @Override
            public void onEnd() {
                ended = true;
                if (inFlight == 0) {
                    stream.close();
                }
            }

            @Override
            public void onClose(@Nullable Throwable cause) {
                if (cause != null) {
                    stream.reset();
                }
            }
        }));
    }
}
