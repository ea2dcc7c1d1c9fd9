using SseCodec.Reference;
using static SseCodec.Tests.Conformance.ConformanceCase;

namespace SseCodec.Tests.Conformance;

/// <summary>
/// The conformance table: cases written from the text of WHATWG HTML §9.2.5 "Parsing an event stream" and §9.2.6
/// "Interpreting an event stream". Inputs use LF; unless a case is about specific line endings, it is also run with
/// CRLF, CR and mixed endings. Expected records are written by hand.
/// </summary>
public static class ConformanceTable
{
    // Spec sentences (WHATWG HTML, "Server-sent events").
    private const string Decode = "Streams must be decoded using the UTF-8 decode algorithm.";
    private const string Bom = "The UTF-8 decode algorithm strips one leading UTF-8 Byte Order Mark (BOM), if any. [stream = [ bom ] *event]";
    private const string LineEnds = "...reading everything line by line, with a U+000D CARRIAGE RETURN U+000A LINE FEED (CRLF) character pair, a single U+000A LINE FEED (LF) character not preceded by a U+000D CARRIAGE RETURN (CR) character, and a single U+000D CARRIAGE RETURN (CR) character not followed by a U+000A LINE FEED (LF) character being the ways in which a line can end.";
    private const string InOrder = "Lines must be processed, in the order they are received, as follows:";
    private const string Blank = "If the line is empty (a blank line): Dispatch the event, as defined below.";
    private const string CommentLine = "If the line starts with a U+003A COLON character (:): Ignore the line. [SseCodec reports it as a comment, one leading space removed]";
    private const string WithColon = "If the line contains a U+003A COLON character (:): Collect the characters on the line before the first U+003A COLON character (:), and let field be that string. Collect the characters on the line after the first U+003A COLON character (:), and let value be that string.";
    private const string OneSpace = "If value starts with a U+0020 SPACE character, remove it from value.";
    private const string NoColon = "Otherwise, the string is not empty but does not contain a U+003A COLON character (:): Process the field using the steps described below, using the whole line as the field name, and the empty string as the field value.";
    private const string EndOfFile = "Once the end of the file is reached, any pending data must be discarded. (If the file ends in the middle of an event, before the final empty line, the incomplete event is not dispatched.)";
    private const string Literal = "Field names must be compared literally, with no case folding performed.";
    private const string EventField = "If the field name is \"event\": Set the event type buffer to field value.";
    private const string DataField = "If the field name is \"data\": Append the field value to the data buffer, then append a single U+000A LINE FEED (LF) character to the data buffer.";
    private const string IdField = "If the field name is \"id\": If the field value does not contain U+0000 NULL, then set the last event ID buffer to the field value. Otherwise, ignore the field.";
    private const string RetryField = "If the field name is \"retry\": If the field value consists of only ASCII digits, then interpret the field value as an integer in base ten, and set the event stream's reconnection time to that integer. Otherwise, ignore the field.";
    private const string RetryDecisions = RetryField + " [SseCodec: an empty value is ignored; a value over 922337203685477 ms (TimeSpan.MaxValue) is ignored]";
    private const string Unknown = "Otherwise: The field is ignored.";
    private const string DispatchId = "Set the last event ID string of the event source to the value of the last event ID buffer. The buffer does not get reset, so the last event ID string of the event source remains set to this value until the next time it is set by the server.";
    private const string EmptyData = "If the data buffer is an empty string, set the data buffer and the event type buffer to the empty string and return.";
    private const string TrailingLf = "If the data buffer's last character is a U+000A LINE FEED (LF) character, then remove the last character from the data buffer.";
    private const string TypeDefault = "Initialize event's type attribute to \"message\" ... If the event type buffer has a value other than the empty string, change the type of the newly created event to equal the value of the event type buffer.";
    private const string Reset = "Set the data buffer and the event type buffer to the empty string.";
    private const string AnyChar = "any-char = %x0000-0009 / %x000B-000C / %x000E-10FFFF ; a scalar value other than U+000A LINE FEED (LF) or U+000D CARRIAGE RETURN (CR)";
    private const string SpaceExample = "The following two event streams [data:test / data: test] fire identical events, since the space after the colon is ignored if present.";
    private const string EmptyExample = "The first block fires events with the data set to the empty string, as would the last block if it was followed by a blank line. The middle block fires an event with the data set to a single newline character. The last block is discarded because it is not followed by a blank line.";
    private const string FourBlocks = "The following stream contains four blocks. ... Note that the last still has to end with a blank line, the end of the stream is not enough to trigger the dispatch of the last event.";

    private static readonly List<ConformanceCase> AllCases = [];
    private static readonly Lazy<Dictionary<string, ConformanceCase>> LazyCases = new(() => AllCases.ToDictionary(c => c.Name));

    static ConformanceTable()
    {
        // --- Line endings ---
        Add("LF_ends_lines", LineEnds, "data: a\ndata: b\n\n", Ev("a\nb"));
        Fixed("CRLF_ends_lines", LineEnds, "data: a\r\ndata: b\r\n\r\n", Ev("a\nb"));
        Fixed("CR_ends_lines", LineEnds, "data: a\rdata: b\r\r", Ev("a\nb"));
        Fixed("mixed_endings_in_one_event", LineEnds, "data: a\rdata: b\r\ndata: c\n\r\n", Ev("a\nb\nc"));
        Fixed("CR_CR_is_a_line_then_a_blank_line", LineEnds, "data: x\r\rdata: y\r\r", Ev("x"), Ev("y"));
        Fixed("LF_then_CR_is_a_line_then_a_blank_line", LineEnds, "data: x\n\rdata: y\n\r", Ev("x"), Ev("y"));
        Fixed("CRLF_then_LF_is_a_line_then_a_blank_line", LineEnds, "data: x\r\n\ndata: y\r\n\n", Ev("x"), Ev("y"));
        Fixed("CR_then_CRLF_is_a_line_then_a_blank_line", LineEnds, "data: x\r\r\ndata: y\r\r\n", Ev("x"), Ev("y"));
        Fixed("LF_CR_LF_is_two_blank_line_endings_not_three", LineEnds, "data: x\n\r\ndata: y\n\n", Ev("x"), Ev("y"));
        Fixed("CR_at_a_chunk_end_then_LF_in_the_next_chunk_is_one_ending", LineEnds + " (every split point puts a chunk end between CR and LF)", "data: a\r\ndata: b\r\n\r\n", Ev("a\nb"));
        Fixed("CRLF_after_a_comment_split_between_CR_and_LF", LineEnds, ": c\r\ndata: x\r\n: d\r\n\r\n", Com("c"), Com("d"), Ev("x"));
        Fixed("stream_ending_right_after_CR_ends_the_line", LineEnds + " / " + EndOfFile, "data: x\n\r", Ev("x"));
        Fixed("stream_ending_right_after_CR_of_a_field_line_dispatches_nothing", EndOfFile, "data: x\r", []);
        Fixed("CR_ended_retry_is_processed_before_the_end", LineEnds, "retry: 5\r", Retry(5));
        Fixed("lone_CRs_then_LFs", LineEnds, "\r\r\n\n\rdata: x\r\n\r", Ev("x"));

        // --- Byte order mark ---
        Add("BOM_at_start_is_skipped", Bom, "\uFEFFdata: x\n\n", Ev("x"));
        Add("BOM_at_start_before_a_comment", Bom, "\uFEFF: c\n", Com("c"));
        Add("BOM_at_start_then_blank_line", Bom, "\uFEFF\ndata: x\n\n", Ev("x"));
        Add("BOM_alone", Bom, "\uFEFF", []);
        Add("BOM_only_once", Bom + " (one: a second BOM is part of the field name)", "\uFEFF\uFEFFdata: x\n\ndata: y\n\n", Ev("y"));
        Add("BOM_later_is_text_so_the_field_is_unknown", Bom, "data: a\n\n\uFEFFdata: b\n\n", Ev("a"));
        Add("BOM_inside_a_value_is_kept", Bom, "data: \uFEFFb\n\n", Ev("\uFEFFb"));
        Add("BOM_without_start_is_not_skipped_at_second_line", Bom, "\n\uFEFFdata: b\n\n", []);
        Raw("partial_BOM_EF_BB_then_colon_is_not_a_comment", Bom + " / " + Decode, Bytes(0xEF, 0xBB, ": c\ndata: x\n\n"), Ev("x"));
        Raw("partial_BOM_EF_BB_then_field_is_an_unknown_field", Bom + " / " + Decode, Bytes(0xEF, 0xBB, "data: x\n\ndata: y\n\n"), Ev("y"));
        Raw("partial_BOM_EF_then_line_end", Bom + " / " + Decode, Bytes(0xEF, "\ndata: x\n\n"), Ev("x"));
        Raw("EF_BB_BE_is_U+FEFE_not_a_BOM", Bom, Bytes(0xEF, 0xBB, 0xBE, "data: x\n\ndata: y\n\n"), Ev("y"));
        Raw("EF_then_BOM_is_not_a_leading_BOM", Bom, Bytes(0xEF, 0xEF, 0xBB, 0xBF, "data: x\n\ndata: y\n\n"), Ev("y"));

        // --- Comments ---
        Add("comment_colon_alone", CommentLine, ":\n", Com(""));
        Add("comment_colon_space_text", CommentLine, ": x\n", Com("x"));
        Add("comment_colon_text", CommentLine, ":x\n", Com("x"));
        Add("comment_keeps_a_second_space", CommentLine, ":  x\n", Com(" x"));
        Add("comment_that_looks_like_a_field", CommentLine, ": data: x\n\n", Com("data: x"));
        Add("comment_inside_an_event_changes_nothing", CommentLine + " / " + InOrder, "data: a\n: c\ndata: b\n\n", Com("c"), Ev("a\nb"));
        Add("unterminated_comment_is_discarded", EndOfFile, ": c", []);

        // --- Fields ---
        Add("data_without_colon_is_an_empty_data_line", NoColon, "data\n\n", Ev(""));
        Add("event_without_colon_sets_an_empty_type", NoColon + " / " + TypeDefault, "event: a\nevent\ndata: x\n\n", Ev("x"));
        Add("data_colon_space_and_data_colon_are_the_same", SpaceExample, "data:test\n\ndata: test\n\n", Ev("test"), Ev("test"));
        Add("only_one_leading_space_is_removed", OneSpace, "data:  x\n\n", Ev(" x"));
        Add("a_tab_is_not_a_space", OneSpace, "data:\tx\n\n", Ev("\tx"));
        Add("trailing_spaces_are_kept", WithColon, "data: x  \n\n", Ev("x  "));
        Add("colon_in_value_is_kept", WithColon, "data: a:b\n\n", Ev("a:b"));
        Add("value_that_is_only_a_colon", WithColon, "data::\n\n", Ev(":"));
        Add("names_are_case_sensitive_Data", Literal, "Data: x\n\n", []);
        Add("names_are_case_sensitive_mixed", Literal, "DATA: x\nEvent: t\nID: 5\nRetry: 5\ndata: y\n\n", Ev("y"));
        Add("unknown_fields_are_ignored", Unknown, "foo: bar\ndata: y\nbaz\nx-data: 1\n\n", Ev("y"));
        Add("space_before_colon_makes_another_field", WithColon + " / " + Unknown, "data : x\n\n", []);
        Add("space_before_name_makes_another_field", WithColon + " / " + Unknown, " data: x\n\n", []);
        Add("empty_field_name_is_a_comment_not_a_field", CommentLine, ":data\n", Com("data"));

        // --- Data ---
        Add("multi_line_data_joined_by_LF", DataField + " / " + TrailingLf, "data: YHOO\ndata: +2\ndata: 10\n\n", Ev("YHOO\n+2\n10"));
        Add("two_empty_data_lines_give_one_LF", DataField + " / " + TrailingLf, "data\ndata\n\n", Ev("\n"));
        Add("three_empty_data_lines_give_two_LFs", DataField + " / " + TrailingLf, "data\ndata\ndata\n\n", Ev("\n\n"));
        Add("empty_data_value_dispatches_empty_data", DataField, "data:\n\n", Ev(""));
        Add("only_the_last_LF_is_removed", TrailingLf, "data: a\ndata\n\n", Ev("a\n"));
        Add("spec_example_empty_data_blocks", EmptyExample, "data\n\ndata\ndata\n\ndata:", Ev(""), Ev("\n"));
        Add("data_in_separate_events", DataField + " / " + Reset, "data: a\n\ndata: b\n\n", Ev("a"), Ev("b"));
        Add("many_data_lines", DataField, string.Concat(Enumerable.Range(0, 40).Select(i => $"data: line {i}\n")) + "\n",
            Ev(string.Join("\n", Enumerable.Range(0, 40).Select(i => $"line {i}"))));
        Add("long_data_line", DataField, "data: " + new string('a', 700) + "\ndata: " + new string('b', 300) + "\n\n",
            Ev(new string('a', 700) + "\n" + new string('b', 300)));

        // --- Event type ---
        Add("type_defaults_to_message", TypeDefault, "data: x\n\n", Ev("x"));
        Add("event_field_sets_the_type", EventField, "event: add\ndata: x\n\n", Ev("x", "add"));
        Add("type_is_reset_after_dispatch", Reset, "event: add\ndata: 1\n\ndata: 2\n\n", Ev("1", "add"), Ev("2"));
        Add("blank_line_without_data_resets_the_type", EmptyData, "event: add\n\ndata: x\n\n", Ev("x"));
        Add("last_event_field_wins", EventField, "event: a\nevent: b\ndata: x\n\n", Ev("x", "b"));
        Add("event_after_data_in_the_same_block", EventField + " / " + InOrder, "data: x\nevent: e\n\n", Ev("x", "e"));
        Add("empty_event_value_means_message", TypeDefault, "event:\ndata: x\n\n", Ev("x"));
        Add("explicit_message_type", TypeDefault, "event: message\ndata: x\n\n", Ev("x"));
        Add("type_with_spaces_and_colons", EventField + " / " + OneSpace, "event:  a:b \ndata: x\n\n", Ev("x", " a:b "));
        Add("type_set_then_type_changes_for_the_next_event", EventField, "event: a\ndata: 1\n\nevent: b\ndata: 2\n\nevent: a\ndata: 3\n\n", Ev("1", "a"), Ev("2", "b"), Ev("3", "a"));

        // --- Last event ID ---
        Add("id_persists_across_events", DispatchId, "id: 1\ndata: a\n\ndata: b\n\n", lastEventId: "1", Ev("a", id: "1"), Ev("b", id: "1"));
        Add("empty_id_without_colon_resets_it", DispatchId + " / " + IdField, "id: 1\ndata: a\n\nid\ndata: b\n\n", lastEventId: "", Ev("a", id: "1"), Ev("b"));
        Add("empty_id_with_colon_resets_it", DispatchId + " / " + IdField, "id: 1\ndata: a\n\nid:\ndata: b\n\n", lastEventId: "", Ev("a", id: "1"), Ev("b"));
        Add("id_with_NUL_is_ignored", IdField, "id: 1\ndata: a\n\nid: 2\0x\ndata: b\n\n", lastEventId: "1", Ev("a", id: "1"), Ev("b", id: "1"));
        Add("id_is_committed_at_a_blank_line_without_data", DispatchId + " / " + EmptyData, "id: 7\n\ndata: x\n\n", lastEventId: "7", Ev("x", id: "7"));
        Add("id_alone_then_blank_line_is_committed", DispatchId, "id: 7\n\n", lastEventId: "7");
        Add("id_of_an_unterminated_final_event_is_not_committed", EndOfFile, "id: 1\ndata: a\n\nid: 2\ndata: b\n", lastEventId: "1", Ev("a", id: "1"));
        Add("id_alone_without_blank_line_is_not_committed", EndOfFile, "id: 2\n", lastEventId: "");
        Add("id_after_data_in_the_same_block", IdField + " / " + InOrder, "data: a\nid: 3\n\n", lastEventId: "3", Ev("a", id: "3"));
        Add("id_keeps_a_second_leading_space", OneSpace, "id:  5\ndata: a\n\n", lastEventId: " 5", Ev("a", id: " 5"));
        Add("id_with_colon", WithColon, "id: a:b\ndata: x\n\n", lastEventId: "a:b", Ev("x", id: "a:b"));
        Add("last_id_field_wins", IdField, "id: 1\nid: 2\ndata: x\n\n", lastEventId: "2", Ev("x", id: "2"));
        Add("spec_example_four_blocks", FourBlocks, ": test stream\n\ndata: first event\nid: 1\n\ndata:second event\nid\n\ndata:  third event\n\n",
            lastEventId: "", Com("test stream"), Ev("first event", id: "1"), Ev("second event"), Ev(" third event"));

        // --- Retry ---
        Add("retry_digits", RetryField, "retry: 10\n", Retry(10));
        Add("retry_zero", RetryField, "retry: 0\n", Retry(0));
        Add("retry_leading_zeros", RetryField, "retry: 0005\n", Retry(5));
        Add("retry_many_leading_zeros", RetryField, "retry: 0000000000000000000000001\n", Retry(1));
        Add("retry_with_letter_is_ignored", RetryField, "retry: 1a\n", []);
        Add("retry_negative_is_ignored", RetryField, "retry: -1\n", []);
        Add("retry_plus_is_ignored", RetryField, "retry: +5\n", []);
        Add("retry_decimal_is_ignored", RetryField, "retry: 5.0\n", []);
        Add("retry_with_a_second_leading_space_is_ignored", RetryField + " / " + OneSpace, "retry:  5\n", []);
        Add("retry_with_trailing_space_is_ignored", RetryField, "retry: 5 \n", []);
        Add("retry_non_ASCII_digit_is_ignored", RetryField, "retry: \u0663\n", []);
        Add("retry_empty_value_is_ignored", RetryDecisions, "retry:\nretry\n", []);
        Add("retry_largest_accepted", RetryDecisions, "retry: 922337203685477\n", Retry(922337203685477));
        Add("retry_overflow_is_ignored", RetryDecisions, "retry: 922337203685478\nretry: 99999999999999999999999999\n", []);
        Add("retry_overflow_keeps_the_previous_value", RetryDecisions, "retry: 7\nretry: 9223372036854775808\nretry: 8\n", Retry(7), Retry(8));
        Add("retry_does_not_touch_the_event", RetryField + " / " + InOrder, "data: x\nretry: 5\n\n", Retry(5), Ev("x"));
        Add("retry_without_blank_line_still_applies", RetryField + " / " + InOrder, "retry: 5\ndata: x\n", Retry(5));

        // --- Blank lines and end of stream ---
        Add("blank_lines_alone_dispatch_nothing", EmptyData, "\n\n\n", []);
        Add("end_of_stream_discards_the_pending_event", EndOfFile, "data: x\n", []);
        Add("end_of_stream_discards_the_unterminated_line", EndOfFile, "data: x", []);
        Add("end_of_stream_discards_only_the_last_event", EndOfFile, "data: a\n\ndata: b\nevent: e\n", Ev("a"));
        Add("empty_stream", EndOfFile, "", []);

        // --- Characters ---
        Add("NUL_in_data_is_kept", AnyChar, "data: a\0b\n\n", Ev("a\0b"));
        Add("NUL_in_type_is_kept", AnyChar + " / " + EventField, "event: a\0b\ndata: x\n\n", Ev("x", "a\0b"));
        Add("NUL_in_comment_is_kept", AnyChar, ":\0\n", Com("\0"));
        Add("non_ASCII_is_kept", AnyChar, "event: \u00e9v\u00e9nement\ndata: h\u00e9llo \u20ac\U0001D11E\n\n", Ev("h\u00e9llo \u20ac\U0001D11E", "\u00e9v\u00e9nement"));
        Raw("invalid_UTF8_byte_FF_becomes_U+FFFD", Decode, Bytes("data: ", 0xFF, "\n\n"), Ev("\uFFFD"));
        Raw("truncated_UTF8_sequence_becomes_U+FFFD", Decode, Bytes("data: ", 0xC3, "(\n\n"), Ev("\uFFFD("));
        Raw("overlong_UTF8_becomes_two_U+FFFD", Decode, Bytes("data: ", 0xC0, 0x80, "\n\n"), Ev("\uFFFD\uFFFD"));
        Raw("UTF8_surrogate_becomes_three_U+FFFD", Decode, Bytes("data: ", 0xED, 0xA0, 0x80, "\n\n"), Ev("\uFFFD\uFFFD\uFFFD"));
        Raw("truncated_UTF8_at_line_end", Decode + " / " + LineEnds, Bytes("data: ", 0xE2, 0x82, "\ndata: x\n\n"), Ev("\uFFFD\nx"));
        Raw("invalid_UTF8_in_id_type_and_comment", Decode, Bytes(":", 0xFE, "\nid: ", 0x80, "\nevent: ", 0xF5, "\ndata: x\n\n"),
            lastEventId: "\uFFFD", Com("\uFFFD"), Ev("x", "\uFFFD", "\uFFFD"));
        Raw("invalid_UTF8_in_a_field_name_makes_it_unknown", Decode + " / " + Unknown, Bytes("dat", 0xE1, ": x\ndata: y\n\n"), Ev("y"));
    }

    /// <summary>Every case, by name.</summary>
    public static IReadOnlyDictionary<string, ConformanceCase> Cases => LazyCases.Value;

    /// <summary>Every case in table order.</summary>
    public static IReadOnlyList<ConformanceCase> Ordered => AllCases;

    private static SseRecord.Event Ev(string data, string type = "message", string id = "") => new(type, data, id);

    private static SseRecord.Retry Retry(long milliseconds) => new(milliseconds);

    private static SseRecord.Comment Com(string text) => new(text);

    private static void Add(string name, string spec, string input, params SseRecord[] expected) =>
        AddCase(name, spec, Bytes(input), "", fixedEndings: false, expected);

    private static void Add(string name, string spec, string input, string lastEventId, params SseRecord[] expected) =>
        AddCase(name, spec, Bytes(input), lastEventId, fixedEndings: false, expected);

    private static void Fixed(string name, string spec, string input, params SseRecord[] expected) =>
        AddCase(name, spec, Bytes(input), "", fixedEndings: true, expected);

    private static void Raw(string name, string spec, byte[] input, params SseRecord[] expected) =>
        AddCase(name, spec, input, "", fixedEndings: false, expected);

    private static void Raw(string name, string spec, byte[] input, string lastEventId, params SseRecord[] expected) =>
        AddCase(name, spec, input, lastEventId, fixedEndings: false, expected);

    private static void AddCase(string name, string spec, byte[] input, string lastEventId, bool fixedEndings, SseRecord[] expected)
    {
        if (!fixedEndings && input.Contains((byte)'\r'))
        {
            throw new InvalidOperationException($"Case {name} contains CR: mark it fixed.");
        }

        AllCases.Add(new ConformanceCase(name, spec, input, expected, lastEventId, fixedEndings));
    }
}
