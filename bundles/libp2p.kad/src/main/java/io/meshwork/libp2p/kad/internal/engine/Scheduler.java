package io.meshwork.libp2p.kad.internal.engine;

import java.util.concurrent.Executor;

/**
 * The engine's serial executor and clock. Every engine method runs on it; {@link #schedule} runs a task later on
 * it. Real: one thread; tests: virtual time.
 */
public interface Scheduler extends Executor {

    long nowMillis();

    /** Runs {@code task} after {@code delayMillis}; the returned handle cancels it. */
    Runnable schedule(Runnable task, long delayMillis);
}
