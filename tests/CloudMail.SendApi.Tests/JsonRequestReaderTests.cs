using System.Text;

namespace CloudMail.SendApi.Tests;

public sealed class JsonRequestReaderTests
{
    private static Checked<SendMessageRequest> Read(string json) => JsonRequestReader.Read(Encoding.UTF8.GetBytes(json));

    [Fact]
    public void A_complete_request_is_read_field_by_field()
    {
        var result = Read("""
            {"from":"App <app@example.test>","to":["a@x.test","b@x.test"],"cc":["c@x.test"],"bcc":["d@x.test"],
             "replyTo":"r@example.test","subject":"S","text":"T","html":"<p>H</p>",
             "attachments":[{"filename":"a.txt","contentType":"text/plain","contentBase64":"aGk="}],
             "headers":{"X-Tag":"one","List-Id":"<list.example.test>"}}
            """);
        Assert.Null(result.Problem);
        var r = result.Value!;
        Assert.Equal("App <app@example.test>", r.From);
        Assert.Equal(["a@x.test", "b@x.test"], r.To);
        Assert.Equal(["c@x.test"], r.Cc);
        Assert.Equal(["d@x.test"], r.Bcc);
        Assert.Equal("r@example.test", r.ReplyTo);
        Assert.Equal(("S", "T", "<p>H</p>"), (r.Subject, r.Text, r.Html));
        Assert.Equal(new SendAttachment("a.txt", "text/plain", "aGk="), Assert.Single(r.Attachments));
        Assert.Equal([new("X-Tag", "one"), new("List-Id", "<list.example.test>")], r.Headers);
    }

    [Fact]
    public void A_single_string_recipient_is_a_list_of_one() =>
        Assert.Equal(["a@x.test"], Read("""{"to":"a@x.test"}""").Value!.To);

    [Theory]
    [InlineData("", "empty")]
    [InlineData("{\"from\": ", "not valid JSON (line 1")]
    [InlineData("[1,2]", "must be a JSON object, not an array")]
    [InlineData("\"text\"", "must be a JSON object, not a string")]
    public void Input_that_is_not_a_JSON_object_is_400(string body, string expected)
    {
        var problem = Read(body).Problem;
        Assert.NotNull(problem);
        Assert.Equal(400, problem.Status);
        Assert.Contains(expected, problem.Detail);
    }

    [Fact]
    public void Invalid_utf8_is_400_not_an_exception()
    {
        var problem = JsonRequestReader.Read(new byte[] { (byte)'{', (byte)'"', 0xff, 0xfe, (byte)'"', (byte)':', (byte)'1', (byte)'}' }).Problem;
        Assert.Equal(400, problem?.Status);
    }

    [Fact]
    public void Unknown_fields_are_refused_with_a_suggestion_for_wrong_case()
    {
        var problem = Read("""{"From":"a@x.test","too":["b@x.test"]}""").Problem!;
        Assert.Equal(400, problem.Status);
        Assert.Contains("did you mean 'from'", problem.Errors!["From"][0]);
        Assert.Contains("known fields are from, to", problem.Errors!["too"][0]);
    }

    [Fact]
    public void Wrong_json_types_are_reported_per_field_path()
    {
        var problem = Read("""{"from":5,"to":[1,"ok@x.test"],"cc":{},"attachments":[{"filename":true,"size":1},"x"],"headers":{"X-A":1}}""").Problem!;
        Assert.Equal(400, problem.Status);
        Assert.Equal("must be a string, not a number", problem.Errors!["from"][0]);
        Assert.Contains("to[0]", problem.Errors.Keys);
        Assert.Contains("cc", problem.Errors.Keys);
        Assert.Contains("attachments[0].filename", problem.Errors.Keys);
        Assert.Contains("attachments[0].size", problem.Errors.Keys);
        Assert.Contains("attachments[1]", problem.Errors.Keys);
        Assert.Contains("headers.X-A", problem.Errors.Keys);
        Assert.Contains("and 6 more", problem.Detail);
    }

    [Fact]
    public void A_field_given_twice_is_refused() =>
        Assert.Equal("appears more than once", Read("""{"to":["a@x.test"],"to":["b@x.test"]}""").Problem!.Errors!["to"][0]);

    [Fact]
    public void Deep_nesting_is_400_not_a_stack_overflow()
    {
        string deep = "{\"headers\":" + new string('[', 5000) + new string(']', 5000) + "}";
        Assert.Equal(400, Read(deep).Problem?.Status);
    }
}
