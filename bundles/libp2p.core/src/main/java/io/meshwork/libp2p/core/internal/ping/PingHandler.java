package io.meshwork.libp2p.core.internal.ping;

import io.meshwork.libp2p.api.host.Stream;
import io.meshwork.libp2p.api.host.StreamHandler;
import io.meshwork.libp2p.api.io.DuplexReader;
import java.nio.ByteBuffer;
import org.jspecify.annotations.Nullable;
import org.osgi.service.component.annotations.Component;

/**
 * {@code /ipfs/ping/1.0.0} responder: echoes every 32-byte payload at once (js-libp2p closes connections whose
 * pings go unanswered). A stream may carry many pings; the responder stops when the remote closes.
 */
@Component(property = {StreamHandler.PROTOCOL + "=" + Ping.PROTOCOL, StreamHandler.ALLOW_LIMITED + "=true"})
public final class PingHandler implements StreamHandler {

    @Override
    public void handle(Stream stream) {
        stream.setReader(new Echo(stream));
    }

    /** Confined to the stream's executor. */
    private static final class Echo implements DuplexReader {
        private final Stream stream;
        private final byte[] buf = new byte[Ping.SIZE];
        private int have;

        Echo(Stream stream) {
            this.stream = stream;
        }

        @Override
        public void onData(ByteBuffer data) {
            while (data.hasRemaining()) {
                int n = Math.min(Ping.SIZE - have, data.remaining());
                data.get(buf, have, n);
                have += n;
                if (have == Ping.SIZE) {
                    stream.write(ByteBuffer.wrap(buf.clone()));
                    have = 0;
                }
            }
        }

        @Override
        public void onEnd() {
            stream.closeWrite();
        }

        @Override
        public void onClose(@Nullable Throwable cause) {
            have = 0;
        }
    }
}
