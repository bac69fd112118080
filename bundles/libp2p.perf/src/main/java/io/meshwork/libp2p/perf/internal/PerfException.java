package io.meshwork.libp2p.perf.internal;

import io.meshwork.libp2p.api.host.Libp2pException;
import org.jspecify.annotations.Nullable;

/** A perf run failed; {@link #step()} says where, the message says where and why in one readable line. */
public final class PerfException extends Libp2pException {
    private static final long serialVersionUID = 1L;

    /** The steps of a run, in order. */
    public enum Step {
        CONNECT("connect"),
        OPEN_STREAM("open stream"),
        UPLOAD("upload"),
        DOWNLOAD("download");

        private final String label;

        Step(String label) {
            this.label = label;
        }

        @Override
        public String toString() {
            return label;
        }
    }

    private final Step step;

    PerfException(Step step, String message, @Nullable Throwable cause) {
        super(step + " failed: " + message, cause);
        this.step = step;
    }

    public Step step() {
        return step;
    }
}
