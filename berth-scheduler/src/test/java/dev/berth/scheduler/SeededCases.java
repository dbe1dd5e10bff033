package dev.berth.scheduler;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * Property checks over generated inputs with plain JUnit: case {@code i} draws its input from
 * {@code new SplittableRandom(firstSeed + i)}, so every run generates the same inputs and a failure names
 * the seed and the input that broke the property.
 */
public final class SeededCases {

    private SeededCases() {}

    /**
     * Generates {@code cases} inputs from the seeds {@code firstSeed, firstSeed + 1, ...} and checks the property
     * on each; the first failure is rethrown as an {@link AssertionError} naming the seed and the input.
     */
    public static <T> void check(
            long firstSeed, int cases, Function<SplittableRandom, T> generator, Consumer<T> property) {
        for (int i = 0; i < cases; i++) {
            long seed = firstSeed + i;
            T input = null;
            try {
                input = generator.apply(new SplittableRandom(seed));
                property.accept(input);
            } catch (AssertionError | RuntimeException e) {
                throw new AssertionError(
                        "property failed for seed " + seed + " (case " + (i + 1) + " of " + cases + ")\ninput: " + input
                                + "\n" + e.getMessage(),
                        e);
            }
        }
    }

    /** One element, uniformly. */
    @SafeVarargs
    public static <T> T oneOf(SplittableRandom random, T... values) {
        return values[random.nextInt(values.length)];
    }

    /** One element of the list, uniformly. */
    public static <T> T oneOf(SplittableRandom random, List<T> values) {
        return values.get(random.nextInt(values.size()));
    }

    /** A uniform integer in {@code [min, max]}. */
    public static int between(SplittableRandom random, int min, int max) {
        return random.nextInt(min, max + 1);
    }

    /** Each value independently with probability 1/2 (all subsets equally likely). */
    @SafeVarargs
    public static <T> Set<T> subsetOf(SplittableRandom random, T... values) {
        Set<T> subset = new LinkedHashSet<>();
        for (T v : values) {
            if (random.nextBoolean()) {
                subset.add(v);
            }
        }
        return subset;
    }

    /** A list of a uniform size in {@code [minSize, maxSize]} with elements drawn from {@code element}. */
    public static <T> List<T> listOf(
            SplittableRandom random, int minSize, int maxSize, Function<SplittableRandom, T> element) {
        int size = between(random, minSize, maxSize);
        List<T> list = new ArrayList<>(size);
        for (int i = 0; i < size; i++) {
            list.add(element.apply(random));
        }
        return list;
    }
}
