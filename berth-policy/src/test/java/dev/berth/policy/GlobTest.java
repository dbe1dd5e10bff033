package dev.berth.policy;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class GlobTest {

    @ParameterizedTest(name = "{0} ~ {1} = {2}")
    @CsvSource(
            delimiter = '|',
            value = {
                "*|anything|true",
                "*|''|true",
                "abc|abc|true",
                "abc|abcd|false",
                "abc|ABC|false",
                "abc*|abcdef|true",
                "abc*|ab|false",
                "*def|abcdef|true",
                "*def|abcdeg|false",
                "a*c|abbbc|true",
                "a*c|abbbd|false",
                "a?c|abc|true",
                "a?c|ac|false",
                "a??|abc|true",
                "a*b*c|axxbyyc|true",
                "a*b*c|axxbyy|false",
                "a*a*a|aaa|true",
                "a*a*a|aa|false",
                "*aab|aaaab|true",
                "arn:aws:s3:::bucket/*|arn:aws:s3:::bucket/a/b/c|true",
                // IAM matches resources against the whole ARN: a wildcard may cross ':' and '/'
                "arn:aws:s3:::my-bucket/foo/*/bar|arn:aws:s3:::my-bucket/foo/1/2/bar|true",
                "arn:aws:ecs:*:111122223333:cluster/*|arn:aws:ecs:us-east-1:111122223333:cluster/web|true",
                "arn:aws:ecs:*|arn:aws:ecs:us-east-1:111122223333:cluster/web|true",
                "arn:aws:ecs:us-east-?:*:cluster/w?b|arn:aws:ecs:us-east-1:1:cluster/web|true",
                "arn:aws:ecs:us-east-?:*:cluster/w?b|arn:aws:ecs:us-east-10:1:cluster/web|false",
                "**|x|true",
            })
    void wildcards(String pattern, String input, boolean expected) {
        Glob g = Glob.compile(pattern, true, false, false);
        assertThat(g.matches(input, RequestContext.empty()) == Glob.MATCH).isEqualTo(expected);
    }

    @ParameterizedTest(name = "{0} with {1} ~ {2} = {3}")
    @CsvSource(
            delimiter = '|',
            value = {
                "home/${aws:username}/*|bob|home/bob/x|1",
                "home/${aws:username}/*|bob|home/alice/x|0",
                "home/${aws:username}/*|-|home/bob/x|-1",
                "home/${aws:username, 'guest'}/*|-|home/guest/x|1",
                "home/${ aws:username , 'guest' }/*|-|home/guest/x|1",
                "home/${AWS:UserName}/*|bob|home/bob/x|1",
                "a${*}b|-|a*b|1",
                "a${*}b|-|axb|0",
                "a${?}b|-|a?b|1",
                "a${?}b|-|axb|0",
                "cost${$}|-|cost$|1",
                // a substituted value is literal text: a '*' in it is no wildcard
                "home/${aws:username}|b*|home/b*|1",
                "home/${aws:username}|b*|home/bob|0",
            })
    void variables(String pattern, String username, String input, int expected) {
        RequestContext context = username.equals("-")
                ? RequestContext.empty()
                : RequestContext.builder().put("aws:username", username).build();
        Glob g = Glob.compile(pattern, true, true, false);
        assertThat(g.matches(input, context)).isEqualTo(expected);
    }

    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            value = {"home/${aws:username}|home/${aws:username}|1", "home/${aws:username}|home/bob|0"})
    void withoutVariablesDollarBracesAreLiteral(String pattern, String input, int expected) {
        RequestContext context =
                RequestContext.builder().put("aws:username", "bob").build();
        assertThat(Glob.compile(pattern, true, false, false).matches(input, context))
                .isEqualTo(expected);
    }
}
