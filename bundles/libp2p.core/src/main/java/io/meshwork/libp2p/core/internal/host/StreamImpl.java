package io.meshwork.libp2p.core.internal.host;

import io.meshwork.libp2p.api.host.Connection;
import io.meshwork.libp2p.api.host.Direction;
import io.meshwork.libp2p.api.host.Stream;
import io.meshwork.libp2p.api.io.Duplex;
import io.meshwork.libp2p.api.io.DuplexReader;
import java.nio.ByteBuffer;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;

/** A negotiated stream: the muxer's duplex plus what the host knows about it. Thread-safe like its duplex. */
final class StreamImpl implements Stream {

    private final String id;
    private final String protocol;
    private final ConnectionImpl connection;
    private final Direction direction;
    private final Duplex duplex;

    StreamImpl(String id, String protocol, ConnectionImpl connection, Direction direction, Duplex duplex) {
        this.id = id;
        this.protocol = protocol;
        this.connection = connection;
        this.direction = direction;
        this.duplex = duplex;
    }

    @Override
    public String id() {
        return id;
    }

    @Override
    public String protocol() {
        return protocol;
    }

    @Override
    public Connection connection() {
        return connection;
    }

    @Override
    public Direction direction() {
        return direction;
    }

    @Override
    public Executor executor() {
        return duplex.executor();
    }

    @Override
    public CompletionStage<Void> write(ByteBuffer data) {
        return duplex.write(data);
    }

    @Override
    public CompletionStage<Void> closeWrite() {
        return duplex.closeWrite();
    }

    @Override
    public void reset() {
        duplex.reset();
    }

    @Override
    public void close() {
        duplex.close();
    }

    @Override
    public void setReader(DuplexReader reader) {
        duplex.setReader(reader);
    }

    @Override
    public void pauseReading() {
        duplex.pauseReading();
    }

    @Override
    public void resumeReading() {
        duplex.resumeReading();
    }

    @Override
    public boolean isOpen() {
        return duplex.isOpen();
    }

    @Override
    public CompletionStage<Void> closeFuture() {
        return duplex.closeFuture();
    }

    @Override
    public String toString() {
        return "Stream[" + connection.id() + "/" + id + " " + protocol + " " + direction + "]";
    }
}
