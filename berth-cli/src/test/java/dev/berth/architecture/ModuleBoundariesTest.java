package dev.berth.architecture;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The module table of docs/architecture.md as rules: arrows point one way, and service modules talk
 * to each other only through the seams in berth-model. Maven's dependency graph already refuses
 * most violations at compile time; these rules also catch the one that a new {@code <dependency>}
 * in a pom would let through. Runs over the production classes of every module (the CLI's test class
 * path holds them all).
 */
class ModuleBoundariesTest {

    /** The service modules' root packages: none may see another's classes. */
    static final String SERVICES = "dev.berth.(ecs|iam|secrets|logs|registry|objects|lb)..";

    private static JavaClasses berth;

    @BeforeAll
    static void importClasses() {
        berth = new ClassFileImporter()
                .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("dev.berth");
        // a class path without the modules' classes would make every rule pass vacuously
        for (String pkg : new String[] {
            "dev.berth.ecs",
            "dev.berth.iam",
            "dev.berth.secrets",
            "dev.berth.logs",
            "dev.berth.registry",
            "dev.berth.objects",
            "dev.berth.lb",
            "dev.berth.model",
            "dev.berth.policy",
            "dev.berth.module",
            "dev.berth.agent"
        }) {
            if (!berth.containPackage(pkg)) {
                throw new AssertionError("no classes of " + pkg + " on the class path");
            }
        }
    }

    @Test
    void serviceModulesDoNotSeeEachOther() {
        check(slices().matching("dev.berth.(ecs|iam|secrets|logs|registry|objects|lb)..")
                .should()
                .notDependOnEachOther()
                .because("modules talk through the seams in berth-model (docs/architecture.md)"));
    }

    @Test
    void theModelDependsOnNothingOfBerth() {
        check(classes()
                .that()
                .resideInAPackage("dev.berth.model..")
                .should()
                .onlyDependOnClassesThat()
                .resideInAnyPackage("dev.berth.model..", "java..", "com.fasterxml.jackson.annotation.."));
    }

    @Test
    void theSchedulerIsPure() {
        check(classes()
                .that()
                .resideInAPackage("dev.berth.scheduler..")
                .should()
                .onlyDependOnClassesThat()
                .resideInAnyPackage("dev.berth.scheduler..", "dev.berth.model..", "java.."));
    }

    @Test
    void thePolicyEngineIsPure() {
        check(classes()
                .that()
                .resideInAPackage("dev.berth.policy..")
                .should()
                .onlyDependOnClassesThat()
                .resideInAnyPackage("dev.berth.policy..", "dev.berth.model..", "java..", "com.fasterxml.jackson.."));
    }

    @Test
    void storeAndProtocolKnowNoService() {
        check(noClasses()
                .that()
                .resideInAnyPackage("dev.berth.store..", "dev.berth.protocol..", "dev.berth.module..")
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage(
                        "dev.berth.ecs..",
                        "dev.berth.iam..",
                        "dev.berth.secrets..",
                        "dev.berth.logs..",
                        "dev.berth.registry..",
                        "dev.berth.objects..",
                        "dev.berth.lb..",
                        "dev.berth.cli..",
                        "dev.berth.agent.."));
        check(noClasses()
                .that()
                .resideInAPackage("dev.berth.store..")
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage("dev.berth.protocol..", "dev.berth.module..", "io.vertx.."));
        check(noClasses()
                .that()
                .resideInAPackage("dev.berth.protocol..")
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage("dev.berth.store..", "dev.berth.module..", "java.sql.."));
    }

    @Test
    void onlyTheCliAssembles() {
        check(noClasses()
                .that()
                .resideOutsideOfPackage("dev.berth.cli..")
                .should()
                .dependOnClassesThat()
                .resideInAPackage("dev.berth.cli.."));
    }

    @Test
    void theAgentNeverSeesServerInternals() {
        check(noClasses()
                .that()
                .resideInAnyPackage("dev.berth.agent..", "dev.berth.cli.agent..")
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage(
                        "dev.berth.ecs..",
                        "dev.berth.iam..",
                        "dev.berth.secrets..",
                        "dev.berth.logs..",
                        "dev.berth.registry..",
                        "dev.berth.objects..",
                        "dev.berth.lb..",
                        "dev.berth.store..",
                        "dev.berth.module..",
                        "dev.berth.cli.server.."));
    }

    private static void check(ArchRule rule) {
        rule.check(berth);
    }
}
