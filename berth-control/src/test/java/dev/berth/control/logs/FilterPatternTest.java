package dev.berth.control.logs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.berth.model.error.AwsException;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** The filter pattern grammar: which events each pattern matches, and which patterns are refused. */
class FilterPatternTest {

    static final ObjectMapper MAPPER = new ObjectMapper();

    static boolean matches(String pattern, String message) {
        return FilterPattern.parse(pattern, MAPPER).matches(message);
    }

    @ParameterizedTest(name = "[{0}] vs [{1}] -> {2}")
    @CsvSource(delimiter = '|', quoteCharacter = '\'', value = {
        // empty pattern
        "''                       | anything at all                  | true",
        "'   '                    | anything at all                  | true",
        // single terms: whole words, case-sensitive
        "ERROR                    | [ERROR] A fatal exception        | true",
        "ERROR                    | level=ERROR code=3               | true",
        "ERROR                    | error in lower case              | false",
        "ERROR                    | ERRORS are not ERROR_X           | false",
        "ERROR                    | NOERROR                          | false",
        "ERROR                    | ends with ERROR                  | true",
        // several terms: all must occur, any order
        "ERROR Exception          | Exception then ERROR             | true",
        "ERROR Exception          | only ERROR here                  | false",
        // quoted phrases: exact text anywhere
        "'\"Failed to\"'          | Failed to connect                | true",
        "'\"Failed to\"'          | Failed  to connect               | false",
        "'\"ERR\"'                | ERROR                            | true",
        "'\"a \\\"q\\\" b\"'      | x a \"q\" b y                    | true",
        // ? terms: at least one
        "?ERROR ?WARN             | a WARN line                      | true",
        "?ERROR ?WARN             | an INFO line                     | false",
        "?ERROR ?WARN             | ERROR and WARN                   | true",
        // - terms: none may occur
        "ERROR -Exiting           | ERROR and then Exiting           | false",
        "ERROR -Exiting           | ERROR but staying                | true",
        "'-\"Health check\"'      | GET /health                      | true",
        "'-\"Health check\"'      | Health check ok                  | false",
        // mixed
        "ERROR ?db ?cache -retry  | ERROR in cache                   | true",
        "ERROR ?db ?cache -retry  | ERROR in cache, will retry       | false",
        "ERROR ?db ?cache -retry  | ERROR elsewhere                  | false",
        // regular expressions
        "%AUTHORIZED%             | [ERROR 401] UNAUTHORIZED REQUEST | true",
        "'%[Ee]rror|[Ff]ail%'     | it failed                        | true",
        "%\\d{3}\\s+ms%           | took 250 ms                      | true",
        "%\\d{3}\\s+ms%           | took 25 ms                       | false",
        // non-ASCII text
        "'\"größer\"'             | viel größer als                  | true",
        "Größe                    | die Größe passt                  | true",
    })
    void terms(String pattern, String message, boolean expected) {
        assertThat(matches(pattern, message)).isEqualTo(expected);
    }

    @ParameterizedTest(name = "[{0}] vs [{1}] -> {2}")
    @CsvSource(delimiter = '|', quoteCharacter = '\'', value = {
        "'{ $.level = \"error\" }'                      | '{\"level\":\"error\"}'                       | true",
        "'{ $.level = \"error\" }'                      | '{\"level\":\"info\"}'                        | false",
        "'{$.level=\"error\"}'                          | '{\"level\":\"error\"}'                       | true",
        "'{ $.level = error }'                          | '{\"level\":\"error\"}'                       | true",
        "'{ $.level != \"error\" }'                     | '{\"level\":\"info\"}'                        | true",
        "'{ $.level != \"error\" }'                     | '{\"other\":1}'                               | false",
        "'{ $.latency > 100 }'                          | '{\"latency\":150}'                           | true",
        "'{ $.latency > 100 }'                          | '{\"latency\":100}'                           | false",
        "'{ $.latency >= 100 }'                         | '{\"latency\":100}'                           | true",
        "'{ $.latency < 1.5 }'                          | '{\"latency\":1.25}'                          | true",
        "'{ $.latency <= -2 }'                          | '{\"latency\":-3}'                            | true",
        "'{ $.latency = 200 }'                          | '{\"latency\":200.0}'                         | true",
        "'{ $.latency > 100 }'                          | '{\"latency\":\"150\"}'                       | false",
        "'{ $.a.b = \"x\" }'                            | '{\"a\":{\"b\":\"x\"}}'                       | true",
        "'{ $.a[1] = 2 }'                               | '{\"a\":[1,2,3]}'                             | true",
        "'{ $.a[5] = 2 }'                               | '{\"a\":[1,2,3]}'                             | false",
        "'{ $.path = \"/api/*\" }'                      | '{\"path\":\"/api/users\"}'                   | true",
        "'{ $.path = \"/api/*\" }'                      | '{\"path\":\"/web/users\"}'                   | false",
        "'{ $.path = \"*users\" }'                      | '{\"path\":\"/api/users\"}'                   | true",
        "'{ $.level = \"error\" && $.latency > 100 }'   | '{\"level\":\"error\",\"latency\":150}'      | true",
        "'{ $.level = \"error\" && $.latency > 100 }'   | '{\"level\":\"error\",\"latency\":50}'       | false",
        "'{ $.level = \"error\" || $.latency > 100 }'   | '{\"level\":\"info\",\"latency\":150}'       | true",
        "'{ ($.a = 1 || $.b = 2) && $.c = 3 }'          | '{\"b\":2,\"c\":3}'                           | true",
        "'{ ($.a = 1 || $.b = 2) && $.c = 3 }'          | '{\"b\":2,\"c\":4}'                           | false",
        "'{ $.a = 1 || $.b = 2 && $.c = 3 }'            | '{\"a\":1,\"c\":4}'                           | true",
        "'{ $.ok IS TRUE }'                             | '{\"ok\":true}'                              | true",
        "'{ $.ok IS FALSE }'                            | '{\"ok\":true}'                              | false",
        "'{ $.x IS NULL }'                              | '{\"x\":null}'                               | true",
        "'{ $.x NOT EXISTS }'                           | '{\"y\":1}'                                  | true",
        "'{ $.x NOT EXISTS }'                           | '{\"x\":1}'                                  | false",
        "'{ $.level = \"error\" }'                      | 'not json at all'                            | false",
        "'{ $.level = \"error\" }'                      | '[1,2]'                                      | false",
        "'{ $.level = \"error\" }'                      | '  {\"level\":\"error\"}'                    | true",
    })
    void json(String pattern, String message, boolean expected) {
        assertThat(matches(pattern, message)).isEqualTo(expected);
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "\"unterminated", "\"\"", "?", "- x", "%%", "%[unclosed%", "%abc", "ERROR {", "a(b)",
        "{", "{ $.level = }", "{ level = 1 }", "{ $. = 1 }", "{ $.a > \"x\" }", "{ $.a < abc }", "{ $.a == 1 }",
        "{ $.a = 1 ", "{ $.a = 1 } trailing", "{ $.a = 1 && }", "{ ($.a = 1 }", "{ $.a IS MAYBE }",
        "{ $.a NOT THERE }", "{ $.a[x] = 1 }", "{ $.a[1 = 1 }", "{ $.a = \"open }", "[ip, user]",
    })
    void malformedPatternsAreInvalidParameter(String pattern) {
        assertThatThrownBy(() -> FilterPattern.parse(pattern, MAPPER))
                .isInstanceOfSatisfying(AwsException.class, e -> {
                    assertThat(e.code()).isEqualTo("InvalidParameterException");
                    assertThat(e.httpStatus()).isEqualTo(400);
                    assertThat(e.getMessage()).startsWith("Invalid filter pattern: ");
                });
    }
}
