package dev.berth.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentSkipListSet;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The durability promise of the embedded store, tested the only honest way: a child JVM
 * ({@link CrashWriter}) commits multi-document transactions as fast as it can, the test kills it
 * with SIGKILL mid-stream ({@link Process#destroyForcibly()} on Linux), reopens the store and
 * checks that every acknowledged transaction is there in full and that no transaction is there in
 * part. Three rounds on the same database (more with {@code -Dberth.crash.rounds=N}, for hunting a
 * rare interleaving), so recovery from a killed process is itself recovered from.
 */
class H2CrashTest {

    @TempDir
    Path dataDir;

    @Test
    void sigkillLosesNoAcknowledgedWriteAndLeavesNothingHalfWritten() throws Exception {
        int rounds = Integer.getInteger("berth.crash.rounds", 3);
        assertTimeoutPreemptively(Duration.ofSeconds(30L * rounds), () -> killRounds(rounds));
    }

    private void killRounds(int rounds) throws Exception {
        long totalAcked = 0;
        for (int round = 1; round <= rounds; round++) {
            Set<Long> acked = runAndKill();
            assertThat(acked).as("round %d acknowledged some writes", round).isNotEmpty();
            totalAcked += acked.size();
            try (StateStore store = StateStores.open(null, dataDir)) {
                long counter = store.transact(tx -> tx.increment("crash")) - 1;
                store.read(tx -> {
                    Set<Long> a = numbers(tx, "crash-a");
                    assertThat(numbers(tx, "crash-b")).as("b documents").isEqualTo(a);
                    assertThat(numbers(tx, "crash-c")).as("c documents").isEqualTo(a);
                    assertThat(a).as("committed numbers are 1..counter").hasSize((int) counter);
                    if (!a.isEmpty()) {
                        assertThat(((TreeSet<Long>) a).last()).isEqualTo(counter);
                    }
                    assertThat(a).as("every acknowledged transaction survived").containsAll(acked);
                    return null;
                });
                // give the burned number back so the next round's numbers stay contiguous
                store.transact(tx -> {
                    tx.put("crash-a", String.format("%09d", counter + 1), "{}");
                    tx.put("crash-b", String.format("%09d", counter + 1), "{}");
                    return tx.put("crash-c", String.format("%09d", counter + 1), "{}");
                });
            }
        }
        System.out.println(
                "H2CrashTest: " + totalAcked + " acknowledged transactions over " + rounds + " SIGKILLs, none lost");
    }

    private static Set<Long> numbers(Transaction tx, String kind) {
        Set<Long> out = new TreeSet<>();
        String after = null;
        Page page;
        do {
            page = tx.scan(kind, "", after, 1000);
            page.entries().forEach(e -> out.add(Long.parseLong(e.key())));
            after = page.nextKey();
        } while (page.hasMore());
        return out;
    }

    private Set<Long> runAndKill() throws IOException, InterruptedException {
        String classpath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        Process child = new ProcessBuilder(
                        java.toString(), "-cp", classpath, CrashWriter.class.getName(), dataDir.toString())
                .redirectError(ProcessBuilder.Redirect.INHERIT)
                .start();
        Set<Long> acked = new ConcurrentSkipListSet<>();
        CountDownLatch ready = new CountDownLatch(1);
        Thread reader = Thread.ofPlatform().daemon().start(() -> {
            try (BufferedReader in =
                    new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line; (line = in.readLine()) != null; ) {
                    if (line.equals("ready")) {
                        ready.countDown();
                    } else if (line.startsWith("acked ")) {
                        acked.add(Long.parseLong(line.substring(6)));
                    }
                }
            } catch (IOException ignored) {
                // the pipe breaks when the child dies; what was read is what was acknowledged
            }
        });
        long started = System.nanoTime();
        try {
            assertThat(ready.await(30, TimeUnit.SECONDS))
                    .as("child opened the store")
                    .isTrue();
            System.out.printf("H2CrashTest: child JVM ready after %d ms%n", (System.nanoTime() - started) / 1_000_000);
            Thread.sleep(2000);
        } finally {
            child.destroyForcibly();
            assertThat(child.waitFor(30, TimeUnit.SECONDS)).isTrue();
        }
        reader.join(10_000);
        System.out.printf("H2CrashTest: %d acknowledged before SIGKILL%n", acked.size());
        assertThat(child.exitValue()).as("killed by SIGKILL").isEqualTo(137);
        return acked;
    }
}
