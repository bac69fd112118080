package io.meshwork.ui.fx.internal;

import java.util.Objects;
import java.util.Optional;
import javafx.animation.PauseTransition;
import javafx.geometry.Insets;
import javafx.geometry.Pos;
import javafx.scene.control.Button;
import javafx.scene.control.Label;
import javafx.scene.control.TextField;
import javafx.scene.control.Tooltip;
import javafx.scene.input.Clipboard;
import javafx.scene.input.ClipboardContent;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.VBox;
import javafx.scene.text.Font;
import javafx.scene.text.FontWeight;
import javafx.util.Duration;
import org.jspecify.annotations.Nullable;

/**
 * The first screen: this node's Peer ID, a button to copy it, and a status line that says honestly what the node
 * can do so far. Plain JavaFX and plain strings, so it can be tested without OSGi or libp2p types.
 *
 * <p>Threading: a JavaFX node. Create it and call every method on the JavaFX application thread.
 */
final class IdentityView extends VBox {

    static final String LOADING = "Loading identity…";
    static final String NOT_CONNECTED = "No contacts yet — contacts and chat arrive in a later version.";
    static final String COPY = "Copy";
    static final String COPIED = "Copied";
    static final Duration DEFAULT_COPIED_FEEDBACK = Duration.seconds(1.5);

    private final TextField peerIdField = new TextField();
    private final Button copyButton = new Button(COPY);
    private final Label status = new Label();
    /** Turns "Copied" back into "Copy"; restarted by every click so rapid clicks do not flicker. */
    private final PauseTransition copiedFeedback;

    private @Nullable String peerId;

    IdentityView() {
        this(DEFAULT_COPIED_FEEDBACK);
    }

    /** @param copiedFeedback how long the button reads "Copied" after a click */
    IdentityView(Duration copiedFeedback) {
        this.copiedFeedback = new PauseTransition(Objects.requireNonNull(copiedFeedback, "copiedFeedback"));
        this.copiedFeedback.setOnFinished(e -> copyButton.setText(COPY));

        Label heading = new Label("Meshwork");
        heading.setId("heading");
        heading.setFont(Font.font(Font.getDefault().getFamily(), FontWeight.BOLD, Font.getDefault().getSize() * 1.8));

        Label peerIdLabel = new Label("Your Peer ID");
        peerIdLabel.setLabelFor(peerIdField);

        peerIdField.setId("peerId");
        // Read-only but still focusable and selectable, so the user can copy part of it by hand too.
        peerIdField.setEditable(false);
        peerIdField.setFont(Font.font("Monospaced", Font.getDefault().getSize()));
        peerIdField.setPromptText(LOADING);
        HBox.setHgrow(peerIdField, Priority.ALWAYS);

        copyButton.setId("copy");
        copyButton.setTooltip(new Tooltip("Copy your Peer ID to the clipboard"));
        // Wide enough for "Copied" so the layout does not jump on click.
        copyButton.setMinWidth(80);
        copyButton.setOnAction(e -> copyPeerId());

        HBox peerIdRow = new HBox(8, peerIdField, copyButton);
        peerIdRow.setAlignment(Pos.CENTER_LEFT);

        status.setId("status");
        status.setWrapText(true);

        setPadding(new Insets(24));
        setSpacing(12);
        VBox labelled = new VBox(4, peerIdLabel, peerIdRow);
        getChildren().addAll(heading, labelled, status);

        showPeerId(Optional.empty());
    }

    /**
     * Shows {@code peerId}, or the loading state when it is empty (no identity service bound, or it went away).
     */
    void showPeerId(Optional<String> peerId) {
        this.peerId = peerId.orElse(null);
        copiedFeedback.stop();
        copyButton.setText(COPY);
        if (this.peerId == null) {
            peerIdField.clear();
            copyButton.setDisable(true);
            status.setText(LOADING);
        } else {
            peerIdField.setText(this.peerId);
            copyButton.setDisable(false);
            status.setText(NOT_CONNECTED);
        }
    }

    private void copyPeerId() {
        String id = peerId;
        if (id == null) {
            return; // the button is disabled then; a stale event must not clear the clipboard
        }
        ClipboardContent content = new ClipboardContent();
        content.putString(id);
        Clipboard.getSystemClipboard().setContent(content);
        copyButton.setText(COPIED);
        copiedFeedback.playFromStart();
    }
}
