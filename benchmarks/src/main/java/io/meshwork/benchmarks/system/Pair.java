package io.meshwork.benchmarks.system;

/**
 * Which of a measurement's two roles run Java and which js: the first role is the dialer ({@link SystemBench}) or
 * the publisher ({@link PubSubBench}), the second the listener or the subscribers. Selected with {@code --pairs}.
 */
enum Pair {
    JJ("Java→Java"), JJS("Java→js"), JSJ("js→Java"), JSJS("js→js");

    final String label;

    Pair(String label) {
        this.label = label;
    }

    /** The first role (dialer, publisher) is Java. */
    boolean javaFirst() {
        return this == JJ || this == JJS;
    }

    /** The second role (listener, subscribers) is Java. */
    boolean javaSecond() {
        return this == JJ || this == JSJ;
    }
}
