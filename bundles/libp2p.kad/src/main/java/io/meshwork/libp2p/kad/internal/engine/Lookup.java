package io.meshwork.libp2p.kad.internal.engine;

import io.meshwork.libp2p.api.peer.PeerId;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The iterative Kademlia lookup as a pure state machine: candidates ordered by distance to the target; at most α
 * requests in flight; a request answered adds the peers it returned; done when the k nearest candidates that did
 * not fail have all answered (or nobody is left to ask). The caller sends the requests {@link #next()} hands out
 * and reports each outcome; it may also {@link #stop()} early (a value quorum, the target found). Bounded: at most
 * {@code 8k} candidates are kept, the farthest unasked ones are dropped. Not thread-safe.
 */
public final class Lookup {

    public enum State { HEARD, WAITING, SUCCEEDED, FAILED }

    private final byte[] target;
    private final int k;
    private final int alpha;
    private final PeerId self;
    private final TreeMap<byte[], PeerId> byDistance;
    private final Map<PeerId, State> states = new HashMap<>();
    private int inFlight;
    private int queried;
    private boolean stopped;

    /** @param target the hashed key */
    public Lookup(byte[] target, int k, int alpha, PeerId self) {
        this.target = target.clone();
        this.k = k;
        this.alpha = alpha;
        this.self = self;
        Comparator<byte[]> order = Keys.byDistanceTo(this.target);
        this.byDistance = new TreeMap<>(order);
    }

    /** Adds peers heard of (ignoring this node and peers already known). */
    public void addCandidates(Collection<PeerId> peers) {
        for (PeerId p : peers) {
            if (p.equals(self) || states.containsKey(p)) {
                continue;
            }
            states.put(p, State.HEARD);
            byDistance.put(Keys.hash(p.bytes()), p);
        }
        int max = 8 * k;
        while (byDistance.size() > max) {
            Map.Entry<byte[], PeerId> last = byDistance.lastEntry();
            if (states.get(last.getValue()) != State.HEARD) {
                break;
            }
            byDistance.pollLastEntry();
            states.remove(last.getValue());
        }
    }

    /** Peers to send a request to now (marked in flight), nearest first; empty if none should be asked now. */
    public List<PeerId> next() {
        List<PeerId> out = new ArrayList<>();
        if (stopped) {
            return out;
        }
        int seen = 0;
        for (PeerId p : byDistance.values()) {
            if (inFlight >= alpha || seen >= k) {
                break;
            }
            State s = states.get(p);
            if (s == State.FAILED) {
                continue;
            }
            seen++;
            if (s == State.HEARD) {
                states.put(p, State.WAITING);
                inFlight++;
                queried++;
                out.add(p);
            }
        }
        return out;
    }

    public void succeeded(PeerId peer, Collection<PeerId> closer) {
        if (states.get(peer) == State.WAITING) {
            states.put(peer, State.SUCCEEDED);
            inFlight--;
        }
        addCandidates(closer);
    }

    public void failed(PeerId peer) {
        if (states.get(peer) == State.WAITING) {
            states.put(peer, State.FAILED);
            inFlight--;
        }
    }

    public void stop() {
        stopped = true;
    }

    /** True once no further request will be handed out and none is in flight worth waiting for. */
    public boolean isDone() {
        if (stopped) {
            return true;
        }
        int seen = 0;
        for (PeerId p : byDistance.values()) {
            if (seen >= k) {
                break;
            }
            State s = states.get(p);
            if (s == State.FAILED) {
                continue;
            }
            seen++;
            if (s != State.SUCCEEDED) {
                return false;
            }
        }
        return true;
    }

    public int inFlight() {
        return inFlight;
    }

    public int queried() {
        return queried;
    }

    public State state(PeerId peer) {
        State s = states.get(peer);
        return s == null ? State.HEARD : s;
    }

    /** Up to {@code count} peers that answered, nearest first. */
    public List<PeerId> closestSucceeded(int count) {
        return byDistance.values().stream().filter(p -> states.get(p) == State.SUCCEEDED).limit(count).toList();
    }
}
