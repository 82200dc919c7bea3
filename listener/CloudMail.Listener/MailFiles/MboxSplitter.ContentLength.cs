using System.Globalization;
using System.Text;

namespace CloudMail.Listener.MailFiles;

/// <summary>
/// The Content-Length part of <see cref="MboxSplitter"/> (mboxcl2, as mutt writes mbox files): a message whose header has
/// a <c>Content-Length</c> field ends after that many bytes of body when an empty line and a separator (or the end of the
/// file) follow them; body lines starting with <c>From </c> are not quoted there. A count that does not end so is ignored
/// and the body read again line by line.
/// </summary>
public sealed partial class MboxSplitter
{
    private static ReadOnlySpan<byte> ContentLengthField => "Content-Length:"u8;

    /// <summary>Where a message with a Content-Length field is (mboxcl2): off, in the counted body, right after it, after the empty line.</summary>
    private enum Counting
    {
        Off,
        Body,
        AfterBody,
        AfterBodyBlank,
    }

    /// <summary>
    /// A header line: a <c>Content-Length</c> field is remembered; the empty line ending the header starts counting the
    /// body when there was one (mboxcl2, as mutt writes mbox files: body lines starting with <c>From </c> are not quoted
    /// there, the length says where the message ends).
    /// </summary>
    private void ReadHeaderLine(ReadOnlySpan<byte> line)
    {
        if (line.IsEmpty)
        {
            _inHeader = false;
            if (_contentLength is not { } length) return;
            _counting = length == 0 ? Counting.AfterBody : Counting.Body; // EndLine starts the body after this empty line
            _countRemaining = length;
            // An empty body: it starts (and ends) here, so a count found wrong re-reads from here, not from an earlier message.
            _bodyStart = _message.Length;
            _bodyStartLine = _lineNumber;
            return;
        }
        if (line.Length > ContentLengthField.Length && Ascii.EqualsIgnoreCase(line[..ContentLengthField.Length], ContentLengthField)
            && long.TryParse(line[ContentLengthField.Length..].Trim((byte)' '), NumberStyles.None, CultureInfo.InvariantCulture, out long value))
        {
            _contentLength = value;
        }
    }

    /// <summary>
    /// A line while a Content-Length is being followed; false when the line is to be read as usual (the separator that
    /// shows the count was right). A count that does not end at a line end followed by an empty line and a separator (or
    /// the end of the file) was wrong: the body is read again as if there were no Content-Length.
    /// </summary>
    private bool Counted(ReadOnlySpan<byte> line, long rawLength, bool tooLong, List<MboxPart> output)
    {
        if (tooLong) _oversize = true;
        switch (_counting)
        {
            case Counting.Body when !tooLong:
                if (!_oversize)
                {
                    if (_message.Length + line.Length + 2 > _maxMessageBytes) _oversize = true;
                    else
                    {
                        _message.Write(line);
                        _message.Write(CrLf);
                    }
                }
                _previousBlank = line.IsEmpty;
                _countRemaining -= rawLength;
                if (_countRemaining == 0) _counting = Counting.AfterBody;
                else if (_countRemaining < 0) CountWasWrong([], includeBlank: false, output);
                return true;
            case Counting.AfterBody when line.IsEmpty:
                _counting = Counting.AfterBodyBlank;
                _previousBlank = true;
                return true;
            case Counting.AfterBody or Counting.AfterBodyBlank when line.StartsWith(FromPrefix):
                _counting = Counting.Off;
                _previousBlank = true;
                return false;
            default:
                CountWasWrong(line, includeBlank: _counting == Counting.AfterBodyBlank, output);
                return true;
        }
    }

    /// <summary>
    /// Reads the counted body again without the count, then <paramref name="line"/> (the line that showed the count was
    /// wrong), with the line numbers they had. A message over the cap is not kept, so it is not read again.
    /// </summary>
    private void CountWasWrong(ReadOnlySpan<byte> line, bool includeBlank, List<MboxPart> output)
    {
        _counting = Counting.Off;
        if (_oversize || _bodyStart > _message.Length) return;
        var again = new MemoryStream();
        again.Write(_message.GetBuffer(), (int)_bodyStart, (int)(_message.Length - _bodyStart));
        if (includeBlank) again.Write(CrLf);
        bool withLine = !line.IsEmpty || includeBlank;
        if (withLine)
        {
            again.Write(line);
            again.Write(CrLf);
        }
        _message.SetLength(_bodyStart);
        _lineNumber = _bodyStartLine;
        _previousBlank = true;
        byte[] bytes = again.ToArray();
        for (int start = 0; start < bytes.Length;)
        {
            int lf = Array.IndexOf(bytes, (byte)'\n', start);
            EndLine(bytes.AsSpan(start, lf - start), output);
            start = lf + 1;
        }
    }
}
