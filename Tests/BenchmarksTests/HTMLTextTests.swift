import Testing
@testable import Benchmarks

@Suite("HTML to text for the deep search")
struct HTMLTextTests {
    @Test func aPageKeepsItsTextAndDropsTheFurniture() {
        let html = """
            <!DOCTYPE html>
            <html><head><title>Ignored title</title><style>body { color: red; }</style>
            <script>var x = "<p>not text</p>";</script></head>
            <body>
            <nav><ul><li><a href="/">Home</a></li><li>About</li></ul></nav>
            <h1>Eiffel&nbsp;Tower</h1>
            <p>The tower is <b>330&#160;m</b> tall &amp; was built in 1889.</p>
            <!-- a comment <p>hidden</p> -->
            <p>Named after Gustave&#x20;Eiffel &mdash; an engineer.</p>
            <table><tr><td>Height</td><td>330 m</td></tr></table>
            <footer>Copyright &copy; 2024</footer>
            </body></html>
            """
        #expect(HTMLText.plainText(fromHTML: html) == """
            Eiffel Tower
            The tower is 330 m tall & was built in 1889.
            Named after Gustave Eiffel — an engineer.
            Height 330 m
            """)
    }

    @Test func tagsAreFoundWhereTheyAreAndOnlyThere() {
        // A `>` inside a quoted attribute value does not end the tag.
        #expect(HTMLText.plainText(fromHTML: #"<a title="a>b" href='x'>link</a> text"#) == "link text")
        // A `<` not followed by a letter is text.
        #expect(HTMLText.plainText(fromHTML: "a < b and 3<4") == "a < b and 3<4")
        // Inline elements do not split words; blocks and <br/> start lines; names in any case.
        #expect(HTMLText.plainText(fromHTML: "foo<span>bar</span>") == "foobar")
        #expect(HTMLText.plainText(fromHTML: "<P>One</P><BR>Two<br/>Three") == "One\nTwo\nThree")
        #expect(HTMLText.plainText(fromHTML: #"<?xml version="1.0"?><![CDATA[x]]><p>y</p>"#) == "y")
    }

    @Test func droppedElementsNestAndAnUnclosedOneDropsOnlyItsTag() {
        #expect(HTMLText.plainText(fromHTML: "<aside>x<aside>y</aside>z</aside>after") == "after")
        #expect(HTMLText.plainText(fromHTML: "<nav>menu<p>body text</p>") == "menu\nbody text")
        #expect(HTMLText.plainText(fromHTML: "<svg/>kept") == "kept")
        // A raw-text element never closed (a page cut at the byte cap) drops the rest.
        #expect(HTMLText.plainText(fromHTML: "<p>before</p><script>never closed <p>x</p>") == "before")
        // A tag cut at the cap is dropped.
        #expect(HTMLText.plainText(fromHTML: "<p>kept</p><a href=\"http://exa") == "kept")
    }

    @Test func characterReferences() {
        #expect(HTMLText.plainText(fromHTML: "AT&T &foo; &amp &lt;b&gt; &quot;q&quot; &#65;&#x42;&#X43;")
            == "AT&T &foo; &amp <b> \"q\" ABC")
        #expect(HTMLText.plainText(fromHTML: "&#0;|&#x110000;|&#xD800;|&eacute;&Omega;") == "\u{FFFD}|\u{FFFD}|\u{FFFD}|éΩ")
        // A soft hyphen disappears; the decoded `<` is not read as a tag.
        #expect(HTMLText.plainText(fromHTML: "hy&shy;phen &lt;p&gt;x") == "hyphen <p>x")
    }

    @Test func whitespaceCollapsesPerLine() {
        #expect(HTMLText.collapsedLines("  a \t b \n\n  c  \r\n") == "a b\nc")
        #expect(HTMLText.plainText(fromHTML: "<div>\n  <p>  spaced \n out </p>\n</div>") == "spaced out")
        #expect(HTMLText.plainText(fromHTML: "").isEmpty)
    }

    @Test func pageDecodingReadsTypesCharsetsAndCutCharacters() {
        #expect(PageDecoding.contentType("Text/HTML; charset=\"UTF-8\"") == ("text/html", "utf-8"))
        #expect(PageDecoding.contentType(nil) == ("", nil))
        #expect(PageDecoding.kind(of: "text/html") == .html)
        #expect(PageDecoding.kind(of: "text/markdown") == .text)
        #expect(PageDecoding.kind(of: "application/ld+json") == .text)
        #expect(PageDecoding.kind(of: "application/pdf") == .other)
        #expect(PageDecoding.sniff(Array("  <html>".utf8)) == .html)
        #expect(PageDecoding.sniff(Array("plain".utf8)) == .text)
        #expect(PageDecoding.sniff([0x89, 0x50, 0x4E, 0x47, 0x00]) == .other)
        #expect(PageDecoding.decode([0x63, 0x61, 0x66, 0xE9], charset: "iso-8859-1") == "café")
        // "é" is C3 A9: a body cut after C3 loses the half character, not the text before it.
        #expect(PageDecoding.completeUTF8Prefix([0x61, 0xC3]) == [0x61])
        #expect(PageDecoding.completeUTF8Prefix([0x61, 0xC3, 0xA9]) == [0x61, 0xC3, 0xA9])
        #expect(PageDecoding.completeUTF8Prefix([0xE2, 0x82]) == [])
        #expect(PageDecoding.completeUTF8Prefix([]) == [])
    }
}
