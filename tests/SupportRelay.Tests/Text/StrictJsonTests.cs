using System.Text;
using System.Text.Json;
using SupportRelay.Text;

namespace SupportRelay.Tests.Text;

public sealed class StrictJsonTests
{
    [Theory]
    [InlineData("""{"text":"plain"}""", "plain")]
    [InlineData("""{"text":"caf\u00e9 \ud83d\ude00"}""", "café 😀")]
    [InlineData("""{"text":"café 😀"}""", "café 😀")]
    public void Valid_text_is_parsed_escaped_or_not(string json, string expected)
    {
        using var document = StrictJson.Parse(Encoding.UTF8.GetBytes(json));

        Assert.Equal(expected, document.RootElement.GetProperty("text").GetString());
    }

    [Theory]
    [InlineData("""{"text":"\ud800"}""")]
    [InlineData("""{"text":"a\udc00b"}""")]
    [InlineData("""{"text":"\ude00\ud83d"}""")]
    [InlineData("""{"\ud800":1}""")]
    [InlineData("""[{"deep":["ok","\ud800"]}]""")]
    public void An_unpaired_surrogate_escape_is_refused(string json)
    {
        var error = Assert.Throws<JsonException>(() => StrictJson.Parse(Encoding.UTF8.GetBytes(json)));

        Assert.Contains("not valid Unicode", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(new byte[] { 0xFF })]
    [InlineData(new byte[] { 0xC3 })]
    [InlineData(new byte[] { 0xC0, 0xAF })]
    [InlineData(new byte[] { 0xED, 0xA0, 0x80 })]
    public void Invalid_utf8_in_a_string_is_refused(byte[] bad)
    {
        byte[] json = [.. "{\"text\":\"a"u8, .. bad, .. "b\"}"u8];

        Assert.ThrowsAny<JsonException>(() => StrictJson.Parse(json));
    }

    [Fact]
    public void Not_json_is_refused()
    {
        Assert.ThrowsAny<JsonException>(() => StrictJson.Parse("{oops"u8.ToArray()));
    }
}
