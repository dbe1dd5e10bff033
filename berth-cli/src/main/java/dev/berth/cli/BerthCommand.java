package dev.berth.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code berth} command. Subcommands: {@code server} (the all-in-one control plane) and
 * {@code agent} (joins a machine to a cluster). Copilot-style app commands join as their issues land.
 */
@Command(
        name = "berth",
        mixinStandardHelpOptions = true,
        versionProvider = BerthVersion.class,
        description = "Self-hosted container platform that speaks the Amazon ECS and ECR APIs.",
        subcommands = {ServerCommand.class, AgentCommand.class, dev.berth.cli.registry.RegistryCommand.class})
public final class BerthCommand implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }

    public static void main(String[] args) {
        System.exit(new CommandLine(new BerthCommand()).execute(args));
    }
}
