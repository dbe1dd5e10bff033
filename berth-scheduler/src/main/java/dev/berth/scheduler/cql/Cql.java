package dev.berth.scheduler.cql;

import dev.berth.model.error.AwsException;

/**
 * Entry point of the Cluster Query Language: turns the text of a {@code memberOf} constraint or a
 * {@code ListContainerInstances --filter} into an {@link Expression}.
 *
 * <p>Grammar (precedence {@code not} &gt; {@code and} &gt; {@code or}, all binary operators left
 * associative; AWS does not document precedence, so it is fixed here and tested):
 * <pre>
 *   expr      := and ( ("or" | "||") and )*
 *   and       := unary ( ("and" | "&amp;&amp;") unary )*
 *   unary     := ("not" | "!") unary | "(" expr ")" | condition
 *   condition := subject operator [ value | "[" value ("," value)* "]" ]
 *   subject   := agentConnected | agentVersion | ec2InstanceId | registeredAt
 *              | runningTasksCount | task:group | attribute:NAME
 * </pre>
 * Every error is an {@code InvalidParameterException} naming the 1-based position and token.
 */
public final class Cql {

    /** ECS's limit on a placement constraint expression. */
    public static final int MAX_EXPRESSION_LENGTH = 2000;

    private Cql() {}

    /**
     * Parses an expression.
     *
     * @throws AwsException {@code InvalidParameterException} if it is empty, too long or malformed
     */
    public static Expression parse(String text) {
        if (text == null || text.isBlank()) {
            throw new AwsException(
                    "InvalidParameterException", 400, "Invalid cluster query expression: expression is empty");
        }
        if (text.length() > MAX_EXPRESSION_LENGTH) {
            throw new AwsException(
                    "InvalidParameterException",
                    400,
                    "Invalid cluster query expression: length " + text.length() + " exceeds the maximum of "
                            + MAX_EXPRESSION_LENGTH + " characters");
        }
        return new CqlParser(CqlLexer.tokenize(text)).parse();
    }
}
