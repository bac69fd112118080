package io.meshwork.libp2p.transport.tcp.internal;

import static org.junit.jupiter.api.Assertions.fail;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.util.ResourceLeakDetector;
import io.netty.util.ResourceLeakDetectorFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Fails a test when Netty's leak detector reports a leaked buffer.
 *
 * <p>Installs a recording {@link ResourceLeakDetectorFactory} before Netty creates its buffer leak detector (so
 * every test class that allocates buffers must use this extension), and sets the level to paranoid in case the
 * build did not. After each test it leaks a canary buffer and forces garbage collection until the canary is
 * reported: anything that became unreachable before it is reported by then as well.
 */
public final class NettyLeakCheck implements AfterEachCallback {

    private static final String CANARY = "meshwork-leak-canary";
    /** A touch hint marking a leak a test provokes on purpose: recorded, but not logged as an error. */
    static final String EXPECTED_LEAK = "meshwork-expected-leak";
    private static final List<String> LEAKS = new ArrayList<>();
    private static boolean canaryReported;
    private static int canaries;

    static {
        ResourceLeakDetector.setLevel(ResourceLeakDetector.Level.PARANOID);
        ResourceLeakDetectorFactory.setResourceLeakDetectorFactory(new RecordingFactory());
    }

    @Override
    public void afterEach(ExtensionContext context) throws InterruptedException {
        List<String> leaks = collectLeaks();
        if (!leaks.isEmpty()) {
            fail("Netty reported " + leaks.size() + " leaked buffer(s):\n" + String.join("\n", leaks));
        }
    }

    /** Forces a leak-detection round and returns (and forgets) what was reported. */
    static List<String> collectLeaks() throws InterruptedException {
        synchronized (LEAKS) {
            canaryReported = false;
        }
        leakCanary();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (true) {
            System.gc();
            // Tracking a new buffer is what makes the detector poll its reference queue.
            ByteBufAllocator.DEFAULT.heapBuffer(1).release();
            synchronized (LEAKS) {
                if (canaryReported) {
                    List<String> leaks = new ArrayList<>(LEAKS);
                    LEAKS.clear();
                    return leaks;
                }
            }
            if (System.nanoTime() > deadline) {
                fail("the leak canary was not reported within 10 s: is leak detection working?");
            }
            // Give the reference handler thread a moment to enqueue what the collection found.
            TimeUnit.MILLISECONDS.sleep(5);
        }
    }

    private static void leakCanary() {
        ByteBuf canary = ByteBufAllocator.DEFAULT.heapBuffer(1);
        // Unique: the detector reports identical records only once.
        canary.touch(CANARY + " #" + (++canaries));
    }

    private static void record(String report) {
        synchronized (LEAKS) {
            if (report.contains(CANARY)) {
                canaryReported = true;
            } else {
                LEAKS.add(report);
            }
        }
    }

    private static final class RecordingFactory extends ResourceLeakDetectorFactory {

        @Override
        public <T> ResourceLeakDetector<T> newResourceLeakDetector(Class<T> resource, int samplingInterval) {
            return new RecordingDetector<>(resource, samplingInterval);
        }

        @Override
        @Deprecated
        public <T> ResourceLeakDetector<T> newResourceLeakDetector(Class<T> resource, int samplingInterval,
                long maxActive) {
            return new RecordingDetector<>(resource, samplingInterval);
        }
    }

    private static final class RecordingDetector<T> extends ResourceLeakDetector<T> {

        RecordingDetector(Class<?> resourceType, int samplingInterval) {
            super(resourceType, samplingInterval);
        }

        @Override
        protected boolean needReport() {
            return true;
        }

        @Override
        protected void reportTracedLeak(String resourceType, String records) {
            record("LEAK of " + resourceType + records);
            if (!records.contains(CANARY) && !records.contains(EXPECTED_LEAK)) {
                super.reportTracedLeak(resourceType, records);
            }
        }

        @Override
        protected void reportUntracedLeak(String resourceType) {
            record("LEAK of " + resourceType + " (untraced)");
            super.reportUntracedLeak(resourceType);
        }
    }
}
