package io.meshwork.identity.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.meshwork.libp2p.api.crypto.PrivateKey;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class IdentityKeyFileTest {

    @TempDir
    Path dir;

    @Test
    void createsAnOwnerOnlyKeyOnFirstStartAndReadsTheSameKeyAfterwards() throws IOException {
        Path file = dir.resolve("identity.key");
        IdentityKeyFile.Loaded first = IdentityKeyFile.loadOrCreate(file, new SecureRandom());
        assertTrue(first.created());
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));

        IdentityKeyFile.Loaded second = IdentityKeyFile.loadOrCreate(file, new SecureRandom());
        assertFalse(second.created());
        assertArrayEquals(first.key().marshal(), second.key().marshal());
    }

    @Test
    void storesTheKeyAsALibp2pPrivateKeyProtobuf() throws IOException {
        Path file = dir.resolve("identity.key");
        PrivateKey key = IdentityKeyFile.loadOrCreate(file, new SecureRandom()).key();
        byte[] bytes = Files.readAllBytes(file);
        // field 1 (Type) = 1 (Ed25519), field 2 (Data) = 64 bytes seed || public key
        assertEquals(68, bytes.length);
        assertEquals(0x08, bytes[0]);
        assertEquals(0x01, bytes[1]);
        assertEquals(0x12, bytes[2]);
        assertEquals(0x40, bytes[3]);
        assertArrayEquals(key.marshal(), bytes);
    }

    @Test
    void refusesADamagedKeyFileAndLeavesItUntouched() throws IOException {
        Path file = dir.resolve("identity.key");
        byte[] garbage = {0x08, 0x01, 0x12, 0x40, 1, 2, 3};
        Files.write(file, garbage);
        IOException e = assertThrows(IOException.class,
                () -> IdentityKeyFile.loadOrCreate(file, new SecureRandom()));
        assertTrue(e.getMessage().contains("damaged"), e.getMessage());
        assertArrayEquals(garbage, Files.readAllBytes(file));
    }

    @Test
    void refusesAHugeFileWithoutReadingIt() throws IOException {
        Path file = dir.resolve("identity.key");
        Files.write(file, new byte[10_000]);
        IOException e = assertThrows(IOException.class, () -> IdentityKeyFile.read(file));
        assertTrue(e.getMessage().contains("not a key file"), e.getMessage());
    }

    @Test
    void ignoresATemporaryFileLeftByACrashedWrite() throws IOException {
        Path file = dir.resolve("identity.key");
        Files.write(dir.resolve("identity.key.tmp"), new byte[] {0x08, 0x01});
        IdentityKeyFile.Loaded loaded = IdentityKeyFile.loadOrCreate(file, new SecureRandom());
        assertTrue(loaded.created());
        assertFalse(Files.exists(dir.resolve("identity.key.tmp")));
        assertArrayEquals(loaded.key().marshal(), Files.readAllBytes(file));
    }

    @Test
    void tightensPermissionsOfAnExistingKeyFile() throws IOException {
        Path file = dir.resolve("identity.key");
        IdentityKeyFile.loadOrCreate(file, new SecureRandom());
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));
        IdentityKeyFile.read(file);
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
    }
}
