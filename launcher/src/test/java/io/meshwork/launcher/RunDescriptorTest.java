package io.meshwork.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class RunDescriptorTest {

    @Test
    void readsBundlesInOrderSystemPackagesAndRunProperties() throws Exception {
        String props = String.join("\n",
                "launch.bundles=jar/a-1.0.jar,jar/b-2.0.jar , jar/c.jar",
                "launch.system.packages=org.slf4j;version=2.0.17,org.osgi.framework.wiring;uses:=\\\"org.osgi.framework,"
                        + "org.osgi.resource\\\";version=1.2,javafx.scene;version=21.0.11",
                "launch.system.capabilities=",
                "launch.embedded=true",
                "ds.loglevel=warn");
        RunDescriptor d = RunDescriptor.load(new ByteArrayInputStream(props.getBytes(StandardCharsets.ISO_8859_1)));
        assertEquals(List.of("jar/a-1.0.jar", "jar/b-2.0.jar", "jar/c.jar"), d.bundles());
        assertEquals("org.slf4j;version=2.0.17,javafx.scene;version=21.0.11", d.systemPackages(),
                "the framework's own org.osgi packages are not extra system packages");
        assertEquals("warn", d.runProperties().get("ds.loglevel"));
        assertFalse(d.runProperties().containsKey("launch.embedded"), "launcher settings are not run properties");
    }
}
