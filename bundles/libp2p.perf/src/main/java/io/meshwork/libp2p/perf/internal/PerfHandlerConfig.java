package io.meshwork.libp2p.perf.internal;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

@ObjectClassDefinition(name = "libp2p perf server", description = "Serves /perf/1.0.0: reads what a client"
        + " uploads, then sends back as many bytes as it asked for. Only enable on trusted networks: a client can"
        + " make this node send a lot of data.")
@interface PerfHandlerConfig {

    @AttributeDefinition(name = "Max download (bytes)", description = "Largest number of bytes a client may ask"
            + " for; larger requests are refused by resetting the stream. Up to 2^63-1 (the timer-based variant of"
            + " the spec asks for 2^64-1 and is therefore always refused).")
    long max_download_bytes() default 16L * 1024 * 1024 * 1024;

    @AttributeDefinition(name = "Max concurrent streams", description = "Perf streams served at the same time,"
            + " all peers together; more are reset at once.")
    int max_concurrent_streams() default 16;

    @AttributeDefinition(name = "Write size (bytes)", description = "Size of each write when sending the"
            + " download (1 KiB to 512 KiB).")
    int write_size_bytes() default PerfProtocol.DEFAULT_WRITE_SIZE;

    @AttributeDefinition(name = "Max outstanding writes", description = "Writes in flight per stream; capped so"
            + " that write size times this stays within 1 MiB (Yamux's default per-stream write queue).")
    int max_outstanding_writes() default PerfProtocol.DEFAULT_MAX_OUTSTANDING_WRITES;
}
