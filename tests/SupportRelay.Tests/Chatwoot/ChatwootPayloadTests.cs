using System.Text.Json;
using SupportRelay.Chatwoot;

namespace SupportRelay.Tests.Chatwoot;

/// <summary>Reading Chatwoot's payloads, on its own bytes, for the versions whose shapes differ.</summary>
public sealed class ChatwootPayloadTests
{
    private const string Question = "Bonjour ! Est-ce que ça marche avec <b>Tom</b> & Jerry ?";

    private static ChatwootMessage Message(ChatwootFixture fixture)
    {
        using var document = JsonDocument.Parse(fixture.Bytes);
        return ChatwootPayload.ReadMessage(document.RootElement);
    }

    private static ChatwootConversationEvent Conversation(ChatwootFixture fixture)
    {
        using var document = JsonDocument.Parse(fixture.Bytes);
        return ChatwootPayload.ReadConversationEvent(document.RootElement);
    }

    [Theory]
    [InlineData("4.15")]
    [InlineData("4.14.1")]
    [InlineData("4.12")]
    public void A_customers_first_message_reads_the_same_in_every_version(string version)
    {
        var message = Message(ChatwootFixture.Load(version, "message_created_incoming_text"));

        // 4.12 sends "<p>... <!-- raw HTML omitted -->Tom<!-- raw HTML omitted --> &amp; Jerry ?</p>\n" at the top level.
        Assert.Equal(Question, message.Content);
        Assert.Equal((7L, 42L, 2001L, MessageType.Incoming, false), (message.AccountId, message.ConversationId, message.MessageId, message.Type, message.Private));
        Assert.Equal(("pending", 3L, "fr"), (message.ConversationStatus, message.InboxId, message.Locale));
        Assert.Null(message.SenderType);
    }

    [Fact]
    public void Rendered_html_without_a_raw_copy_is_read_as_text()
    {
        // An account webhook built later may hold a newer message in conversation.messages[].
        var fixture = ChatwootFixture.Load("4.12", "message_created_incoming_text").Replace("\"messages\":[{\"id\":2001,", "\"messages\":[{\"id\":2010,");

        Assert.Equal("Bonjour ! Est-ce que ça marche avec Tom & Jerry ?", Message(fixture).Content);
    }

    [Theory]
    [InlineData("<p>hi</p>\n", "hi")]
    [InlineData("<p>Tom &amp; Jerry &lt;3</p>\n<p>second</p>\n", "Tom & Jerry <3\nsecond")]
    [InlineData("<ul>\n<li>one</li>\n<li>two</li>\n</ul>\n", "- one\n- two")]
    [InlineData("<p>line<br />\nnext</p>\n", "line\nnext")]
    public void Commonmarker_html_turns_back_into_text(string html, string text)
    {
        Assert.True(RenderedContent.LooksRendered(html));
        Assert.Equal(text, RenderedContent.ToText(html));
    }

    [Theory]
    [InlineData("hi")]
    [InlineData("<3 thanks")]
    [InlineData("a <b>bold</b> question")]
    public void Plain_text_is_left_alone(string text) => Assert.False(RenderedContent.LooksRendered(text));

    [Fact]
    public void The_bots_echo_in_4_12_reads_as_the_text_it_posted()
    {
        var message = Message(ChatwootFixture.Load("4.12", "message_created_outgoing_bot"));

        Assert.Equal(("Merci Ada ! Je regarde ça tout de suite.", MessageType.Outgoing, "agent_bot"), (message.Content, message.Type, message.SenderType));
    }

    [Fact]
    public void Agents_notes_and_attachments_are_told_apart()
    {
        var reply = Message(ChatwootFixture.Load("4.15", "message_created_outgoing_agent_reply"));
        var note = Message(ChatwootFixture.Load("4.15", "message_created_private_note"));
        var attachment = Message(ChatwootFixture.Load("4.15", "message_created_incoming_attachment"));

        Assert.Equal((MessageType.Outgoing, false, "user"), (reply.Type, reply.Private, reply.SenderType));
        // conversation.messages[] of a note holds the last public message (the reply): the note keeps its own text.
        Assert.Equal((true, "Client <VIP> & facture 2026-118 à vérifier"), (note.Private, note.Content));
        Assert.Equal(("", 1), (attachment.Content, attachment.Attachments));
    }

    [Fact]
    public void Conversation_events_say_whether_the_status_changed_and_from_what_when_they_can()
    {
        var statusChanged = Conversation(ChatwootFixture.Load("4.15", "conversation_status_changed_open"));
        var updated = Conversation(ChatwootFixture.Load("4.15", "conversation_updated_status_open"));
        var noStatus = Conversation(ChatwootFixture.Load("4.15", "conversation_updated_waiting_since_cleared"));
        var old = Conversation(ChatwootFixture.Load("4.14.1", "conversation_status_changed_open"));

        // changed_attributes is always null on conversation_status_changed: the previous status is ours to know.
        Assert.Equal(("open", true, null, 7L), (statusChanged.Status, statusChanged.StatusChanged, statusChanged.PreviousStatus, statusChanged.AccountId));
        Assert.Equal(("open", true, "pending"), (updated.Status, updated.StatusChanged, updated.PreviousStatus));
        Assert.False(noStatus.StatusChanged);
        // Before 4.14.2 conversation payloads carry no account: Chatwoot:AccountId stands in.
        Assert.Null(old.AccountId);
    }
}
