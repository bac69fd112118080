package io.meshwork.identity.internal;

import io.meshwork.libp2p.api.codec.MalformedDataException;
import io.meshwork.libp2p.api.crypto.KeyType;
import io.meshwork.libp2p.api.crypto.PrivateKey;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The identity key file: a libp2p {@code PrivateKey} protobuf (Ed25519), readable by its owner only.
 *
 * <p>A new key is written to a temporary file in the same directory, forced to disk and then atomically renamed,
 * so a crash leaves either no key or a whole key, never half of one. An existing file that cannot be read as a
 * key is never overwritten: the node refuses to start rather than silently take a new identity.
 * Stateless; safe to call from any thread, but two processes must not create the same file at once.
 */
final class IdentityKeyFile {

    private static final Logger LOG = LoggerFactory.getLogger(IdentityKeyFile.class);
    private static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rw-------");
    /** A PrivateKey protobuf for Ed25519 is 68 bytes (legacy form 100); anything far larger is not a key. */
    private static final long MAX_FILE_SIZE = 4096;

    private IdentityKeyFile() {
    }

    /** Result of {@link #loadOrCreate}: the key and whether it was created just now. */
    record Loaded(PrivateKey key, boolean created) {
    }

    static Loaded loadOrCreate(Path file, SecureRandom random) throws IOException {
        if (Files.exists(file)) {
            return new Loaded(read(file), false);
        }
        PrivateKey key = PrivateKey.generateEd25519(random);
        write(file, key.marshal());
        return new Loaded(key, true);
    }

    static PrivateKey read(Path file) throws IOException {
        long size = Files.size(file);
        if (size > MAX_FILE_SIZE) {
            throw new IOException("identity key file " + file + " is " + size + " bytes; that is not a key file."
                    + " Move it away to create a new identity, or restore the right file");
        }
        byte[] bytes = Files.readAllBytes(file);
        PrivateKey key;
        try {
            key = PrivateKey.unmarshal(bytes);
        } catch (MalformedDataException e) {
            throw new IOException("identity key file " + file + " is damaged (" + e.getMessage() + "). It was left"
                    + " untouched; restore it from a backup, or move it away to start with a new identity", e);
        }
        if (key.type() != KeyType.ED25519) {
            throw new IOException("identity key file " + file + " holds a " + key.type() + " key; Meshwork needs"
                    + " an Ed25519 key");
        }
        restrictPermissions(file);
        return key;
    }

    static void write(Path file, byte[] content) throws IOException {
        Path dir = file.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        Path tmp = dir.resolve(file.getFileName() + ".tmp");
        Files.deleteIfExists(tmp);
        boolean posix = FileSystems.getDefault().supportedFileAttributeViews().contains("posix");
        FileAttribute<?>[] attrs = posix
                ? new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(OWNER_ONLY)}
                : new FileAttribute<?>[0];
        try (FileChannel ch = FileChannel.open(tmp, Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE),
                attrs)) {
            ByteBuffer buf = ByteBuffer.wrap(content);
            while (buf.hasRemaining()) {
                ch.write(buf);
            }
            ch.force(true);
        }
        try {
            Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(tmp, file);
        }
        syncDirectory(dir);
    }

    private static void restrictPermissions(Path file) throws IOException {
        if (!FileSystems.getDefault().supportedFileAttributeViews().contains("posix")) {
            return;
        }
        Set<PosixFilePermission> perms = Files.getPosixFilePermissions(file);
        if (!perms.equals(OWNER_ONLY)) {
            LOG.warn("Identity key file {} had permissions {}; restricting it to the owner (rw-------)", file,
                    PosixFilePermissions.toString(perms));
            Files.setPosixFilePermissions(file, OWNER_ONLY);
        }
    }

    private static void syncDirectory(Path dir) {
        // Makes the rename durable on Linux; not supported everywhere, and the key is already whole either way.
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        } catch (IOException e) {
            LOG.debug("Could not sync directory {}: {}", dir, e.toString());
        }
    }
}
