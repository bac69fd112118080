package io.meshwork.ui.fx.internal;

import io.meshwork.libp2p.api.HostIdentity;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import javafx.application.Platform;
import javafx.scene.Scene;
import javafx.stage.Stage;
import org.jspecify.annotations.Nullable;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.BundleException;
import org.osgi.framework.Constants;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Meshwork desktop window. Starts the JavaFX toolkit (or reuses it: the toolkit outlives a restart of this
 * bundle), shows a {@link Stage} with an {@link IdentityView}, and keeps the view in step with the optional,
 * dynamic {@link HostIdentity}. With the framework property {@value #HEADLESS_PROPERTY}{@code =true} it does nothing.
 *
 * <p>Threading: DS calls the constructor, the bind/unbind methods and {@link #deactivate()} on its own threads; they
 * only touch the atomic {@link #identity} and post work to the JavaFX application thread. {@link #stage} and
 * {@link #view} belong to the JavaFX thread alone. {@link #deactivate()} waits (bounded) until the window is closed.
 */
@Component(immediate = true, service = {})
public final class DesktopWindow {

    static final String HEADLESS_PROPERTY = "meshwork.headless";
    static final String TITLE = "Meshwork";
    static final double MIN_WIDTH = 560;
    static final double MIN_HEIGHT = 240;
    private static final long CLOSE_TIMEOUT_SECONDS = 5;

    private static final Logger LOG = LoggerFactory.getLogger(DesktopWindow.class);

    private final boolean headless;
    private final BundleContext context;
    private final AtomicReference<@Nullable BoundIdentity> identity = new AtomicReference<>();

    /** JavaFX thread only. */
    private @Nullable Stage stage;
    /** JavaFX thread only. */
    private @Nullable IdentityView view;
    /** JavaFX thread only: set once deactivated, so a late show or refresh opens nothing. */
    private boolean closed;

    @Activate
    public DesktopWindow(BundleContext context) {
        this.context = context;
        headless = Boolean.parseBoolean(context.getProperty(HEADLESS_PROPERTY));
        if (headless) {
            LOG.info("{}=true: no desktop window", HEADLESS_PROPERTY);
            return;
        }
        // An implicit exit would stop the toolkit when the last window closes, and it cannot be started again in
        // this JVM: a later restart of this bundle would have no toolkit.
        Platform.setImplicitExit(false);
        startToolkitAndRun(this::show);
    }

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    void bindIdentity(HostIdentity service) {
        // Read the Peer ID here, on the DS thread, so the JavaFX thread never calls into a service.
        identity.set(new BoundIdentity(service, service.peerId().toBase58()));
        refresh();
    }

    void unbindIdentity(HostIdentity service) {
        // With a greedy rebind DS binds the new service before unbinding the old one: keep the new one.
        BoundIdentity current = identity.get();
        if (current != null && current.service() == service && identity.compareAndSet(current, null)) {
            refresh();
        }
    }

    @Deactivate
    void deactivate() {
        identity.set(null);
        if (headless) {
            return;
        }
        if (Platform.isFxApplicationThread()) {
            close();
            return;
        }
        CountDownLatch closedLatch = new CountDownLatch(1);
        Platform.runLater(() -> {
            try {
                close();
            } finally {
                closedLatch.countDown();
            }
        });
        try {
            if (!closedLatch.await(CLOSE_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                LOG.warn("The JavaFX thread did not close the window within {} s; it will close when it can",
                        CLOSE_TIMEOUT_SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            LOG.warn("Interrupted while waiting for the window to close; it will close when the JavaFX thread can", e);
        }
    }

    private static void startToolkitAndRun(Runnable task) {
        try {
            Platform.startup(task);
            LOG.debug("JavaFX toolkit started");
        } catch (IllegalStateException alreadyStarted) {
            // Expected after a restart of this bundle: the toolkit lives as long as the JVM.
            LOG.debug("JavaFX toolkit already running; reusing it");
            Platform.runLater(task);
        } catch (UnsupportedOperationException e) {
            throw new IllegalStateException("Cannot start the JavaFX toolkit (no display?); set "
                    + HEADLESS_PROPERTY + "=true to run without a window", e);
        }
    }

    /** JavaFX thread. */
    private void show() {
        if (closed) {
            return;
        }
        IdentityView identityView = new IdentityView();
        Stage window = new Stage();
        window.setTitle(TITLE);
        window.setScene(new Scene(identityView, MIN_WIDTH, MIN_HEIGHT));
        window.setMinWidth(MIN_WIDTH);
        window.setMinHeight(MIN_HEIGHT);
        // Closing the window is how desktop users quit an application: stop the node, not just hide the window.
        window.setOnCloseRequest(event -> quit());
        view = identityView;
        stage = window;
        update(identityView);
        window.show();
        LOG.info("Desktop window shown");
    }

    /** Stops the whole framework, off the JavaFX thread (stopping waits for this bundle to deactivate). */
    private void quit() {
        LOG.info("Window closed by the user: stopping Meshwork");
        Thread stopper = new Thread(() -> {
            try {
                Bundle system = context.getBundle(Constants.SYSTEM_BUNDLE_LOCATION);
                if (system != null) {
                    system.stop();
                }
            } catch (BundleException | IllegalStateException e) {
                LOG.warn("Could not stop the framework after the window was closed: {}", e.getMessage(), e);
            }
        }, "meshwork-quit");
        stopper.start();
    }

    /** Any thread: brings the view up to date with the current identity, on the JavaFX thread. */
    private void refresh() {
        if (headless) {
            return;
        }
        Platform.runLater(() -> {
            IdentityView current = view;
            if (current != null) {
                update(current);
            }
        });
    }

    /** JavaFX thread. Reads the identity now rather than when the update was posted, so the latest one wins. */
    private void update(IdentityView target) {
        BoundIdentity bound = identity.get();
        target.showPeerId(Optional.ofNullable(bound).map(BoundIdentity::peerId));
    }

    /** JavaFX thread. */
    private void close() {
        closed = true;
        Stage window = stage;
        stage = null;
        view = null;
        if (window != null) {
            window.close();
            LOG.info("Desktop window closed");
        }
    }

    /** The bound service with its Peer ID text, read once when it was bound. */
    private record BoundIdentity(HostIdentity service, String peerId) {
    }
}
