package io.meshwork.libp2p.core.internal.identify;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/** Timers of identify push (PID {@value IdentifyService#PID}). */
@ObjectClassDefinition(name = "libp2p identify", description = "When connected peers are told, by an identify"
        + " push, that this node's protocols or addresses changed.")
@interface IdentifyConfig {

    @AttributeDefinition(name = "Push delay (ms)", description = "Changes within this time after the first one go"
            + " out in one push.")
    long push_delay_ms() default IdentifyService.PUSH_DELAY_MS;

    @AttributeDefinition(name = "Address check interval (ms)", description = "How often the listen addresses are"
            + " compared with the last ones announced (they change when a circuit relay reservation is made, lost"
            + " or refreshed with other addresses); 0 turns address pushes off.")
    long address_check_ms() default IdentifyService.ADDRESS_CHECK_MS;
}
