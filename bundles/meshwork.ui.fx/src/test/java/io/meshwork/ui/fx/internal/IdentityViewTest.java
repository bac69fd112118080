package io.meshwork.ui.fx.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import javafx.scene.Scene;
import javafx.scene.control.Button;
import javafx.scene.control.Labeled;
import javafx.scene.control.TextField;
import javafx.scene.input.Clipboard;
import javafx.scene.input.ClipboardContent;
import javafx.stage.Stage;
import javafx.util.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.testfx.api.FxRobot;
import org.testfx.framework.junit5.ApplicationExtension;
import org.testfx.framework.junit5.Start;
import org.testfx.util.WaitForAsyncUtils;

@ExtendWith(ApplicationExtension.class)
class IdentityViewTest {

    private static final String PEER_ID = "12D3KooWD3eckifWpRn9wQpMG9R9hX3sD158z7EqHWmweQAJU5SA";
    private static final String OTHER_PEER_ID = "12D3KooWEyoppNCUx8Yx66oV9fJnriXwCcXwDDUA2kj6vnc6iDEp";
    /** Long enough that the tests can see "Copied" before it reverts, short enough to wait for. */
    private static final Duration COPIED_FEEDBACK = Duration.millis(300);

    private IdentityView view;

    @Start
    void start(Stage stage) {
        view = new IdentityView(COPIED_FEEDBACK);
        stage.setScene(new Scene(view, DesktopWindow.MIN_WIDTH, DesktopWindow.MIN_HEIGHT));
        stage.show();
    }

    @Test
    void showsLoadingAndDisablesCopyWhileThereIsNoIdentity(FxRobot robot) throws Exception {
        assertEquals("", onFx(() -> peerIdField(robot).getText()));
        assertTrue(onFx(() -> copyButton(robot).isDisabled()));
        assertEquals(IdentityView.LOADING, onFx(() -> status(robot).getText()));
    }

    @Test
    void showsThePeerIdItIsGivenInAReadOnlyField(FxRobot robot) throws Exception {
        robot.interact(() -> view.showPeerId(Optional.of(PEER_ID)));

        assertEquals(PEER_ID, onFx(() -> peerIdField(robot).getText()));
        assertFalse(onFx(() -> peerIdField(robot).isEditable()));
        assertFalse(onFx(() -> copyButton(robot).isDisabled()));
        assertEquals(IdentityView.NOT_CONNECTED, onFx(() -> status(robot).getText()));
    }

    @Test
    void typingDoesNotChangeThePeerId(FxRobot robot) throws Exception {
        robot.interact(() -> view.showPeerId(Optional.of(PEER_ID)));

        robot.clickOn("#peerId").write("x");

        assertEquals(PEER_ID, onFx(() -> peerIdField(robot).getText()));
    }

    @Test
    void copyPutsExactlyThePeerIdOnTheClipboard(FxRobot robot) throws Exception {
        robot.interact(() -> {
            ClipboardContent stale = new ClipboardContent();
            stale.putString("something else");
            Clipboard.getSystemClipboard().setContent(stale);
            view.showPeerId(Optional.of(PEER_ID));
        });

        robot.clickOn("#copy");

        assertEquals(PEER_ID, onFx(() -> Clipboard.getSystemClipboard().getString()));
        assertEquals(IdentityView.COPIED, onFx(() -> copyButton(robot).getText()));
    }

    @Test
    void copyButtonReadsCopyAgainAfterTheFeedback(FxRobot robot) throws Exception {
        robot.interact(() -> view.showPeerId(Optional.of(PEER_ID)));
        robot.clickOn("#copy");

        WaitForAsyncUtils.waitFor(5, TimeUnit.SECONDS,
                () -> onFx(() -> IdentityView.COPY.equals(copyButton(robot).getText())));
    }

    @Test
    void anIdentityArrivingLaterUpdatesTheField(FxRobot robot) throws Exception {
        assertEquals("", onFx(() -> peerIdField(robot).getText()));

        robot.interact(() -> view.showPeerId(Optional.of(PEER_ID)));

        assertEquals(PEER_ID, onFx(() -> peerIdField(robot).getText()));
        assertFalse(onFx(() -> copyButton(robot).isDisabled()));
    }

    @Test
    void aReplacedIdentityIsShownAndIsWhatCopyCopies(FxRobot robot) throws Exception {
        robot.interact(() -> view.showPeerId(Optional.of(PEER_ID)));
        robot.interact(() -> view.showPeerId(Optional.of(OTHER_PEER_ID)));

        assertEquals(OTHER_PEER_ID, onFx(() -> peerIdField(robot).getText()));
        robot.clickOn("#copy");
        assertEquals(OTHER_PEER_ID, onFx(() -> Clipboard.getSystemClipboard().getString()));
    }

    @Test
    void losingTheIdentityReturnsToLoading(FxRobot robot) throws Exception {
        robot.interact(() -> view.showPeerId(Optional.of(PEER_ID)));
        robot.clickOn("#copy");

        robot.interact(() -> view.showPeerId(Optional.empty()));

        assertEquals("", onFx(() -> peerIdField(robot).getText()));
        assertTrue(onFx(() -> copyButton(robot).isDisabled()));
        assertEquals(IdentityView.COPY, onFx(() -> copyButton(robot).getText()));
        assertEquals(IdentityView.LOADING, onFx(() -> status(robot).getText()));
    }

    private static TextField peerIdField(FxRobot robot) {
        return robot.lookup("#peerId").queryAs(TextField.class);
    }

    private static Button copyButton(FxRobot robot) {
        return robot.lookup("#copy").queryButton();
    }

    private static Labeled status(FxRobot robot) {
        return robot.lookup("#status").queryLabeled();
    }

    /** Reads JavaFX state on the JavaFX thread, after pending events have run. */
    private static <T> T onFx(Callable<T> read) throws Exception {
        WaitForAsyncUtils.waitForFxEvents();
        return WaitForAsyncUtils.asyncFx(read).get(5, TimeUnit.SECONDS);
    }
}
