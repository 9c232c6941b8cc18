using System.Globalization;
using System.Text;

namespace SupportRelay.Text;

/// <summary>
/// Text a customer controls, made safe to show inside a message of ours: control characters (line breaks,
/// tabs, bidirectional overrides, zero-width joiners used to hide text) become spaces and runs of spaces one,
/// so the customer's words stay on the line we put them on and cannot draw lines of their own ("Why: ...").
/// </summary>
public static class CustomerText
{
    public static string Clean(string? text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return "";
        }

        var clean = new StringBuilder(text.Length);
        var space = false;
        foreach (var rune in text.EnumerateRunes())
        {
            var category = Rune.GetUnicodeCategory(rune);
            var blank = Rune.IsWhiteSpace(rune) || category is UnicodeCategory.Control or UnicodeCategory.Format
                or UnicodeCategory.LineSeparator or UnicodeCategory.ParagraphSeparator or UnicodeCategory.Surrogate or UnicodeCategory.OtherNotAssigned;
            if (blank)
            {
                space = clean.Length > 0;
                continue;
            }

            if (space)
            {
                clean.Append(' ');
                space = false;
            }

            clean.Append(rune.ToString());
        }

        return clean.ToString();
    }
}
