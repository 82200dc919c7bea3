using System.Globalization;
using System.Net;
using System.Runtime.CompilerServices;
using System.Text;

namespace CloudMail.AdminApi.WebConsole;

/// <summary>
/// HTML the console trusts: the literal text of templates and what <see cref="Html.Of"/> built from them. Anything else put
/// in a template is text and is escaped, so a message id, subject or address from the network can never become markup.
/// </summary>
public readonly struct Markup(string html)
{
    private readonly string _html = html;

    /// <summary>No markup.</summary>
    public static Markup Empty => new("");

    public override string ToString() => _html ?? "";
}

/// <summary>Builds <see cref="Markup"/> from an interpolated template: literal parts as they are, every hole escaped unless it is <see cref="Markup"/>.</summary>
public static class Html
{
    /// <summary>The template with each hole HTML-escaped (<c>&amp; &lt; &gt; " '</c>), <see cref="Markup"/> holes kept.</summary>
    public static Markup Of(ref Template template) => template.Build();

    /// <summary>The markup of each item, one after the other.</summary>
    public static Markup Join<T>(IEnumerable<T> items, Func<T, Markup> render) => new(string.Concat(items.Select(i => render(i).ToString())));

    /// <summary>Text escaped for an element's content or a quoted attribute value.</summary>
    public static string Escape(string? text) => WebUtility.HtmlEncode(text ?? "");

    /// <summary>The interpolated string handler behind <see cref="Of"/>.</summary>
    [InterpolatedStringHandler]
    public ref struct Template(int literalLength, int formattedCount)
    {
        private readonly StringBuilder _html = new(literalLength + formattedCount * 16);

        public readonly void AppendLiteral(string literal) => _html.Append(literal);

        public readonly void AppendFormatted(Markup markup) => _html.Append(markup.ToString());

        public readonly void AppendFormatted<T>(T value) =>
            _html.Append(Escape(value is IFormattable f ? f.ToString(null, CultureInfo.InvariantCulture) : value?.ToString()));

        public readonly void AppendFormatted<T>(T value, string format) where T : IFormattable =>
            _html.Append(Escape(value.ToString(format, CultureInfo.InvariantCulture)));

        internal readonly Markup Build() => new(_html.ToString());
    }
}
