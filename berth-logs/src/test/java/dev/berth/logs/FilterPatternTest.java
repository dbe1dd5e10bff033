package dev.berth.logs;

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
    @CsvSource(
            delimiter = '|',
            quoteCharacter = '\'',
            value = {
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
    @CsvSource(
            delimiter = '|',
            quoteCharacter = '\'',
            value = {
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

    static final String ACCESS =
            "127.0.0.1 - frank [10/Oct/2000:13:25:15 -0700] \"GET /apache_pb.gif HTTP/1.0\" 404 1534";
    static final String ACCESS_OK = "10.0.0.2 - - [10/Oct/2000:13:25:16 -0700] \"GET /index.html HTTP/1.1\" 200 2326";

    @ParameterizedTest(name = "[{0}] vs [{1}] -> {2}")
    @CsvSource(
            delimiter = '|',
            quoteCharacter = '\'',
            value = {
                // exact field count, names only
                "'[ip, user, username, timestamp, request, status_code, bytes]'            | ACCESS    | true",
                "'[ip, user, username, timestamp, request, status_code]'                   | ACCESS    | false",
                "'[ip, user, username, timestamp, request, status_code, bytes, extra]'     | ACCESS    | false",
                // wildcards and equality
                "'[ip, user, username, timestamp, request, status_code = 4*, bytes]'       | ACCESS    | true",
                "'[ip, user, username, timestamp, request, status_code = 4*, bytes]'       | ACCESS_OK | false",
                "'[ip, user, username, timestamp, request = *html*, status_code, bytes]'   | ACCESS_OK | true",
                "'[ip, user, username, timestamp, request = *html*, status_code, bytes]'   | ACCESS    | false",
                "'[ip, user = -, username = frank, timestamp, request, status_code, bytes]'| ACCESS    | true",
                "'[ip = 127.0.0.*, ...]'                                                   | ACCESS    | true",
                "'[ip = 127.0.0.*, ...]'                                                   | ACCESS_OK | false",
                // quoted and bracketed fields are one field, without their delimiters
                "'[ip, user, username, timestamp = \"10/Oct/2000:13:25:15 -0700\", ...]'   | ACCESS    | true",
                "'[ip, user, username, timestamp, request = \"GET /apache_pb.gif HTTP/1.0\", ...]' | ACCESS | true",
                "'[ip, user, username, timestamp, request = \"GET *\", ...]'               | ACCESS    | true",
                "'[ip, user, username, timestamp, request = \"POST *\", ...]'              | ACCESS    | false",
                // numbers compare numerically; a non-number never satisfies a numeric condition
                "'[..., status_code = 404, bytes]'                                         | ACCESS    | true",
                "'[..., status_code = 404.0, bytes]'                                       | ACCESS    | true",
                "'[..., status_code != 404, bytes]'                                        | ACCESS    | false",
                "'[..., status_code != 404, bytes]'                                        | ACCESS_OK | true",
                "'[..., status_code >= 400, bytes]'                                        | ACCESS    | true",
                "'[..., status_code >= 400, bytes]'                                        | ACCESS_OK | false",
                "'[..., status_code < 300, bytes > 2000]'                                  | ACCESS_OK | true",
                "'[..., status_code < 300, bytes > 2000]'                                  | ACCESS    | false",
                "'[..., bytes <= 1534]'                                                    | ACCESS    | true",
                "'[..., bytes > -1]'                                                       | ACCESS    | true",
                "'[ip > 1, ...]'                                                           | ACCESS    | false",
                "'[..., status_code = \"404\", bytes]'                                     | ACCESS    | true",
                // ellipsis anywhere, several of them
                "'[ip, ..., bytes]'                                                        | ACCESS    | true",
                "'[ip, ..., status_code = 404, ...]'                                       | ACCESS    | true",
                "'[..., username = frank, ...]'                                            | ACCESS    | true",
                "'[..., username = bob, ...]'                                              | ACCESS    | false",
                "'[...]'                                                                   | ACCESS    | true",
                "'[..., a, b, c, d, e, f, g, h]'                                           | ACCESS    | false",
                // && and ||
                "'[..., status_code = 404 || status_code = 410, bytes]'                    | ACCESS    | true",
                "'[..., status_code = 500 || status_code = 200, bytes]'                    | ACCESS    | false",
                "'[..., status_code = 500 || status_code = 200, bytes]'                    | ACCESS_OK | true",
                "'[..., status_code >= 400 && status_code < 500, bytes]'                   | ACCESS    | true",
                "'[..., status_code >= 400 && status_code < 404, bytes]'                   | ACCESS    | false",
                "'[ip, user, username = frank || ip = 10.*, ...]'                          | ACCESS_OK | true",
                // regular expressions in values
                "'[..., status_code = %^4[0-9]{2}$%, bytes]'                               | ACCESS    | true",
                "'[..., status_code != %^4%, bytes]'                                       | ACCESS    | false",
                // simple w1, w2 fields
                "'[w1 = ERROR, w2]'                                                        | ERROR timeout | true",
                "'[w1 = ERROR, w2]'                                                        | WARN timeout  | false",
                "'[w1, w2 = *out]'                                                         | ERROR timeout | true",
                "'[w1]'                                                                    | '   single   ' | true",
            })
    void spaceDelimited(String pattern, String message, boolean expected) {
        String event =
                switch (message) {
                    case "ACCESS" -> ACCESS;
                    case "ACCESS_OK" -> ACCESS_OK;
                    default -> message;
                };
        assertThat(matches(pattern, event)).isEqualTo(expected);
    }

    @org.junit.jupiter.api.Test
    void spaceDelimitedFieldsKeepQuotedAndBracketedTextWhole() {
        assertThat(SpaceDelimitedFilter.split(ACCESS))
                .containsExactly(
                        "127.0.0.1",
                        "-",
                        "frank",
                        "10/Oct/2000:13:25:15 -0700",
                        "GET /apache_pb.gif HTTP/1.0",
                        "404",
                        "1534");
        assertThat(SpaceDelimitedFilter.split("  a  \"b c\"  [d e] \"unterminated f"))
                .containsExactly("a", "b c", "d e", "unterminated f");
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "\"unterminated",
                "\"\"",
                "?",
                "- x",
                "%%",
                "%[unclosed%",
                "%abc",
                "ERROR {",
                "a(b)",
                "{",
                "{ $.level = }",
                "{ level = 1 }",
                "{ $. = 1 }",
                "{ $.a > \"x\" }",
                "{ $.a < abc }",
                "{ $.a == 1 }",
                "{ $.a = 1 ",
                "{ $.a = 1 } trailing",
                "{ $.a = 1 && }",
                "{ ($.a = 1 }",
                "{ $.a IS MAYBE }",
                "{ $.a NOT THERE }",
                "{ $.a[x] = 1 }",
                "{ $.a[1 = 1 }",
                "{ $.a = \"open }",
                "[",
                "[]",
                "[ ]",
                "[ip, user",
                "[ip,, user]",
                "[ip user]",
                "[ip, status = ]",
                "[ip, status == 4]",
                "[ip, status > abc]",
                "[ip, status <= \"4\"]",
                "[ip, status = \"open]",
                "[ip, status = 1] x",
                "[ip, status = 1 || other = 2]",
                "[ip, status = %[bad%]",
                "[ip, status < %4%]",
                "[ip, status =! 4]",
                "[ip, -status]",
                "[ip, status = 1 ||]",
            })
    void malformedPatternsAreInvalidParameter(String pattern) {
        assertThatThrownBy(() -> FilterPattern.parse(pattern, MAPPER)).isInstanceOfSatisfying(AwsException.class, e -> {
            assertThat(e.code()).isEqualTo("InvalidParameterException");
            assertThat(e.httpStatus()).isEqualTo(400);
            assertThat(e.getMessage()).startsWith("Invalid filter pattern: ");
        });
    }
}
