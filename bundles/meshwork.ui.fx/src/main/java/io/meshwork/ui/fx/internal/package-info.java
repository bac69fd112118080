/**
 * The desktop window: a DS component that owns the JavaFX stage, and plain JavaFX views it fills from services.
 * Nothing here is exported.
 */
@NullMarked
package io.meshwork.ui.fx.internal;

import org.jspecify.annotations.NullMarked;
