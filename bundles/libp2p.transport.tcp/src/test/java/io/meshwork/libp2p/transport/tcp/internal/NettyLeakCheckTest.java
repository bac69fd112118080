package io.meshwork.libp2p.transport.tcp.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The leak check the other tests rely on does catch a leaked buffer. */
@ExtendWith(NettyLeakCheck.class)
class NettyLeakCheckTest {

    @Test
    void aLeakedBufferIsReported() throws InterruptedException {
        leak();
        List<String> leaks = NettyLeakCheck.collectLeaks();
        assertEquals(1, leaks.size(), () -> String.join("\n", leaks));
        assertTrue(leaks.get(0).contains("deliberately leaked"), leaks.get(0));
    }

    private static void leak() {
        ByteBuf buffer = ByteBufAllocator.DEFAULT.directBuffer(16);
        buffer.writeLong(42).touch(NettyLeakCheck.EXPECTED_LEAK + " deliberately leaked");
    }
}
