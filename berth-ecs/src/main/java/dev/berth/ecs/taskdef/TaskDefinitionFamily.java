package dev.berth.ecs.taskdef;

/**
 * The per-family summary ListTaskDefinitionFamilies pages through: a family is ACTIVE while it has
 * at least one ACTIVE revision and INACTIVE otherwise.
 */
public record TaskDefinitionFamily(String family, long activeRevisions, long latestActiveRevision) {

    public boolean active() {
        return activeRevisions > 0;
    }
}
