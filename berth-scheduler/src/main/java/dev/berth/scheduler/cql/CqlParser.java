package dev.berth.scheduler.cql;

import dev.berth.scheduler.cql.CqlLexer.Kind;
import dev.berth.scheduler.cql.CqlLexer.Token;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BinaryOperator;
import java.util.function.Supplier;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * Recursive-descent parser for the grammar documented on {@link Cql}. Keywords ({@code and},
 * {@code or}, {@code not}, {@code in}, word operators) are recognised by position, so a value may
 * be spelled like a keyword ({@code attribute:mode == and} is a comparison with the value "and").
 * Arguments are checked here, not at evaluation: a bad regular expression, a {@code registeredAt}
 * that is no date, or a {@code runningTasksCount} that is no integer are syntax errors.
 */
final class CqlParser {

    private final List<Token> tokens;
    private int i;

    CqlParser(List<Token> tokens) {
        this.tokens = tokens;
    }

    Expression parse() {
        Expression e = or();
        Token t = peek();
        if (t.kind() != Kind.EOF) {
            throw error(t, "unexpected token");
        }
        return e;
    }

    private Expression or() {
        return chain(this::and, Kind.OR, "or", Expression.Or::new);
    }

    private Expression and() {
        return chain(this::unary, Kind.AND, "and", Expression.And::new);
    }

    /** {@code operand (op operand)*}, combined left-associatively; {@code op} is a symbol or a word. */
    private Expression chain(
            Supplier<Expression> operand, Kind symbol, String word, BinaryOperator<Expression> combine) {
        Expression left = operand.get();
        while (isKeyword(peek(), symbol, word)) {
            i++;
            left = combine.apply(left, operand.get());
        }
        return left;
    }

    private Expression unary() {
        Token t = peek();
        if (isKeyword(t, Kind.NOT, "not")) {
            i++;
            return new Expression.Not(unary());
        }
        if (t.kind() == Kind.LPAREN) {
            i++;
            Expression inner = or();
            expect(Kind.RPAREN, "expected ')'");
            return inner;
        }
        return condition();
    }

    private Expression condition() {
        Token subjectToken = next();
        if (subjectToken.kind() != Kind.WORD) {
            throw error(subjectToken, "expected a subject (attribute:<name>, task:group, ec2InstanceId, ...)");
        }
        Subject subject = Subject.of(subjectToken.text());
        if (subject == null) {
            throw error(subjectToken, "unknown subject");
        }
        String attribute = null;
        if (subject == Subject.ATTRIBUTE) {
            attribute = subjectToken.text().substring("attribute:".length());
            if (attribute.isEmpty()) {
                throw error(subjectToken, "attribute name missing after 'attribute:'");
            }
        }
        Token opToken = next();
        Operator op = opToken.kind() == Kind.OP
                ? opToken.op()
                : opToken.kind() == Kind.WORD ? Operator.ofWord(opToken.text()) : null;
        if (op == null) {
            throw error(opToken, "expected an operator after '" + subjectToken.text() + "'");
        }
        if (!subject.allows(op)) {
            throw error(opToken, "operator not valid for subject " + subject.spelling());
        }
        List<String> args = new ArrayList<>();
        Token argToken = peek();
        if (op.takesList()) {
            expect(Kind.LBRACKET, "expected '[' after '" + opToken.text() + "'");
            do {
                args.add(value(opToken).text());
            } while (accept(Kind.COMMA));
            expect(Kind.RBRACKET, "expected ',' or ']'");
        } else if (!op.unary()) {
            argToken = value(opToken);
            args.add(argToken.text());
        }
        return build(subject, attribute, op, args, argToken);
    }

    private Condition build(Subject subject, String attribute, Operator op, List<String> args, Token argToken) {
        Pattern pattern = null;
        CqlValues.DateArg date = null;
        if (op == Operator.MATCHES || op == Operator.NOT_MATCHES) {
            try {
                pattern = Pattern.compile(args.get(0));
            } catch (PatternSyntaxException e) {
                throw error(argToken, "invalid regular expression (" + e.getDescription() + ")");
            }
        }
        if (subject == Subject.REGISTERED_AT) {
            date = CqlValues.date(args.get(0));
            if (date == null) {
                throw error(
                        argToken,
                        "invalid date (use 2018-06-18T22:28:28+00:00, 2018-06-18T22:28:28Z, 2018-06-18T22:28:28 or 2018-06-18)");
            }
        }
        if (subject == Subject.RUNNING_TASKS_COUNT && !args.get(0).matches("\\d{1,9}")) {
            throw error(argToken, "runningTasksCount must be compared with a whole number");
        }
        if (subject == Subject.AGENT_CONNECTED && op != Operator.MATCHES && op != Operator.NOT_MATCHES) {
            for (String a : args) {
                if (!a.equals("true") && !a.equals("false")) {
                    throw error(argToken, "agentConnected must be compared with true or false");
                }
            }
        }
        return new Condition(subject, attribute, op, args, pattern, date);
    }

    /** A literal: a bare word or a quoted string. */
    private Token value(Token after) {
        Token t = next();
        if (t.kind() != Kind.WORD && t.kind() != Kind.STRING) {
            throw error(t, "expected a value after '" + after.text() + "'");
        }
        return t;
    }

    private static boolean isKeyword(Token t, Kind symbol, String word) {
        return t.kind() == symbol || (t.kind() == Kind.WORD && t.text().equalsIgnoreCase(word));
    }

    private Token peek() {
        return tokens.get(i);
    }

    private Token next() {
        Token t = tokens.get(i);
        if (t.kind() != Kind.EOF) {
            i++;
        }
        return t;
    }

    private boolean accept(Kind kind) {
        if (peek().kind() == kind) {
            i++;
            return true;
        }
        return false;
    }

    private void expect(Kind kind, String problem) {
        Token t = next();
        if (t.kind() != kind) {
            throw error(t, problem);
        }
    }

    private static RuntimeException error(Token t, String problem) {
        return CqlException.at(t.position(), t.display(), problem);
    }
}
