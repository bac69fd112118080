package io.meshwork.libp2p.transport.tcp.internal;

import io.meshwork.libp2p.api.spi.RawConnection;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;

/** Collects accepted connections, optionally setting each one up on its event loop first. */
final class Acceptor implements Consumer<RawConnection> {

    private final BlockingQueue<RawConnection> accepted = new LinkedBlockingQueue<>();
    private final Consumer<RawConnection> setup;
    volatile boolean calledOnEventLoop = true;

    Acceptor(Consumer<RawConnection> setup) {
        this.setup = setup;
    }

    Acceptor() {
        this(connection -> { });
    }

    @Override
    public void accept(RawConnection connection) {
        if (!((io.netty.channel.EventLoop) connection.executor()).inEventLoop()) {
            calledOnEventLoop = false;
        }
        setup.accept(connection);
        accepted.add(connection);
    }

    RawConnection next() throws InterruptedException, TimeoutException {
        RawConnection connection = accepted.poll(TestSupport.TIMEOUT_SECONDS, TimeUnit.SECONDS);
        if (connection == null) {
            throw new TimeoutException("no connection accepted within " + TestSupport.TIMEOUT_SECONDS + " s");
        }
        return connection;
    }

    RawConnection poll() {
        return accepted.poll();
    }
}
