package io.meshwork.testing;

import java.util.Arrays;
import java.util.List;
import java.util.Random;

/** Inputs for the codec fuzz tests: mostly valid messages slightly damaged, some plain noise. */
public final class Fuzz {

    private Fuzz() {
    }

    /**
     * The {@code i}-th input of a fuzz run: every fourth is random bytes (fewer than {@code maxRandomLength}); the
     * others are one of the {@code seeds} (encoded valid messages) with 1 to 4 bytes replaced and, one time in
     * eight, cut short. The same {@code random} (seeded) gives the same sequence every run.
     */
    public static byte[] input(Random random, List<byte[]> seeds, int i, int maxRandomLength) {
        if (i % 4 == 3) {
            byte[] input = new byte[random.nextInt(maxRandomLength)];
            random.nextBytes(input);
            return input;
        }
        byte[] input = seeds.get(random.nextInt(seeds.size())).clone();
        int flips = 1 + random.nextInt(4);
        for (int f = 0; f < flips && input.length > 0; f++) {
            input[random.nextInt(input.length)] = (byte) random.nextInt(256);
        }
        if (random.nextInt(8) == 0 && input.length > 1) {
            input = Arrays.copyOf(input, random.nextInt(input.length));
        }
        return input;
    }
}
