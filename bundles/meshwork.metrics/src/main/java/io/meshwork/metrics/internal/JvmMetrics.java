package io.meshwork.metrics.internal;

import io.meshwork.libp2p.api.metrics.MetricsSource;
import io.meshwork.libp2p.api.metrics.MetricsWriter;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.lang.management.MemoryUsage;
import java.nio.file.Files;
import java.nio.file.Path;

/** The JVM's own samples: heap and non-heap memory, resident set size (Linux), threads, uptime. */
final class JvmMetrics implements MetricsSource {

    @Override
    public void collect(MetricsWriter out) {
        MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
        MemoryUsage heap = memory.getHeapMemoryUsage();
        MemoryUsage nonHeap = memory.getNonHeapMemoryUsage();
        String help = "JVM memory in bytes";
        out.gauge("meshwork_jvm_memory_bytes", help, heap.getUsed(), "area", "heap", "kind", "used");
        out.gauge("meshwork_jvm_memory_bytes", help, heap.getCommitted(), "area", "heap", "kind", "committed");
        out.gauge("meshwork_jvm_memory_bytes", help, heap.getMax(), "area", "heap", "kind", "max");
        out.gauge("meshwork_jvm_memory_bytes", help, nonHeap.getUsed(), "area", "nonheap", "kind", "used");
        out.gauge("meshwork_jvm_memory_bytes", help, nonHeap.getCommitted(), "area", "nonheap", "kind",
                "committed");
        long rss = residentSetBytes();
        if (rss >= 0) {
            out.gauge("meshwork_process_resident_memory_bytes", "Resident set size of the process", rss);
        }
        out.gauge("meshwork_jvm_threads", "Live JVM threads", ManagementFactory.getThreadMXBean().getThreadCount());
        out.gauge("meshwork_process_uptime_seconds", "Seconds since the JVM started",
                ManagementFactory.getRuntimeMXBean().getUptime() / 1000.0);
    }

    /** VmRSS from /proc/self/status, or -1 where there is none. */
    static long residentSetBytes() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("VmRSS:")) {
                    String[] parts = line.substring(6).trim().split("\\s+");
                    return Long.parseLong(parts[0]) * 1024;
                }
            }
        } catch (IOException | RuntimeException e) {
            return -1;
        }
        return -1;
    }
}
