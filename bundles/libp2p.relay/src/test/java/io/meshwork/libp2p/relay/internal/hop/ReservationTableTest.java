package io.meshwork.libp2p.relay.internal.hop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.meshwork.libp2p.api.crypto.PrivateKey;
import io.meshwork.libp2p.api.peer.PeerId;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** The reservation and circuit bookkeeping in virtual time (instants are passed in). */
class ReservationTableTest {

    private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");
    private final ReservationTable table = new ReservationTable(
            new ReservationTable.Limits(6, 2, 3, Duration.ofHours(1), 3, 2));

    private static PeerId peer() {
        return PeerId.fromPublicKey(PrivateKey.generateEd25519(new SecureRandom()).publicKey());
    }

    @Test
    void reservationLastsItsTtlAndARefreshExtendsIt() {
        PeerId a = peer();
        ReservationTable.Decision d = table.reserve(a, "c1", "10.0.0.1", T0);
        assertTrue(d.isGranted());
        assertEquals(T0.plus(Duration.ofHours(1)), d.expires());
        assertTrue(table.hasReservation(a, T0.plus(Duration.ofMinutes(59))));
        assertFalse(table.hasReservation(a, T0.plus(Duration.ofHours(1))), "expired at its expiry time");

        Instant refresh = T0.plus(Duration.ofMinutes(45));
        assertEquals(refresh.plus(Duration.ofHours(1)), table.reserve(a, "c1", "10.0.0.1", refresh).expires());
        assertEquals(1, table.reservationCount(), "a refresh on the same connection replaces the reservation");
        assertTrue(table.hasReservation(a, T0.plus(Duration.ofMinutes(100))));
        assertEquals(1, table.expire(refresh.plus(Duration.ofHours(1))));
        assertEquals(0, table.reservationCount());
    }

    @Test
    void reservationEndsWithItsConnection() {
        PeerId a = peer();
        table.reserve(a, "c1", "10.0.0.1", T0);
        table.connectionClosed("c1");
        assertFalse(table.hasReservation(a, T0));
    }

    @Test
    void perPeerPerIpAndTotalLimitsRefuseWithAReason() {
        PeerId a = peer();
        assertTrue(table.reserve(a, "c1", "10.0.0.1", T0).isGranted());
        assertTrue(table.reserve(a, "c2", "10.0.0.2", T0).isGranted());
        ReservationTable.Decision perPeer = table.reserve(a, "c3", "10.0.0.3", T0);
        assertTrue(perPeer.refusal().orElseThrow().contains("limit 2"), perPeer.toString());

        assertTrue(table.reserve(peer(), "c4", "10.0.0.9", T0).isGranted());
        assertTrue(table.reserve(peer(), "c5", "10.0.0.9", T0).isGranted());
        assertTrue(table.reserve(peer(), "c6", "10.0.0.9", T0).isGranted());
        ReservationTable.Decision perIp = table.reserve(peer(), "c7", "10.0.0.9", T0);
        assertTrue(perIp.refusal().orElseThrow().contains("10.0.0.9"), perIp.toString());

        assertTrue(table.reserve(peer(), "c8", "10.0.0.8", T0).isGranted());
        ReservationTable.Decision total = table.reserve(peer(), "c9", "10.0.0.7", T0);
        assertTrue(total.refusal().orElseThrow().contains("maximum of 6"), total.toString());
        table.expire(T0.plus(Duration.ofHours(2)));
        assertTrue(table.reserve(peer(), "c9", "10.0.0.7", T0.plus(Duration.ofHours(2))).isGranted(),
                "expired reservations free their slots");
    }

    @Test
    void circuitLimitsCountSourceAndTargetAndAreReleased() {
        PeerId a = peer();
        PeerId b = peer();
        PeerId c = peer();
        assertTrue(table.openCircuit(a, b).isGranted());
        assertTrue(table.openCircuit(c, b).isGranted());
        assertFalse(table.openCircuit(peer(), b).isGranted(), "b is target of two circuits already");
        assertTrue(table.openCircuit(peer(), peer()).isGranted());
        assertTrue(table.openCircuit(peer(), peer()).refusal().orElseThrow().contains("maximum of 3"));
        table.closeCircuit(a, b);
        assertEquals(2, table.circuitCount());
        assertTrue(table.openCircuit(peer(), b).isGranted());
    }
}
