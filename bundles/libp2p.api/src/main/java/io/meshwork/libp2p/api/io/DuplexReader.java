package io.meshwork.libp2p.api.io;

import java.nio.ByteBuffer;
import org.jspecify.annotations.Nullable;
import org.osgi.annotation.versioning.ConsumerType;

/** Receives what arrives on a {@link Duplex}. Called on the duplex's executor only, never concurrently. */
@ConsumerType
public interface DuplexReader {

    /**
     * Data arrived. The buffer is valid only during this call: copy what you need to keep. Throwing resets the
     * duplex (the exception is logged with context).
     */
    void onData(ByteBuffer data);

    /** The remote half-closed: no more data will arrive. Writing may go on. */
    default void onEnd() {
    }

    /**
     * The duplex is finished: {@code cause} is null after a clean close, otherwise the reset or failure. Called
     * once, last.
     */
    default void onClose(@Nullable Throwable cause) {
    }
}
