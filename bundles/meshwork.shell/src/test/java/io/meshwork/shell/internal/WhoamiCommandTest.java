package io.meshwork.shell.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.meshwork.libp2p.api.HostIdentity;
import io.meshwork.libp2p.api.crypto.PrivateKey;
import io.meshwork.libp2p.api.crypto.PublicKey;
import io.meshwork.libp2p.api.peer.PeerId;
import java.security.SecureRandom;
import org.junit.jupiter.api.Test;

class WhoamiCommandTest {

    private static HostIdentity identity() {
        PrivateKey key = PrivateKey.generateEd25519(new SecureRandom());
        return new HostIdentity() {
            @Override
            public PeerId peerId() {
                return PeerId.fromPublicKey(key.publicKey());
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

    @Test
    void printsThePeerIdOfTheBoundIdentity() {
        WhoamiCommand cmd = new WhoamiCommand();
        HostIdentity id = identity();
        cmd.bindIdentity(id);
        assertEquals(id.peerId().toBase58(), cmd.whoami());
    }

    @Test
    void explainsWhenNoIdentityIsBound() {
        WhoamiCommand cmd = new WhoamiCommand();
        HostIdentity id = identity();
        cmd.bindIdentity(id);
        cmd.unbindIdentity(id);
        assertEquals(WhoamiCommand.NO_IDENTITY, cmd.whoami());
    }

    @Test
    void keepsTheNewerIdentityWhenTheOldOneIsUnboundAfterARebind() {
        WhoamiCommand cmd = new WhoamiCommand();
        HostIdentity first = identity();
        HostIdentity second = identity();
        cmd.bindIdentity(first);
        cmd.bindIdentity(second);
        cmd.unbindIdentity(first);
        assertEquals(second.peerId().toBase58(), cmd.whoami());
    }
}
