import Testing

@testable import Jinja

/// `str()` / `repr()` as Python prints them, checked against values worked
/// out by hand from CPython's rules (repr switches to exponent form when the
/// decimal exponent is below -4 or at least 16).
@Suite struct PythonFormatTests {
    @Test(arguments: [
        (1.0, "1.0"), (1e15, "1000000000000000.0"), (1e16, "1e+16"), (0.0001, "0.0001"), (0.00001, "1e-05"),
        (1.5e-7, "1.5e-07"), (123.456, "123.456"), (-0.0, "-0.0"), (0.1 + 0.2, "0.30000000000000004"),
        (1e22, "1e+22"), (-2.5e-5, "-2.5e-05"), (123456789012345678.0, "1.2345678901234568e+17"), (100.0, "100.0"),
    ])
    func floatRepr(_ value: Double, _ expected: String) {
        #expect(PythonFormat.float(value) == expected)
    }

    @Test func nonFiniteFloats() {
        #expect(PythonFormat.float(.infinity) == "inf")
        #expect(PythonFormat.float(-.infinity) == "-inf")
        #expect(PythonFormat.float(.nan) == "nan")
        #expect(PythonFormat.float(.leastNonzeroMagnitude) == "5e-324")
        #expect(JSONDump.float(.nan) == "NaN" && JSONDump.float(-.infinity) == "-Infinity")
    }

    @Test func stringRepr() {
        #expect(PythonFormat.string("plain") == "'plain'")
        #expect(PythonFormat.string("it's") == "\"it's\"")
        #expect(PythonFormat.string("both ' and \"") == "'both \\' and \"'")
        #expect(PythonFormat.string("tab\tnl\n\\") == "'tab\\tnl\\n\\\\'")
        #expect(PythonFormat.string("\u{0}\u{7f}\u{a0}\u{2028}é😀") == "'\\x00\\x7f\\xa0\\u2028é😀'")
    }

    @Test func containers() {
        let d: Value = ["a": 1, "b": [true, .none, 1.5, "x"]]
        #expect(PythonFormat.str(d) == "{'a': 1, 'b': [True, None, 1.5, 'x']}")
        #expect(PythonFormat.str(.tuple([1])) == "(1,)")
        #expect(PythonFormat.str(.tuple([])) == "()")
        #expect(PythonFormat.str(.undefined(message: "x")) == "")
        #expect(PythonFormat.repr(.undefined(message: "x")) == "Undefined")
    }
}
