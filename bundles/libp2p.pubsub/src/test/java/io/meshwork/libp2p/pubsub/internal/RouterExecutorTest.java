package io.meshwork.libp2p.pubsub.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class RouterExecutorTest {

    @Test
    void runsEveryTaskOnceInOrderAcrossProducersAndSurvivesAFailingTask() throws Exception {
        ExecutorService thread = Executors.newSingleThreadExecutor();
        ExecutorService producers = Executors.newFixedThreadPool(4);
        try {
            RouterExecutor executor = new RouterExecutor(thread);
            int perProducer = 5_000;
            List<List<Integer>> seen = new ArrayList<>();
            for (int p = 0; p < 4; p++) {
                seen.add(new ArrayList<>()); // only touched on the router thread
            }
            CountDownLatch done = new CountDownLatch(4 * perProducer);
            for (int p = 0; p < 4; p++) {
                int producer = p;
                producers.execute(() -> {
                    for (int i = 0; i < perProducer; i++) {
                        int n = i;
                        executor.execute(() -> {
                            seen.get(producer).add(n);
                            done.countDown();
                            if (n == 17) {
                                throw new IllegalStateException("a failing task (logged, not fatal)");
                            }
                        });
                    }
                });
            }
            assertTrue(done.await(30, TimeUnit.SECONDS));
            CountDownLatch last = new CountDownLatch(1);
            executor.execute(last::countDown);
            assertTrue(last.await(10, TimeUnit.SECONDS));
            for (List<Integer> s : seen) {
                assertEquals(perProducer, s.size());
                for (int i = 0; i < perProducer; i++) {
                    assertEquals(i, s.get(i), "one producer's tasks run in its order");
                }
            }
        } finally {
            producers.shutdownNow();
            thread.shutdownNow();
        }
    }

    @Test
    void refusesTasksOnceTheThreadIsStopped() {
        ExecutorService thread = Executors.newSingleThreadExecutor();
        RouterExecutor executor = new RouterExecutor(thread);
        thread.shutdownNow();
        assertThrows(RejectedExecutionException.class, () -> executor.execute(() -> { }));
    }
}
