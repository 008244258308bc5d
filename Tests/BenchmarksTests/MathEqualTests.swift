import Testing
@testable import Benchmarks

@Suite("MathEqual")
struct MathEqualTests {
    @Test(arguments: [
        ("$\\frac{1}{2}$", "\\frac{1}{2}"),
        ("\\dfrac{3}{4}", "\\frac{3}{4}"),
        ("\\tfrac12", "\\frac{1}{2}"),
        ("1,000", "1000"),
        ("1{,}234{,}567", "1234567"),
        ("\\left( 3, \\frac{\\pi}{2} \\right)", "(3,\\frac{\\pi}{2})"),
        ("120^\\circ", "120"),
        ("45^{\\circ}", "45"),
        ("50\\%", "50"),
        ("10\\text{ cm}", "10"),
        ("50\\text{ cm}^2", "50"),
        ("12 inches", "12"),
        ("\\text{(B)}", "(B)"),
        ("5.", "5"),
        ("3\\!\\,000", "3000"),
        ("x = 5", "5"),
        ("\\sqrt2", "\\sqrt{2}"),
        ("2\\ \\text{and}\\ 3", "2and3"),
    ])
    func normalises(input: String, expected: String) {
        #expect(MathNormalizer.normalize(input) == expected)
    }

    /// Plain numbers take a shortcut; a no-break space (whitespace to the
    /// full path, not ASCII to the shortcut) sends the same text the long
    /// way, and both must agree.
    @Test(arguments: ["72", " -3.5 \n", "1,000.", "1,000,000.50", "1,2", "+7", "12 345", "0.5..", "-", "", ",", "1,00"])
    func plainNumbersTakeTheShortcutWithTheSameResult(_ input: String) {
        #expect(MathNormalizer.normalizePlainNumber(input) != nil)
        #expect(MathNormalizer.normalize(input) == MathNormalizer.normalize(input + "\u{00A0}"), "\(input)")
    }

    @Test func theShortcutTakesNothingElse() {
        #expect(MathNormalizer.normalize("1,000.") == "1000")
        #expect(MathNormalizer.normalize("12 345") == "12345")
        for input in ["5 cm", "x=5", "\\frac12", "3\u{00A0}", "1e5", "(1,2)", "٣"] {
            #expect(MathNormalizer.normalizePlainNumber(input) == nil, "\(input)")
        }
    }

    @Test func tuplesKeepTheirCommas() {
        #expect(MathNormalizer.normalize("(1,2)") == "(1,2)")
        #expect(MathNormalizer.normalize("1,2") == "1,2")
        #expect(MathNormalizer.normalize("\\rightarrow") == "\\rightarrow")
    }

    @Test(arguments: [
        ("0.5", "\\frac{1}{2}"),
        ("\\frac{1}{2}", "1/2"),
        ("1000", "1,000"),
        ("\\dfrac{3}{4}", "0.75"),
        ("-\\frac{2}{4}", "-0.5"),
        ("3.14159", "3.14160"),
        ("\\left( 4, 3 \\right)", "(4, 3)"),
        ("(1,5)", "( 1 , 5 )"),
        ("[0.5, 2]", "[\\frac12, 2.0]"),
        ("18", "18.0"),
        ("$120^\\circ$", "120"),
        ("5\\sqrt{2}", "5\\sqrt2"),
    ])
    func equal(gold: String, prediction: String) {
        #expect(MathEqual.compare(gold: gold, prediction: prediction) == .equal)
    }

    @Test(arguments: [
        ("3.14159", "3.15"),
        ("0.5", "\\frac{1}{3}"),
        ("(1,2)", "(1,2,3)"),
        ("(1,2)", "(1,3)"),
        ("(1,2)", "7"),
        ("1000", "100"),
        ("5", ""),
        ("0", "0.00001"),
    ])
    func notEqual(gold: String, prediction: String) {
        #expect(MathEqual.compare(gold: gold, prediction: prediction) == .notEqual)
    }

    @Test(arguments: [
        ("x^2+2x+1", "(x+1)^2"),
        ("\\sqrt{2}", "1.41421"),
        ("(1,2)", "[1,2]"),
        ("\\frac{\\pi}{2}", "\\pi/2"),
        ("(\\sqrt{2}, 1)", "(1.41421356, 1)"),
    ])
    func undecided(gold: String, prediction: String) {
        #expect(MathEqual.compare(gold: gold, prediction: prediction) == .undecided)
    }

    @Test func toleranceIsRelative() {
        #expect(MathEqual.numbersEqual(1_000_000, 1_000_050))
        #expect(!MathEqual.numbersEqual(1_000_000, 1_000_200))
        #expect(MathEqual.numbersEqual(0, 0))
        #expect(MathEqual.numericValue("\\frac{1}{0}") == nil)
        #expect(MathEqual.numericValue("inf") == nil)
    }
}
