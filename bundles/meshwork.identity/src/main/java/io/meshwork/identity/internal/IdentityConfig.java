package io.meshwork.identity.internal;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

@ObjectClassDefinition(name = "Meshwork identity", description = "Where the node's identity key lives.")
@interface IdentityConfig {

    @AttributeDefinition(name = "Key file", description = "Path of the identity key file. Empty means"
            + " <data>/identity.key, where <data> is the node's data directory.")
    String key_file() default "";
}
