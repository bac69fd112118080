package io.meshwork.ui.fx.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.meshwork.libp2p.api.HostIdentity;
import io.meshwork.libp2p.api.crypto.PrivateKey;
import io.meshwork.libp2p.api.crypto.PublicKey;
import io.meshwork.libp2p.api.peer.PeerId;
import java.lang.reflect.Proxy;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import javafx.scene.control.Button;
import javafx.scene.control.Labeled;
import javafx.scene.control.TextField;
import javafx.stage.Stage;
import javafx.stage.Window;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.osgi.framework.BundleContext;
import org.testfx.api.FxRobot;
import org.testfx.api.FxToolkit;
import org.testfx.util.WaitForAsyncUtils;

/**
 * The DS component outside the framework: DS calls are made by hand, the toolkit is Monocle's. TestFX starts the
 * toolkit first, so the component takes its "already running" path, as after a restart of the bundle.
 */
class DesktopWindowTest {

    private final FxRobot robot = new FxRobot();
    private final List<DesktopWindow> active = new ArrayList<>();

    @BeforeAll
    static void startToolkit() throws Exception {
        FxToolkit.registerPrimaryStage();
    }

    @AfterEach
    void deactivateAll() {
        active.forEach(DesktopWindow::deactivate);
    }

    @Test
    void showsAWindowTitledMeshworkThatLoadsUntilAnIdentityIsBound() throws Exception {
        activate(false);

        Stage stage = awaitWindow();
        assertTrue(onFx(() -> stage.getMinWidth() >= DesktopWindow.MIN_WIDTH
                && stage.getMinHeight() >= DesktopWindow.MIN_HEIGHT));
        assertEquals("", onFx(() -> peerIdField(stage).getText()));
        assertTrue(onFx(() -> copyButton(stage).isDisabled()));
        assertEquals(IdentityView.LOADING, onFx(() -> status(stage).getText()));
    }

    @Test
    void showsTheBoundPeerIdAndReturnsToLoadingWhenItGoes() throws Exception {
        DesktopWindow window = activate(false);
        Stage stage = awaitWindow();
        HostIdentity identity = identity();

        window.bindIdentity(identity);
        assertEquals(identity.peerId().toBase58(), onFx(() -> peerIdField(stage).getText()));
        assertEquals(IdentityView.NOT_CONNECTED, onFx(() -> status(stage).getText()));

        window.unbindIdentity(identity);
        assertEquals("", onFx(() -> peerIdField(stage).getText()));
        assertEquals(IdentityView.LOADING, onFx(() -> status(stage).getText()));
    }

    @Test
    void anIdentityBoundBeforeTheWindowOpensIsShown() throws Exception {
        HostIdentity identity = identity();
        DesktopWindow window = activate(false);
        window.bindIdentity(identity);

        Stage stage = awaitWindow();

        assertEquals(identity.peerId().toBase58(), onFx(() -> peerIdField(stage).getText()));
    }

    @Test
    void keepsTheNewerIdentityWhenTheOldOneIsUnboundAfterAGreedyRebind() throws Exception {
        DesktopWindow window = activate(false);
        Stage stage = awaitWindow();
        HostIdentity first = identity();
        HostIdentity second = identity();

        window.bindIdentity(first);
        window.bindIdentity(second);
        window.unbindIdentity(first);

        assertEquals(second.peerId().toBase58(), onFx(() -> peerIdField(stage).getText()));
    }

    @Test
    void deactivateClosesTheWindowAndAReactivatedComponentOpensANewOne() throws Exception {
        DesktopWindow first = activate(false);
        Stage firstStage = awaitWindow();

        first.deactivate();
        active.remove(first);
        assertTrue(meshworkWindows().isEmpty());
        assertTrue(onFx(() -> !firstStage.isShowing()));

        activate(false);
        Stage secondStage = awaitWindow();
        assertNotSame(firstStage, secondStage);
    }

    @Test
    void opensNoWindowWhenHeadless() throws Exception {
        DesktopWindow window = activate(true);
        HostIdentity identity = identity();
        window.bindIdentity(identity);
        window.unbindIdentity(identity);

        assertTrue(meshworkWindows().isEmpty());
    }

    private DesktopWindow activate(boolean headless) {
        DesktopWindow window =
                new DesktopWindow(context(Map.of(DesktopWindow.HEADLESS_PROPERTY, String.valueOf(headless))));
        active.add(window);
        return window;
    }

    /** A BundleContext that answers {@code getProperty} only, which is all the component asks of it. */
    private static BundleContext context(Map<String, String> properties) {
        return (BundleContext) Proxy.newProxyInstance(DesktopWindowTest.class.getClassLoader(),
                new Class<?>[] {BundleContext.class}, (proxy, method, args) -> {
                    if (method.getName().equals("getProperty")) {
                        return properties.get((String) args[0]);
                    }
                    throw new UnsupportedOperationException(method.getName());
                });
    }

    private static HostIdentity identity() {
        PrivateKey key = PrivateKey.generateEd25519(new SecureRandom());
        PeerId peerId = PeerId.fromPublicKey(key.publicKey());
        return new HostIdentity() {
            @Override
            public PeerId peerId() {
                return peerId;
            }

            @Override
            public PublicKey publicKey() {
                return key.publicKey();
            }

            @Override
            public byte[] sign(byte[] data) {
                return key.sign(data);
            }
        };
    }

    private static Stage awaitWindow() throws Exception {
        WaitForAsyncUtils.waitFor(5, TimeUnit.SECONDS, () -> meshworkWindows().size() == 1);
        return meshworkWindows().get(0);
    }

    /** Showing stages titled "Meshwork"; TestFX's own primary stage has no title. */
    private static List<Stage> meshworkWindows() throws Exception {
        return onFx(() -> Window.getWindows().stream()
                .filter(Stage.class::isInstance)
                .map(Stage.class::cast)
                .filter(s -> DesktopWindow.TITLE.equals(s.getTitle()) && s.isShowing())
                .toList());
    }

    private TextField peerIdField(Stage stage) {
        return robot.from(stage.getScene().getRoot()).lookup("#peerId").queryAs(TextField.class);
    }

    private Button copyButton(Stage stage) {
        return robot.from(stage.getScene().getRoot()).lookup("#copy").queryButton();
    }

    private Labeled status(Stage stage) {
        return robot.from(stage.getScene().getRoot()).lookup("#status").queryLabeled();
    }

    /** Reads JavaFX state on the JavaFX thread, after pending events have run. */
    private static <T> T onFx(Callable<T> read) throws Exception {
        WaitForAsyncUtils.waitForFxEvents();
        return WaitForAsyncUtils.asyncFx(read).get(5, TimeUnit.SECONDS);
    }
}
