package io.meshwork.libp2p.perf.internal;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

@ObjectClassDefinition(name = "libp2p perf command", description = "The libp2p:perf shell command (client of"
        + " /perf/1.0.0).")
@interface PerfCommandConfig {

    @AttributeDefinition(name = "Timeout (s)", description = "How long one perf run may take in all; then its"
            + " stream is reset.")
    long timeout_seconds() default 600;

    @AttributeDefinition(name = "Write size (bytes)", description = "Size of each upload write (1 KiB to 512 KiB).")
    int write_size_bytes() default PerfProtocol.DEFAULT_WRITE_SIZE;

    @AttributeDefinition(name = "Max outstanding writes", description = "Upload writes in flight; capped so"
            + " that write size times this stays within 1 MiB (Yamux's default per-stream write queue).")
    int max_outstanding_writes() default PerfProtocol.DEFAULT_MAX_OUTSTANDING_WRITES;
}
